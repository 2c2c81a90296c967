import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { needsRefresh, REFRESH_AFTER_MS, SESSION_TTL_SECONDS } from "../src/session/store";
import { csrfOf, get, Jar, mailedSignupLink, post, signUpThroughPages, uniqueEmail } from "./browser";
import { core, edge } from "./helpers";

// Sign-up, log-in and sessions through the Worker's real fetch handler, against the real core
// (identity module) and the Worker's real SESSIONS KV.

const SESSION = "__Host-bazaar_session";
const PASSWORD = "correct horse battery";

/** The form, then the mailed link and its button; answers the last step (or the refused form). */
const signUp = (jar: Jar, fields: { name: string; email: string; password?: string }) =>
	signUpThroughPages(jar, { password: PASSWORD, ...fields });

/** Logs in straight at the core (as the admin API or another device would). */
async function coreLogin(email: string, password = PASSWORD) {
	const res = await core().request("POST", "/identity/login", {
		caller: { user: "", roles: [], ip: "10.250.0.1" },
		body: JSON.stringify({ email, password }),
	});
	return { status: res.status, body: (await res.json()) as { id: string; roles: string[] } };
}

describe("account sessions", () => {
	it("signs up by mail, sets a __Host- HttpOnly SameSite=Lax cookie, and shows the account", async () => {
		const jar = new Jar();
		const email = uniqueEmail();
		const form = await get(jar, "/account/signup");
		expect(form.res.status).toBe(200);
		expect(form.res.headers.get("cache-control")).toBe("no-store");
		// No inline script (the personal CSP allows only this site's script files).
		expect(form.html).not.toMatch(/<script(?![^>]*\bsrc=)/);

		const sent = await post(jar, "/account/signup", {
			name: "Ada Lovelace",
			email,
			password: PASSWORD,
			csrf: csrfOf(form.html),
		});
		expect(sent.res.status).toBe(200);
		expect(sent.html).toContain("Check your mail");
		expect(sent.res.headers.getSetCookie().some((l) => l.startsWith(SESSION))).toBe(false);
		expect((await coreLogin(email)).status).toBe(401);

		// The link shows a button (a mail scanner that follows links creates nothing).
		const link = await mailedSignupLink(email);
		const confirmPage = await get(jar, link);
		expect(confirmPage.res.status).toBe(200);
		expect(confirmPage.res.headers.get("referrer-policy")).toBe("no-referrer");
		expect(jar.cookies.has(SESSION)).toBe(false);
		expect((await coreLogin(email)).status).toBe(401);
		const token = /name="token" value="([^"]+)"/.exec(confirmPage.html)?.[1] ?? "";
		const { res } = await post(jar, "/account/signup/confirm", { token, csrf: csrfOf(confirmPage.html) });
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/account");
		expect(res.headers.get("cache-control")).toBe("no-store");
		const sessionCookies = res.headers.getSetCookie().filter((l) => l.startsWith(`${SESSION}=`));
		expect(sessionCookies).toHaveLength(1);
		const cookie = sessionCookies[0]!;
		expect(cookie).toMatch(new RegExp(`^${SESSION}=[A-Za-z0-9_-]{43};`));
		expect(cookie).toMatch(/; HttpOnly/i);
		expect(cookie).toMatch(/; SameSite=Lax/i);
		expect(cookie).toMatch(/; Secure/i);
		expect(cookie).toMatch(/; Path=\//);
		expect(cookie).not.toMatch(/Domain=/i);

		const page = await get(jar, "/account");
		expect(page.res.status).toBe(200);
		expect(page.res.headers.get("cache-control")).toBe("no-store");
		expect(page.html).toContain('<dd data-testid="account-name">Ada Lovelace</dd>');
		expect(page.html).toContain(email);

		// The KV entry is keyed by a hash of the id, never by the cookie value itself.
		const id = jar.cookies.get(SESSION)!;
		expect(await env.SESSIONS.get(`session:${id}`)).toBeNull();
		expect((await env.SESSIONS.list({ prefix: "session:" })).keys.length).toBeGreaterThan(0);
	});

	it("answers a taken address exactly like a new one, and mails its owner instead", async () => {
		const owner = uniqueEmail();
		expect((await signUp(new Jar(), { name: "Owner", email: owner })).res.status).toBe(303);
		const attempt = async (email: string) => {
			const jar = new Jar();
			const form = await get(jar, "/account/signup");
			const sent = await post(jar, "/account/signup", {
				name: "Someone",
				email,
				password: "another long password",
				csrf: csrfOf(form.html),
			});
			return { ...sent, jar };
		};
		const fresh = uniqueEmail();
		const taken = await attempt(owner.toUpperCase());
		const untaken = await attempt(fresh);
		expect(taken.res.status).toBe(200);
		expect(untaken.res.status).toBe(200);
		// The pages differ only in the address they repeat.
		expect(taken.html.replace(owner.toUpperCase(), "ADDRESS")).toBe(untaken.html.replace(fresh, "ADDRESS"));
		for (const r of [taken, untaken]) expect(r.jar.cookies.has(SESSION)).toBe(false);
		// The owner hears about it; their password still works, the attempt's does not.
		const mailbox = await get(new Jar(), `/dev/mail?to=${encodeURIComponent(owner)}`);
		expect(mailbox.html).toContain("Someone tried to sign up with your address");
		expect((await coreLogin(owner)).status).toBe(200);
		expect((await coreLogin(owner, "another long password")).status).toBe(401);
	});

	it("a used or forged sign-up link is refused with a page, and signs nobody in", async () => {
		const jar = new Jar();
		const email = uniqueEmail();
		expect((await signUp(jar, { name: "Once", email })).res.status).toBe(303);
		const link = await mailedSignupLink(email);
		const again = new Jar();
		const page = await get(again, link);
		const token = /name="token" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
		const used = await post(again, "/account/signup/confirm", { token, csrf: csrfOf(page.html) });
		expect(used.res.status).toBe(400);
		expect(used.html).toContain("not valid any more");
		expect(again.cookies.has(SESSION)).toBe(false);
		expect((await get(new Jar(), "/account/signup/confirm?token=not!a!token")).res.status).toBe(400);
		const forged = new Jar();
		const form = await get(forged, `/account/signup/confirm?token=${"A".repeat(43)}`);
		const refused = await post(forged, "/account/signup/confirm", { token: "A".repeat(43), csrf: csrfOf(form.html) });
		expect(refused.res.status).toBe(400);
		expect(forged.cookies.has(SESSION)).toBe(false);
	});

	it("redirects anonymous visitors from /account to the login page", async () => {
		const { res } = await get(new Jar(), "/account");
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/account/login");
		expect(res.headers.get("cache-control")).toBe("no-store");
	});

	it("logs out: the cookie is cleared and the old session id no longer works", async () => {
		const jar = new Jar();
		await signUp(jar, { name: "Grace Hopper", email: uniqueEmail() });
		const stolen = jar.cookies.get(SESSION)!;
		const page = await get(jar, "/account");
		const { res } = await post(jar, "/account/logout", { csrf: csrfOf(page.html) });
		expect(res.status).toBe(303);
		expect(res.headers.getSetCookie().find((l) => l.startsWith(`${SESSION}=`))).toMatch(/Max-Age=0/i);
		expect(jar.cookies.has(SESSION)).toBe(false);
		expect((await get(jar, "/account")).res.headers.get("location")).toBe("/account/login");

		const replay = new Jar();
		replay.cookies.set(SESSION, stolen);
		expect((await get(replay, "/account")).res.headers.get("location")).toBe("/account/login");
	});

	it("treats forged or malformed session cookies as anonymous and clears them", async () => {
		for (const forged of ["A".repeat(43), "not-a-session", "x".repeat(500), `${"B".repeat(42)}.`]) {
			const jar = new Jar();
			jar.cookies.set(SESSION, forged);
			const { res } = await get(jar, "/account");
			expect(res.status).toBe(303);
			expect(res.headers.get("location")).toBe("/account/login");
			expect(jar.cookies.has(SESSION)).toBe(false);
			const login = await get(jar, "/account/login");
			expect(login.res.status).toBe(200);
		}
	});

	it("refuses sign-up without a valid CSRF token (403) and creates no account", async () => {
		const jar = new Jar();
		const email = uniqueEmail();
		const form = await get(jar, "/account/signup");
		const token = csrfOf(form.html);
		const fields = { name: "Mallory", email, password: PASSWORD };

		const missing = await post(jar, "/account/signup", fields);
		expect(missing.res.status).toBe(403);
		expect(missing.html.startsWith("<!doctype html>")).toBe(true);

		const wrong = await post(jar, "/account/signup", { ...fields, csrf: `${token.slice(0, -2)}00` });
		expect(wrong.res.status).toBe(403);

		// A token copied from someone else's cookie does not match this browser's cookie.
		const other = new Jar();
		const otherToken = csrfOf((await get(other, "/account/signup")).html);
		expect((await post(jar, "/account/signup", { ...fields, csrf: otherToken })).res.status).toBe(403);

		// The right token from another site's page is still refused (Origin layer).
		const crossSite = await post(
			jar,
			"/account/signup",
			{ ...fields, csrf: token },
			{ origin: "https://evil.example" },
		);
		expect(crossSite.res.status).toBe(403);

		for (const r of [missing, wrong, crossSite])
			expect(r.res.headers.getSetCookie().some((l) => l.startsWith(SESSION))).toBe(false);
		expect((await coreLogin(email)).status).toBe(401);
	});

	it("refuses logout without the session's CSRF token", async () => {
		const jar = new Jar();
		await signUp(jar, { name: "Alan Turing", email: uniqueEmail() });
		expect((await post(jar, "/account/logout", {})).res.status).toBe(403);
		expect((await post(jar, "/account/logout", { csrf: "A".repeat(43) })).res.status).toBe(403);
		expect((await get(jar, "/account")).res.status).toBe(200);
	});

	it("logs in, and answers a wrong password exactly like an unknown email", async () => {
		const email = uniqueEmail();
		await signUp(new Jar(), { name: "Katherine Johnson", email });

		const attempt = async (e: string, password: string) => {
			const jar = new Jar();
			const form = await get(jar, "/account/login");
			return post(jar, "/account/login", { email: e, password, csrf: csrfOf(form.html) });
		};
		const wrong = await attempt(email, "not the password at all");
		const unknown = await attempt(uniqueEmail(), "not the password at all");
		const alert = (html: string) => /<div class="notice" role="alert">(.*?)<\/div>/s.exec(html)?.[1];
		expect(wrong.res.status).toBe(401);
		expect(unknown.res.status).toBe(401);
		expect(alert(wrong.html)).toBeDefined();
		expect(alert(wrong.html)).toBe(alert(unknown.html));
		expect(wrong.res.headers.getSetCookie().some((l) => l.startsWith(SESSION))).toBe(false);

		const ok = await attempt(email, PASSWORD);
		expect(ok.res.status).toBe(303);
		expect(ok.res.headers.get("location")).toBe("/account");
		expect(ok.res.headers.getSetCookie().some((l) => l.startsWith(`${SESSION}=`))).toBe(true);
	});

	it("shows a too-many-attempts page with 429 when the core rate-limits the account", async () => {
		const email = uniqueEmail();
		await signUp(new Jar(), { name: "Eve", email });
		const jar = new Jar();
		let last: Awaited<ReturnType<typeof post>> | undefined;
		for (let i = 0; i < 8; i++) {
			const form = await get(jar, "/account/login");
			last = await post(jar, "/account/login", { email, password: `wrong password ${i}`, csrf: csrfOf(form.html) });
			if (last.res.status === 429) break;
		}
		expect(last!.res.status).toBe(429);
		expect(last!.html).toContain("Too many attempts");
		expect(last!.res.headers.get("cache-control")).toBe("no-store");
	});

	it("ends the edge session at once when the user logs out everywhere through the core", async () => {
		const jar = new Jar();
		const email = uniqueEmail();
		await signUp(jar, { name: "Margaret Hamilton", email });
		// Warm this isolate's generation-check cache with a good answer.
		expect((await get(jar, "/account")).res.status).toBe(200);

		const { body: user } = await coreLogin(email);
		const res = await core().request("POST", "/identity/me/logout-everywhere", {
			caller: { user: user.id, roles: user.roles },
		});
		expect(res.status).toBe(200);

		const page = await get(jar, "/account");
		expect(page.res.status).toBe(303);
		expect(page.res.headers.get("location")).toBe("/account/login");
		expect(jar.cookies.has(SESSION)).toBe(false);
	});

	it("rechecks the generation on every POST, so a revoked session cannot act", async () => {
		const jar = new Jar();
		const email = uniqueEmail();
		await signUp(jar, { name: "Hedy Lamarr", email });
		const csrf = csrfOf((await get(jar, "/account")).html);
		const { body: user } = await coreLogin(email);
		await core().request("POST", "/identity/me/logout-everywhere", { caller: { user: user.id, roles: user.roles } });
		// The session's own token no longer counts: the session is gone, so the form is refused.
		const { res } = await post(jar, "/account/logout-everywhere", { csrf });
		expect(res.status).toBe(403);
		expect(jar.cookies.has(SESSION)).toBe(false);
	});

	it("logs out everywhere from the account page", async () => {
		const a = new Jar();
		const email = uniqueEmail();
		await signUp(a, { name: "Barbara Liskov", email });
		const b = new Jar();
		const form = await get(b, "/account/login");
		expect((await post(b, "/account/login", { email, password: PASSWORD, csrf: csrfOf(form.html) })).res.status).toBe(
			303,
		);
		expect((await get(b, "/account")).res.status).toBe(200);

		const { res } = await post(a, "/account/logout-everywhere", { csrf: csrfOf((await get(a, "/account")).html) });
		expect(res.status).toBe(303);
		expect((await get(b, "/account")).res.headers.get("location")).toBe("/account/login");
	});

	it("shows sign-up validation errors from the core without creating a session", async () => {
		const jar = new Jar();
		const { res, html } = await signUp(jar, { name: "Short", email: uniqueEmail(), password: "short" });
		expect(res.status).toBe(400);
		expect(html).toContain("<code>password</code>");
		expect(jar.cookies.has(SESSION)).toBe(false);
	});

	it("uses the unprefixed cookie name on plain http, where __Host- cannot be set", async () => {
		const res = await exports.default.fetch(new Request("http://localhost:8787/account/signup"));
		const cookie = res.headers.getSetCookie()[0]!;
		expect(cookie).toMatch(/^bazaar_csrf=/);
		expect(cookie).not.toMatch(/Secure/i);
	});

	it("leaves catalog pages cookie-free and cacheable", async () => {
		const res = await edge("/", { headers: { cookie: `${SESSION}=${"A".repeat(43)}` } });
		expect(res.status).toBe(200);
		expect(res.headers.getSetCookie()).toEqual([]);
		// Cached per market at the edge; private to the browser, revalidated by its ETag.
		expect(res.headers.get("cache-control")).toBe("private, no-cache");
		expect(res.headers.get("etag")).toBeTruthy();
	});

	it("slides the expiry with at most one KV rewrite per refresh window", () => {
		const now = Date.now();
		const fresh = { expiresAt: now + SESSION_TTL_SECONDS * 1000 };
		expect(needsRefresh(fresh as never, now + REFRESH_AFTER_MS - 1000)).toBe(false);
		expect(needsRefresh(fresh as never, now + REFRESH_AFTER_MS + 1000)).toBe(true);
	});
});
