import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { mergeGuestCart } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, callerOf } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { identity } from "../lib/identity";
import { coreTrouble, errorPage, personalPage as page, seeOther } from "../lib/personal-page";
import { csrfToken } from "../session/csrf";
import { forgetChecks } from "../session/generation";
import { endSession, loadSession, startSession } from "../session/middleware";
import { AccountPage, type FormMessage, LoginPage, SignupPage } from "../views/account-pages";

// Sign up, log in, log out, and the account page. Everything here is personal: answered
// `no-store`, never through the catalog caches.

const SAME_ANSWER = "The email address or the password is not correct.";

export const account = new Hono<AppEnv>();

account.use(
	"*",
	bodyLimit({ maxSize: 16 * 1024, onError: (c) => errorPage(c as AppContext, 413, "That form is too large.") }),
);
account.use("*", loadSession);
account.use("*", async (c, next) => {
	await next();
	// Belt and braces: redirects and anything else from here carry personal cookies or data.
	c.res.headers.set("cache-control", "no-store");
});

account.get("/", async (c) => {
	const session = c.get("session");
	if (!session) return seeOther(c, "/account/login");
	const me = await identity.me(c.env, callerOf(c, session));
	// The profile carries the authoritative generation: a "log out everywhere" from any device
	// ends this session here at once, whatever the isolate's check cache says.
	if (!me.ok && (me.status === 401 || me.status === 404)) {
		await endSession(c);
		return seeOther(c, "/account/login");
	}
	if (!me.ok) return coreTrouble(c, me.status);
	if (me.value.sessionGeneration !== session.generation) {
		await endSession(c);
		return seeOther(c, "/account/login");
	}
	return page(c, 200, <AccountPage csrf={session.csrf} name={me.value.name} email={me.value.email} />);
});

account.get("/signup", async (c) => {
	if (c.get("session")) return seeOther(c, "/account");
	return page(c, 200, <SignupPage csrf={await csrfToken(c, null)} />);
});

account.post("/signup", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const input = { name: fields.name ?? "", email: fields.email ?? "", password: fields.password ?? "" };
	const result = await identity.register(c.env, anonymousCaller(c.req.raw), input);
	if (result.ok) {
		await mergeGuestCart(c, await startSession(c, result.value));
		return seeOther(c, "/account");
	}
	let message: FormMessage;
	if (result.status === 400 || result.status === 409 || result.status === 422) {
		message = { text: result.problem.detail ?? result.problem.title, errors: result.problem.errors };
	} else if (result.status === 429) {
		message = { text: "Too many attempts. Wait a little and try again." };
	} else {
		return coreTrouble(c, result.status);
	}
	const again = <SignupPage csrf={await csrfToken(c, null)} name={input.name} email={input.email} message={message} />;
	return page(c, result.status, again, result.retryAfter ? { "retry-after": result.retryAfter } : {});
});

account.get("/login", async (c) => {
	if (c.get("session")) return seeOther(c, "/account");
	return page(c, 200, <LoginPage csrf={await csrfToken(c, null)} />);
});

account.post("/login", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const input = { email: fields.email ?? "", password: fields.password ?? "" };
	const result = await identity.login(c.env, anonymousCaller(c.req.raw), input);
	if (result.ok) {
		await mergeGuestCart(c, await startSession(c, result.value));
		return seeOther(c, "/account");
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
	const again = <LoginPage csrf={await csrfToken(c, null)} email={input.email} message={{ text }} />;
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
	forgetChecks({ userId: session.userId });
	await endSession(c);
	return seeOther(c, "/account/login");
});
