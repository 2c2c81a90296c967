import { SignupToken } from "@bazaar/contracts/identity";
import { Hono } from "hono";
import { mergeGuestCart } from "../cart/guest";
import type { AppEnv } from "../env";
import { anonymousCaller, callerOf } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { identity, safeNextPath } from "../lib/identity";
import { coreTrouble, personalPage as page, seeOther } from "../lib/personal-page";
import { settleMarketAtSignIn } from "../markets/preference";
import { formBodyLimit } from "../middleware/body";
import { csrfToken } from "../session/csrf";
import { endSession, loadSession, startSession } from "../session/middleware";
import { type FormMessage, LoginPage, SignupConfirmPage, SignupPage, SignupSentPage } from "../views/account-pages";
import { accountAddresses } from "./account-addresses";
import { accountOrders } from "./account-orders";
import { accountProfile } from "./account-profile";
import { accountReset } from "./account-reset";

// Sign up, log in, log out, and the account page; the profile, reset, address and order pages
// are mounted from their own files. Sign-up answers "check your mail" whether or not the address
// has an account (the core mails a link, or tells the owner someone tried); the account is
// created, and the browser signed in, when the mailed link's button is pressed. Everything here is personal: answered `no-store`, never
// through the catalog caches.

const SAME_ANSWER = "The email address or the password is not correct.";

export const account = new Hono<AppEnv>();

account.use("*", formBodyLimit(16 * 1024));
account.use("*", loadSession);
account.use("*", async (c, next) => {
	await next();
	// Belt and braces: redirects and anything else from here carry personal cookies or data.
	c.res.headers.set("cache-control", "no-store");
});

/** `?next=` on the pages, `next` in the forms: where a successful sign-in goes. */
const nextOf = (value: string | undefined) => {
	const safe = safeNextPath(value);
	return safe === "/account" ? undefined : safe;
};

account.get("/signup", async (c) => {
	const next = nextOf(c.req.query("next"));
	if (c.get("session")) return seeOther(c, next ?? "/account");
	return page(c, 200, <SignupPage csrf={await csrfToken(c, null)} next={next} />);
});

account.post("/signup", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const next = nextOf(fields.next);
	const input = { name: fields.name ?? "", email: fields.email ?? "", password: fields.password ?? "" };
	const result = await identity.register(c.env, anonymousCaller(c.req.raw), { ...input, ...(next ? { next } : {}) });
	// The same page whether the address is new or taken: the mail tells its owner which.
	if (result.ok) return page(c, 200, <SignupSentPage email={input.email.trim()} />);
	let message: FormMessage;
	if (result.status === 400 || result.status === 422) {
		message = { text: result.problem.detail ?? result.problem.title, errors: result.problem.errors };
	} else if (result.status === 429) {
		message = { text: "Too many attempts. Wait a little and try again." };
	} else {
		return coreTrouble(c, result.status);
	}
	const again = (
		<SignupPage csrf={await csrfToken(c, null)} name={input.name} email={input.email} next={next} message={message} />
	);
	return page(c, result.status, again, result.retryAfter ? { "retry-after": result.retryAfter } : {});
});

const badSignupLink: FormMessage = {
	text: "This sign-up link is not valid any more. Sign up again.",
	errors: [{ path: "token", message: "unknown, used or expired" }],
};
// The token is in the address bar; it must not leak to another site through Referer.
const NO_REFERRER = { "referrer-policy": "no-referrer" };

account.get("/signup/confirm", async (c) => {
	const csrf = await csrfToken(c, c.get("session"));
	const token = c.req.query("token") ?? "";
	if (!SignupToken.safeParse(token).success) {
		return page(c, 400, <SignupConfirmPage csrf={csrf} token="" message={badSignupLink} />, NO_REFERRER);
	}
	const next = nextOf(c.req.query("next"));
	return page(c, 200, <SignupConfirmPage csrf={csrf} token={token} next={next} />, NO_REFERRER);
});

account.post("/signup/confirm", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const next = nextOf(fields.next);
	const token = fields.token ?? "";
	const csrf = await csrfToken(c, c.get("session"));
	if (!SignupToken.safeParse(token).success) {
		return page(c, 400, <SignupConfirmPage csrf={csrf} token="" message={badSignupLink} />, NO_REFERRER);
	}
	const result = await identity.confirmSignup(c.env, anonymousCaller(c.req.raw), { token });
	if (result.ok) {
		const session = await startSession(c, result.value);
		await mergeGuestCart(c, session);
		await settleMarketAtSignIn(c, session);
		return seeOther(c, next ?? "/account");
	}
	if (result.status === 400 || result.status === 422) {
		const message = { text: result.problem.detail ?? badSignupLink.text, errors: result.problem.errors };
		return page(c, 400, <SignupConfirmPage csrf={csrf} token="" message={message} />, NO_REFERRER);
	}
	return coreTrouble(c, result.status);
});

const LOGIN_NOTES: Record<string, string> = {
	reset: "Your password was changed. Log in with the new one.",
};

account.get("/login", async (c) => {
	const next = nextOf(c.req.query("next"));
	if (c.get("session")) return seeOther(c, next ?? "/account");
	const done = LOGIN_NOTES[c.req.query("done") ?? ""];
	return page(c, 200, <LoginPage csrf={await csrfToken(c, null)} next={next} done={done} />);
});

account.post("/login", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const next = nextOf(fields.next);
	const input = { email: fields.email ?? "", password: fields.password ?? "" };
	const result = await identity.login(c.env, anonymousCaller(c.req.raw), input);
	if (result.ok) {
		const session = await startSession(c, result.value);
		await mergeGuestCart(c, session);
		await settleMarketAtSignIn(c, session);
		return seeOther(c, next ?? "/account");
	}
	let status: number;
	let text: string;
	if (result.status === 429) {
		status = 429;
		text = "Too many attempts. Wait a little and try again.";
	} else if (result.status === 400 || result.status === 401) {
		// A malformed email answers like a wrong one: the form never says which part was wrong.
		status = 401;
		text = SAME_ANSWER;
	} else {
		return coreTrouble(c, result.status);
	}
	const again = <LoginPage csrf={await csrfToken(c, null)} email={input.email} next={next} message={{ text }} />;
	return page(c, status, again, result.retryAfter && status === 429 ? { "retry-after": result.retryAfter } : {});
});

account.post("/logout", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	await endSession(c);
	return seeOther(c, "/");
});

account.post("/logout-everywhere", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = c.get("session");
	if (!session) return seeOther(c, "/account/login");
	const result = await identity.logoutEverywhere(c.env, callerOf(c, session));
	if (!result.ok && result.status !== 401) return coreTrouble(c, result.status);
	await endSession(c);
	return seeOther(c, "/account/login");
});

account.route("/", accountProfile);
account.route("/reset", accountReset);
account.route("/addresses", accountAddresses);
account.route("/orders", accountOrders);
