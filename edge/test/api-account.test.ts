import { Problem } from "@bazaar/contracts";
import { AccountUpdated, Address, AddressList, ApiSession, MailList, UserPublic } from "@bazaar/contracts/identity";
import { describe, expect, it } from "vitest";
import { core, edge, ORIGIN } from "./helpers";

// The account flows as JSON (/api/customers, /api/password-reset, /api/account/*): the same core
// verbs and rules as the /account forms, the core's rate limits per client IP, and the API's
// CSRF rule (a bearer token, or same-site JSON) on every write. Real core, real Worker.

const PASSWORD = "correct horse battery";
const rand = (n: number) => Math.floor(Math.random() * n);
const ipFor = () => `10.${rand(255)}.${rand(255)}.${rand(254) + 1}`;
const unique = () => `${Date.now().toString(36)}${rand(1e9).toString(36)}`;
const JSON_TYPE = { "content-type": "application/json" };

function post(path: string, body: unknown, headers: Record<string, string> = {}, method = "POST") {
	return edge(path, { method, headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) });
}

/** The token of the newest mail to `email` whose link goes to `path`. */
async function mailedToken(email: string, path: string): Promise<string> {
	const mail = await core().json(MailList, "GET", `/identity/dev/mail?to=${encodeURIComponent(email)}&limit=5`);
	for (const m of mail.items) {
		const token = new RegExp(`${path.replaceAll("/", "\\/")}\\?token=([A-Za-z0-9_-]+)`).exec(m.text)?.[1];
		if (token) return token;
	}
	throw new Error(`no ${path} link mailed to ${email}`);
}

/** Signs a customer up through the API: register, then the mailed token. */
async function signUp(ip = ipFor()) {
	const email = `api-${unique()}@example.com`;
	const registered = await post(
		"/api/customers",
		{ email, password: PASSWORD, name: "Api Shopper" },
		{
			"cf-connecting-ip": ip,
		},
	);
	expect(registered.status, await registered.clone().text()).toBe(202);
	expect(await registered.json()).toEqual({ accepted: true });
	const token = await mailedToken(email, "/account/signup/confirm");
	const confirmed = await post("/api/customers/confirm", { token });
	expect(confirmed.status, await confirmed.clone().text()).toBe(201);
	const session = ApiSession.parse(await confirmed.json());
	expect(session.user.email).toBe(email);
	return { email, session, auth: { authorization: `Bearer ${session.token}` } };
}

describe("sign-up and password reset as JSON", () => {
	it("registers, confirms with the mailed token and is signed in; a used token is refused", async () => {
		const { session, auth } = await signUp();
		const profile = await edge("/api/account/profile", { headers: auth });
		expect(profile.status).toBe(200);
		expect(UserPublic.parse(await profile.json()).id).toBe(session.user.id);
		expect(profile.headers.get("cache-control")).toBe("no-store");
	});

	it("answers the same for a taken address, and refuses bad input with problems", async () => {
		const { email } = await signUp();
		const again = await post(
			"/api/customers",
			{ email, password: PASSWORD, name: "Someone Else" },
			{
				"cf-connecting-ip": ipFor(),
			},
		);
		expect(again.status).toBe(202);
		for (const body of [
			{},
			{ email: "not-an-email", password: PASSWORD, name: "X" },
			{ email, password: "short", name: "X" },
		]) {
			const res = await post("/api/customers", body, { "cf-connecting-ip": ipFor() });
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		const bogus = await post("/api/customers/confirm", { token: "A".repeat(43) });
		expect(bogus.status).toBeGreaterThanOrEqual(400);
		expect(bogus.status).toBeLessThan(500);
		const notJson = await edge("/api/customers", { method: "POST", headers: JSON_TYPE, body: "{" });
		expect(notJson.status).toBe(400);
	});

	it("rate-limits sign-ups per client IP as the form does (429 with Retry-After)", async () => {
		const ip = ipFor();
		let last: Response | undefined;
		for (let i = 0; i < 12; i++) {
			last = await post(
				"/api/customers",
				{ email: `flood-${unique()}@example.com`, password: PASSWORD, name: "Flood" },
				{
					"cf-connecting-ip": ip,
				},
			);
			if (last.status === 429) break;
			expect(last.status).toBe(202);
		}
		expect(last?.status).toBe(429);
		expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
		Problem.parse(await last?.json());
	});

	it("resets a password with the mailed token: the old sessions end, the new password signs in", async () => {
		const { email, auth } = await signUp();
		const asked = await post("/api/password-reset", { email });
		expect(asked.status).toBe(202);
		// An unknown address gets the same answer.
		expect((await post("/api/password-reset", { email: `nobody-${unique()}@example.com` })).status).toBe(202);
		const token = await mailedToken(email, "/account/reset");
		const newPassword = "a brand new passphrase";
		const weak = await post("/api/password-reset/confirm", { token, newPassword: "short" });
		expect(weak.status).toBe(400);
		const done = await post("/api/password-reset/confirm", { token, newPassword });
		expect(done.status, await done.clone().text()).toBe(204);
		expect((await edge("/api/account/profile", { headers: auth })).status).toBe(401);
		expect((await post("/api/password-reset/confirm", { token, newPassword })).status).toBe(400);
		expect((await post("/api/session", { email, password: newPassword })).status).toBe(201);
	});

	it("sends at most three reset mails an hour to one address (the form's limit), answering the same", async () => {
		const { email } = await signUp();
		for (let i = 0; i < 5; i++) expect((await post("/api/password-reset", { email })).status).toBe(202);
		const mail = await core().json(MailList, "GET", `/identity/dev/mail?to=${encodeURIComponent(email)}&limit=50`);
		expect(mail.items.filter((m) => m.text.includes("/account/reset?token=")).length).toBe(3);
	});
});

describe("the signed-in customer's profile and addresses as JSON", () => {
	it("changes the name, then the email with the password: a new token, the old one ended", async () => {
		const { auth } = await signUp();
		const renamed = await post("/api/account/profile", { name: "Renamed Shopper" }, auth, "PATCH");
		expect(renamed.status, await renamed.clone().text()).toBe(200);
		const same = AccountUpdated.parse(await renamed.json());
		expect(same).toMatchObject({ user: { name: "Renamed Shopper" }, token: null });

		const email = `moved-${unique()}@example.com`;
		const refused = await post("/api/account/profile", { email }, auth, "PATCH");
		expect(refused.status).toBeGreaterThanOrEqual(400);
		expect(refused.status).toBeLessThan(500);
		const moved = await post("/api/account/profile", { email, currentPassword: PASSWORD }, auth, "PATCH");
		expect(moved.status, await moved.clone().text()).toBe(200);
		const changed = AccountUpdated.parse(await moved.json());
		expect(changed.user.email).toBe(email);
		expect(changed.token).toEqual(expect.any(String));
		expect((await edge("/api/account/profile", { headers: auth })).status).toBe(401);
		const next = await edge("/api/account/profile", { headers: { authorization: `Bearer ${changed.token}` } });
		expect(UserPublic.parse(await next.json()).email).toBe(email);
	});

	it("keeps an address book: add, read, change, list, delete; another customer's address is a 404", async () => {
		const { auth } = await signUp();
		const other = await signUp();
		const address = {
			recipient: "Ada Shopper",
			line1: "1 Market Street",
			city: "San Francisco",
			region: "CA",
			postalCode: "94105",
			country: "US",
		};
		const added = await post("/api/account/addresses", address, auth);
		expect(added.status, await added.clone().text()).toBe(201);
		const made = Address.parse(await added.json());
		expect((await edge(`/api/account/addresses/${made.id}`, { headers: auth })).status).toBe(200);
		const changed = await post(`/api/account/addresses/${made.id}`, { city: "Oakland" }, auth, "PATCH");
		expect(Address.parse(await changed.json()).city).toBe("Oakland");
		const list = AddressList.parse(await (await edge("/api/account/addresses", { headers: auth })).json());
		expect(list.items.map((a) => a.id)).toEqual([made.id]);
		for (const [method, body] of [
			["GET", undefined],
			["PATCH", { city: "Elsewhere" }],
			["DELETE", undefined],
		] as const) {
			const res = await edge(`/api/account/addresses/${made.id}`, {
				method,
				headers: { ...other.auth, ...JSON_TYPE },
				...(body ? { body: JSON.stringify(body) } : {}),
			});
			expect(res.status, method).toBe(404);
		}
		expect((await edge("/api/account/addresses/not-an-id", { headers: auth })).status).toBe(404);
		const bad = await post("/api/account/addresses", { ...address, country: "Narnia" }, auth);
		expect(bad.status).toBe(400);
		const gone = await edge(`/api/account/addresses/${made.id}`, { method: "DELETE", headers: auth });
		expect(gone.status).toBe(204);
		expect(AddressList.parse(await (await edge("/api/account/addresses", { headers: auth })).json()).items).toEqual([]);
	});

	it("needs a session (401 with a Bearer challenge), and keeps the CSRF rule for cookies", async () => {
		for (const [method, path] of [
			["GET", "/api/account/profile"],
			["PATCH", "/api/account/profile"],
			["GET", "/api/account/addresses"],
			["POST", "/api/account/addresses"],
			["POST", "/api/account/password"],
		] as const) {
			const res = await edge(path, { method, headers: JSON_TYPE, ...(method === "GET" ? {} : { body: "{}" }) });
			expect(res.status, `${method} ${path}`).toBe(401);
			expect(res.headers.get("www-authenticate")).toContain("Bearer");
		}
		const { session } = await signUp();
		const cookie = { cookie: `__Host-bazaar_session=${session.token}` };
		// A cookie write from another site's page: refused before anything changes.
		const crossSite = await post(
			"/api/account/profile",
			{ name: "Hijacked" },
			{ ...cookie, origin: "https://evil.example" },
			"PATCH",
		);
		expect(crossSite.status).toBe(403);
		// A form-encoded (or text/plain) body is what another site could send without asking: 415.
		const plain = await edge("/api/account/profile", {
			method: "PATCH",
			headers: { ...cookie, origin: ORIGIN, "content-type": "text/plain" },
			body: JSON.stringify({ name: "Hijacked" }),
		});
		expect(plain.status).toBe(415);
		const sameSite = await post("/api/account/profile", { name: "Same Site" }, { ...cookie, origin: ORIGIN }, "PATCH");
		expect(sameSite.status).toBe(200);
		const profile = UserPublic.parse(await (await edge("/api/account/profile", { headers: cookie })).json());
		expect(profile.name).toBe("Same Site");
		// The sign-up itself is a write too: another site's page cannot start one in a visitor's browser.
		const forged = await post(
			"/api/customers",
			{ email: `x-${unique()}@example.com`, password: PASSWORD, name: "X" },
			{ origin: "https://evil.example" },
		);
		expect(forged.status).toBe(403);
	});

	it("changes the password with the current one: a new token, a wrong one refused", async () => {
		const { email, auth } = await signUp();
		const wrong = await post(
			"/api/account/password",
			{ currentPassword: "not the password", newPassword: "another long passphrase" },
			auth,
		);
		expect(wrong.status).toBeGreaterThanOrEqual(400);
		expect(wrong.status).toBeLessThan(500);
		const ok = await post(
			"/api/account/password",
			{ currentPassword: PASSWORD, newPassword: "another long passphrase" },
			auth,
		);
		expect(ok.status, await ok.clone().text()).toBe(200);
		expect(AccountUpdated.parse(await ok.json()).token).toEqual(expect.any(String));
		expect((await post("/api/session", { email, password: "another long passphrase" })).status).toBe(201);
	});
});
