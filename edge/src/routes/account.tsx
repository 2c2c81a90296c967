import { problem } from "@bazaar/contracts";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { AppContext, AppEnv } from "../env";
import { HTML_TYPE, renderHtml } from "../lib/html";
import { anonymousCaller, identity } from "../lib/identity";
import { CSRF_FIELD, csrfToken, csrfValid } from "../session/csrf";
import { forgetChecks } from "../session/generation";
import { endSession, loadSession, startSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";
import { AccountPage, type FormMessage, LoginPage, SignupPage } from "../views/account-pages";
import { ErrorPage } from "../views/error-page";

// Sign up, log in, log out, and the account page. Everything here is personal: answered
// `no-store`, never through the catalog caches, and the session middleware runs only here.

const PAGE_CSP =
	"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const SAME_ANSWER = "The email address or the password is not correct.";

async function page(c: AppContext, status: number, node: JSX.Element, headers: Record<string, string> = {}) {
	return c.body((await renderHtml(node)) as Uint8Array<ArrayBuffer>, status as 200, {
		"content-type": HTML_TYPE,
		"cache-control": "no-store",
		"content-security-policy": PAGE_CSP,
		"x-content-type-options": "nosniff",
		...headers,
	});
}

const errorPage = (c: AppContext, status: number, detail: string) =>
	page(c, status, <ErrorPage problem={problem(status, detail)} />);

const seeOther = (c: AppContext, to: string) => c.redirect(to, 303);

/** The submitted form fields (strings only), or null when the body is not a form. */
async function formFields(c: AppContext): Promise<Record<string, string> | null> {
	const type = c.req.header("content-type") ?? "";
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return null;
	try {
		const out: Record<string, string> = {};
		for (const [k, v] of (await c.req.formData()).entries()) if (typeof v === "string") out[k] = v;
		return out;
	} catch {
		return null;
	}
}

/**
 * Reads a state-changing form: an Origin (when the browser sends one) from this site, a body
 * that is a form, and a valid CSRF token. Answers the 403/400 page itself otherwise.
 */
async function checkedForm(c: AppContext): Promise<Record<string, string> | Response> {
	const origin = c.req.header("origin");
	if (origin !== undefined && origin !== new URL(c.req.url).origin) {
		return errorPage(c, 403, "This form was sent from another site.");
	}
	const fields = await formFields(c);
	if (!fields) return errorPage(c, 400, "Send this form from the page it is on.");
	if (!(await csrfValid(c, c.get("session"), fields[CSRF_FIELD]))) {
		return errorPage(c, 403, "This form has expired or did not come from this site. Reload the page and try again.");
	}
	return fields;
}

function coreTrouble(c: AppContext, status: number) {
	return errorPage(c, status >= 500 ? 502 : status, "The shop could not handle that right now. Try again shortly.");
}

function callerOf(c: AppContext, session: ActiveSession) {
	return { user: session.userId, roles: session.roles, ip: anonymousCaller(c.req.raw).ip };
}

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
		await startSession(c, result.value);
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
		await startSession(c, result.value);
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
