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
	signUpThroughPages,
	uniqueEmail,
} from "./account-support";

// The account page's profile and password forms, and where log-in and sign-up go afterwards,
// through the Worker's real fetch handler against the real core and the real SESSIONS KV.

const NEW_PASSWORD = "a brand new passphrase";

describe("profile", () => {
	it("renames the shopper and shows it on the account page", async () => {
		const s = await signUp("Ada Lovelace");
		const page = await get(s.jar, "/account");
		// The account page leads to the address book and the orders.
		expect(page.html).toContain('<a href="/account/addresses">Addresses</a>');
		expect(page.html).toContain('<a href="/account/orders">Orders</a>');
		expect(page.html).toContain('action="/account/profile"');
		const { res } = await post(s.jar, "/account/profile", {
			csrf: csrfOf(page.html),
			name: "Ada King",
			email: s.email,
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/account?done=profile");
		const after = await get(s.jar, "/account?done=profile");
		expect(after.html).toContain('<dd data-testid="account-name">Ada King</dd>');
		expect(after.html).toContain("Your profile was saved.");
		expect((await coreLogin(s.email)).body.name).toBe("Ada King");
	});

	it("changes the email only with the current password; without it 422 and no change", async () => {
		const s = await signUp("Grace Hopper");
		const csrf = csrfOf((await get(s.jar, "/account")).html);
		const newEmail = uniqueEmail("moved");

		const refused = await post(s.jar, "/account/profile", { csrf, name: s.name, email: newEmail });
		expect(refused.res.status).toBe(422);
		expect(refused.html).toContain("<code>currentPassword</code>");
		// What was typed is kept in the form.
		expect(refused.html).toContain(`value="${newEmail}"`);
		expect((await coreLogin(newEmail)).status).toBe(401);

		const wrong = await post(s.jar, "/account/profile", {
			csrf,
			name: s.name,
			email: newEmail,
			currentPassword: "not my password",
		});
		expect(wrong.res.status).toBe(422);
		expect(alertOf(wrong.html)).toContain("The current password is not correct.");
		expect((await coreLogin(newEmail)).status).toBe(401);

		const ok = await post(s.jar, "/account/profile", {
			csrf,
			name: s.name,
			email: newEmail,
			currentPassword: PASSWORD,
		});
		expect(ok.res.status).toBe(303);
		expect((await coreLogin(newEmail)).status).toBe(200);
		expect((await get(s.jar, "/account")).html).toContain(newEmail);
	});

	it("refuses an email another account has (409) and bad fields (422), changing nothing", async () => {
		const a = await signUp("Alan Turing");
		const b = await signUp("Joan Clarke");
		const csrf = csrfOf((await get(b.jar, "/account")).html);
		const taken = await post(b.jar, "/account/profile", {
			csrf,
			name: b.name,
			email: a.email,
			currentPassword: PASSWORD,
		});
		expect(taken.res.status).toBe(409);
		expect(alertOf(taken.html)).not.toBeNull();

		const bad: Record<string, string>[] = [
			{ name: "", email: b.email },
			{ name: "x".repeat(10_000), email: b.email },
			{ name: b.name, email: "not an email", currentPassword: PASSWORD },
			{ email: b.email },
		];
		for (const fields of bad) {
			const bad = await post(b.jar, "/account/profile", { csrf, ...fields });
			expect(bad.res.status).toBe(422);
			expect(bad.res.headers.get("cache-control")).toBe("no-store");
		}
		const me = (await coreLogin(b.email)).body;
		expect(me.name).toBe("Joan Clarke");
		expect(me.email).toBe(b.email);
	});

	it("refuses the profile form without the session's CSRF token, or from another site (403, no change)", async () => {
		const s = await signUp("Mallory Target");
		const csrf = csrfOf((await get(s.jar, "/account")).html);
		const fields = { name: "Hijacked", email: s.email };
		expect((await post(s.jar, "/account/profile", fields)).res.status).toBe(403);
		expect((await post(s.jar, "/account/profile", { ...fields, csrf: "A".repeat(43) })).res.status).toBe(403);
		// Another shopper's valid token is not this session's.
		const other = await signUp("Other");
		const otherCsrf = csrfOf((await get(other.jar, "/account")).html);
		expect((await post(s.jar, "/account/profile", { ...fields, csrf: otherCsrf })).res.status).toBe(403);
		const cross = await post(s.jar, "/account/profile", { ...fields, csrf }, { origin: "https://evil.example" });
		expect(cross.res.status).toBe(403);
		expect((await coreLogin(s.email)).body.name).toBe("Mallory Target");
	});
});

describe("password change", () => {
	it("keeps this browser signed in on a fresh session, ends every other session, and swaps the passwords", async () => {
		const s = await signUp("Katherine Johnson");
		const before = s.jar.cookies.get(SESSION)!;
		const other = await logIn(s.email);
		expect(other.res.status).toBe(303);
		expect((await get(other.jar, "/account/addresses")).res.status).toBe(200);

		const csrf = csrfOf((await get(s.jar, "/account")).html);
		const { res } = await post(s.jar, "/account/password", {
			csrf,
			currentPassword: PASSWORD,
			newPassword: NEW_PASSWORD,
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/account?done=password");
		// A new session id (and CSRF token) for this browser.
		const after = s.jar.cookies.get(SESSION);
		expect(after).toBeDefined();
		expect(after).not.toBe(before);
		const page = await get(s.jar, "/account?done=password");
		expect(page.res.status).toBe(200);
		expect(page.html).toContain("Your password was changed.");
		expect(csrfOf(page.html)).not.toBe(csrf);

		// The old cookie, replayed, is dead; so is the other device, on any page.
		const replay = new Jar();
		replay.cookies.set(SESSION, before);
		expect((await get(replay, "/account")).res.headers.get("location")).toBe("/account/login");
		const elsewhere = await get(other.jar, "/account/addresses");
		expect(elsewhere.res.status).toBe(303);
		expect(elsewhere.res.headers.get("location")).toMatch(/^\/account\/login/);

		expect((await logIn(s.email, PASSWORD)).res.status).toBe(401);
		expect((await logIn(s.email, NEW_PASSWORD)).res.status).toBe(303);
	});

	it("refuses a wrong current password or a weak new one with 422 and changes nothing", async () => {
		const s = await signUp("Hedy Lamarr");
		const csrf = csrfOf((await get(s.jar, "/account")).html);
		const wrong = await post(s.jar, "/account/password", {
			csrf,
			currentPassword: "not the password",
			newPassword: NEW_PASSWORD,
		});
		expect(wrong.res.status).toBe(422);
		expect(alertOf(wrong.html)).toContain("The current password is not correct.");
		const weak = await post(s.jar, "/account/password", { csrf, currentPassword: PASSWORD, newPassword: "short" });
		expect(weak.res.status).toBe(422);
		expect(weak.html).toContain("<code>newPassword</code>");
		const missing = await post(s.jar, "/account/password", { csrf });
		expect(missing.res.status).toBe(422);

		expect((await get(s.jar, "/account")).res.status).toBe(200);
		expect((await coreLogin(s.email, PASSWORD)).status).toBe(200);
		expect((await coreLogin(s.email, NEW_PASSWORD)).status).toBe(401);
	});

	it("refuses the password form without a valid CSRF token (403) and changes nothing", async () => {
		const s = await signUp("Barbara Liskov");
		const fields = { currentPassword: PASSWORD, newPassword: NEW_PASSWORD };
		expect((await post(s.jar, "/account/password", fields)).res.status).toBe(403);
		expect((await post(s.jar, "/account/password", { ...fields, csrf: `${"B".repeat(40)}xyz` })).res.status).toBe(403);
		// Without a session at all, an anonymous (cookie-paired) token does not reach the core either.
		const anon = new Jar();
		const anonCsrf = csrfOf((await get(anon, "/account/login")).html);
		const anonymous = await post(anon, "/account/password", { ...fields, csrf: anonCsrf });
		expect(anonymous.res.status).toBe(303);
		expect(anonymous.res.headers.get("location")).toBe("/account/login");
		expect((await coreLogin(s.email, PASSWORD)).status).toBe(200);
		expect((await get(s.jar, "/account")).res.status).toBe(200);
	});
});

describe("where log-in and sign-up lead (?next=)", () => {
	it("carries ?next= into the forms and goes there after logging in or signing up", async () => {
		const s = await signUp("Next Shopper");
		const jar = new Jar();
		const form = await get(jar, "/account/login?next=/checkout");
		expect(form.html).toContain('<input type="hidden" name="next" value="/checkout"/>');
		expect(form.html).toContain('href="/account/signup?next=%2Fcheckout"');
		const { res } = await post(jar, "/account/login", {
			email: s.email,
			password: PASSWORD,
			next: "/checkout",
			csrf: csrfOf(form.html),
		});
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe("/checkout");
		// Signed in already: the log-in page sends the shopper straight on.
		const again = await get(jar, "/account/login?next=/cart?x=1");
		expect(again.res.headers.get("location")).toBe("/cart?x=1");

		const fresh = new Jar();
		const signup = await get(fresh, "/account/signup?next=/checkout");
		expect(signup.html).toContain('name="next" value="/checkout"');
		// The mailed link carries it on to the confirmation.
		const made = await signUpThroughPages(fresh, {
			name: "Newcomer",
			email: uniqueEmail(),
			password: PASSWORD,
			next: "/checkout",
		});
		expect(made.res.headers.get("location")).toBe("/checkout");
	});

	it("ignores next values that could leave the site and goes to /account instead", async () => {
		const s = await signUp("Careful Shopper");
		const attempts = [
			"//evil.example/",
			"https://evil.example/",
			"http:/evil.example",
			"/\\evil.example",
			"\\\\evil.example",
			"/\t/evil.example",
			" //evil.example",
			"javascript:alert(1)",
			"evil.example",
			`/${"a".repeat(2000)}`,
		];
		for (const next of attempts) {
			const { res } = await logIn(s.email, PASSWORD, next);
			expect(res.status, next).toBe(303);
			expect(res.headers.get("location"), next).toBe("/account");
			const page = await get(new Jar(), `/account/login?next=${encodeURIComponent(next)}`);
			expect(page.html, next).not.toContain('name="next"');
		}
		const signedIn = (await logIn(s.email)).jar;
		const bounce = await get(signedIn, `/account/login?next=${encodeURIComponent("//evil.example")}`);
		expect(bounce.res.headers.get("location")).toBe("/account");
	});

	it("ignores next values whose dot segments resolve to another host, after log-in and sign-up", async () => {
		const s = await signUp("Dotty Shopper");
		const attempts = [
			"/.//evil.example",
			"/././/evil.example/x",
			"/a/..//evil.example",
			"/%2e//evil.example",
			"/x/%2E%2E//evil.example",
		];
		for (const next of attempts) {
			const { res } = await logIn(s.email, PASSWORD, next);
			expect(res.status, next).toBe(303);
			expect(res.headers.get("location"), next).toBe("/account");
			const page = await get(new Jar(), `/account/login?next=${encodeURIComponent(next)}`);
			expect(page.html, next).not.toContain('name="next"');

			const fresh = new Jar();
			const form = await get(fresh, `/account/signup?next=${encodeURIComponent(next)}`);
			expect(form.html, next).not.toContain('name="next"');
			const made = await signUpThroughPages(fresh, {
				name: "Newcomer",
				email: uniqueEmail(),
				password: PASSWORD,
				next,
			});
			expect(made.res.status, next).toBe(303);
			expect(made.res.headers.get("location"), next).toBe("/account");
		}
		// A dot segment that stays on the site still works.
		expect((await logIn(s.email, PASSWORD, "/./cart")).res.headers.get("location")).toBe("/cart");
	});

	it("links 'Forgot password?' from the log-in page", async () => {
		const page = await get(new Jar(), "/account/login");
		expect(page.html).toMatch(/<a href="\/account\/reset">Forgot password\?<\/a>/);
	});
});
