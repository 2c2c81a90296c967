import { describe, expect, it } from "vitest";
import {
	alertOf,
	coreLogin,
	csrfOf,
	get,
	Jar,
	logIn,
	PASSWORD,
	post,
	SESSION,
	signUp,
	uniqueEmail,
} from "./account-support";

// Password reset end to end: the request form, the mail in the dev outbox (/dev/mail), its link
// back to the storefront, the new-password form, and logging in with the new password.

const NEW_PASSWORD = "reset to something new";

async function requestReset(jar: Jar, email: string, csrf?: string) {
	const form = await get(jar, "/account/reset");
	return post(jar, "/account/reset", { email, csrf: csrf ?? csrfOf(form.html) });
}

/** The reset links mailed to this address, newest first, as the dev mailbox shows them. */
async function resetLinks(email: string): Promise<URL[]> {
	const { html } = await get(new Jar(), `/dev/mail?to=${encodeURIComponent(email)}`);
	return [...html.matchAll(/<a href="([^"]+)" class="mail-link">/g)]
		.map((m) => new URL(m[1]!.replaceAll("&amp;", "&")))
		.filter((url) => url.pathname === "/account/reset");
}

const withoutCsrf = (html: string) =>
	html.replace(/name="csrf" value="[^"]+"/g, "").replace(/value="[^"]*@[^"]*"/g, "");

describe("password reset", () => {
	it("answers the same for a known and an unknown email", async () => {
		const s = await signUp("Known Shopper");
		const known = await requestReset(new Jar(), s.email);
		const unknownEmail = uniqueEmail("nobody");
		const unknown = await requestReset(new Jar(), unknownEmail);
		expect(known.res.status).toBe(200);
		expect(unknown.res.status).toBe(200);
		expect(known.html).toContain("If an account uses that email address");
		expect(withoutCsrf(known.html)).toBe(withoutCsrf(unknown.html));
		expect(await resetLinks(unknownEmail)).toEqual([]);
		expect(await resetLinks(s.email)).toHaveLength(1);
	});

	it("resets through the mailed link: new password works, old one and every session end, the link works once", async () => {
		const s = await signUp("Forgetful Shopper");
		expect((await get(s.jar, "/account")).res.status).toBe(200);

		const browser = new Jar();
		const login = await get(browser, "/account/login");
		expect(login.html).toContain('href="/account/reset"');
		expect((await requestReset(browser, s.email)).res.status).toBe(200);

		const [link] = await resetLinks(s.email);
		expect(link).toBeDefined();
		expect(link!.origin).toBe("https://shop.example");
		expect(link!.pathname).toBe("/account/reset");
		const token = link!.searchParams.get("token")!;

		const form = await get(browser, `${link!.pathname}${link!.search}`);
		expect(form.res.status).toBe(200);
		expect(form.res.headers.get("cache-control")).toBe("no-store");
		expect(form.res.headers.get("referrer-policy")).toBe("no-referrer");
		expect(form.html).toContain('action="/account/reset/confirm"');
		expect(form.html).toContain(`name="token" value="${token}"`);

		const done = await post(browser, "/account/reset/confirm", {
			csrf: csrfOf(form.html),
			token,
			newPassword: NEW_PASSWORD,
		});
		expect(done.res.status).toBe(303);
		expect(done.res.headers.get("location")).toBe("/account/login?done=reset");
		expect((await get(browser, "/account/login?done=reset")).html).toContain("Your password was changed.");

		// The session from before the reset is over, at once.
		expect((await get(s.jar, "/account")).res.headers.get("location")).toBe("/account/login");
		expect((await logIn(s.email, PASSWORD)).res.status).toBe(401);
		expect((await logIn(s.email, NEW_PASSWORD)).res.status).toBe(303);

		// The same link again: refused, nothing changes.
		const later = new Jar();
		const again = await get(later, `/account/reset/confirm?token=${token}`);
		expect(again.res.status).toBe(200);
		const reuse = await post(later, "/account/reset/confirm", {
			csrf: csrfOf(again.html),
			token,
			newPassword: "yet another passphrase",
		});
		expect(reuse.res.status).toBe(422);
		expect(alertOf(reuse.html)).toContain("not valid any more");
		expect((await coreLogin(s.email, NEW_PASSWORD)).status).toBe(200);
	});

	it("refuses a weak new password next to the form (422) and keeps the link usable", async () => {
		const s = await signUp("Weak Choice");
		await requestReset(new Jar(), s.email);
		const [link] = await resetLinks(s.email);
		const jar = new Jar();
		const form = await get(jar, `${link!.pathname}${link!.search}`);
		const token = link!.searchParams.get("token")!;
		const weak = await post(jar, "/account/reset/confirm", { csrf: csrfOf(form.html), token, newPassword: "short" });
		expect(weak.res.status).toBe(422);
		expect(weak.html).toContain("<code>newPassword</code>");
		expect(weak.html).toContain(`name="token" value="${token}"`);
		expect((await coreLogin(s.email)).status).toBe(200);
		const ok = await post(jar, "/account/reset/confirm", { csrf: csrfOf(form.html), token, newPassword: NEW_PASSWORD });
		expect(ok.res.status).toBe(303);
	});

	it("refuses a malformed or unknown token, and a malformed email, with a 4xx", async () => {
		for (const bad of ["", "short", "has spaces in it, far too many", "x".repeat(200)]) {
			const { res } = await get(new Jar(), `/account/reset?token=${encodeURIComponent(bad)}`);
			expect(res.status, bad).toBe(400);
		}
		const jar = new Jar();
		const form = await get(jar, "/account/reset/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
		expect(form.res.status).toBe(200);
		const unknown = await post(jar, "/account/reset/confirm", {
			csrf: csrfOf(form.html),
			token: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			newPassword: NEW_PASSWORD,
		});
		expect(unknown.res.status).toBe(422);
		const noToken = await post(jar, "/account/reset/confirm", { csrf: csrfOf(form.html), newPassword: NEW_PASSWORD });
		expect(noToken.res.status).toBe(422);
		const badEmail = await requestReset(new Jar(), "not an email");
		expect(badEmail.res.status).toBe(422);
	});

	it("refuses both reset forms without a valid CSRF token (403): no mail, no change", async () => {
		const s = await signUp("Csrf Target");
		const jar = new Jar();
		await get(jar, "/account/reset");
		expect((await post(jar, "/account/reset", { email: s.email })).res.status).toBe(403);
		expect((await post(jar, "/account/reset", { email: s.email, csrf: "forged" })).res.status).toBe(403);
		const cross = await post(
			jar,
			"/account/reset",
			{ email: s.email, csrf: csrfOf((await get(jar, "/account/reset")).html) },
			{ origin: "https://evil.example" },
		);
		expect(cross.res.status).toBe(403);
		expect(await resetLinks(s.email)).toEqual([]);

		await requestReset(new Jar(), s.email);
		const [link] = await resetLinks(s.email);
		const token = link!.searchParams.get("token")!;
		const confirm = new Jar();
		await get(confirm, `${link!.pathname}${link!.search}`);
		expect((await post(confirm, "/account/reset/confirm", { token, newPassword: NEW_PASSWORD })).res.status).toBe(403);
		expect(
			(await post(confirm, "/account/reset/confirm", { token, newPassword: NEW_PASSWORD, csrf: "A".repeat(90) })).res
				.status,
		).toBe(403);
		expect((await coreLogin(s.email, PASSWORD)).status).toBe(200);
		expect(confirm.cookies.has(SESSION)).toBe(false);
	});
});
