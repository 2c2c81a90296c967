import { env } from "cloudflare:workers";
import { Problem } from "@bazaar/contracts";
import { ApiSession, ApiSessionInfo } from "@bazaar/contracts/identity";
import { describe, expect, it } from "vitest";
import { ADMIN_LOGIN, core, edge, ORIGIN, registerAtCore } from "./helpers";

// POST/GET/DELETE /api/session through the Worker's real fetch handler, against the real core's
// login (argon2id, rate limits) and the Worker's real SESSIONS KV.

const PASSWORD = "correct horse battery";
const rand = (n: number) => Math.floor(Math.random() * n);
/** Each test signs in from its own address, so the core's per-IP limit never couples tests. */
const newIp = () => `10.${rand(255)}.${rand(255)}.${rand(254) + 1}`;

async function customer(ip = newIp()) {
	const email = `api-${Date.now()}-${rand(1e9)}@example.com`;
	return { email, ip, user: await registerAtCore({ email, password: PASSWORD, name: "Api Shopper" }, ip) };
}

function login(body: unknown, ip: string, headers: Record<string, string> = {}) {
	return edge("/api/session", {
		method: "POST",
		headers: { "content-type": "application/json", "cf-connecting-ip": ip, ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("POST /api/session", () => {
	it("signs in: 201 with a bearer token, its expiry and the user; no cookie, no caching", async () => {
		const { email, ip, user } = await customer();
		const res = await login({ email, password: PASSWORD }, ip);
		expect(res.status).toBe(201);
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(res.headers.getSetCookie().filter((l) => l.includes("bazaar_session"))).toEqual([]);
		const body = ApiSession.parse(await res.json());
		expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(body.user).toEqual({ id: user.id, name: "Api Shopper", email, roles: ["customer"] });
		const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
		expect(days).toBeGreaterThan(13);
		expect(days).toBeLessThanOrEqual(14);
		// The KV entry is keyed by a hash of the token, never by the token itself.
		expect(await env.SESSIONS.get(`session:${body.token}`)).toBeNull();

		const me = await edge("/api/session", { headers: bearer(body.token) });
		expect(me.status).toBe(200);
		expect(me.headers.get("cache-control")).toBe("no-store");
		const info = ApiSessionInfo.parse(await me.json());
		expect(info.user).toEqual(body.user);
		expect(info.expiresAt).toBe(body.expiresAt);

		// The token is the shopper's session on the rest of the API too.
		const header = await edge("/api/me", { headers: bearer(body.token) });
		expect(header.status).toBe(200);
		expect(((await header.json()) as { user: { name: string } | null }).user).toEqual({ name: "Api Shopper" });
	});

	it("gives one answer for a wrong password and an unknown email", async () => {
		const { email, ip } = await customer();
		const wrong = await login({ email, password: "not the password" }, ip);
		const unknown = await login({ email: `nobody-${Date.now()}@example.com`, password: PASSWORD }, ip);
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
		const [a, b] = [Problem.parse(await wrong.json()), Problem.parse(await unknown.json())];
		expect(a).toEqual(b);
		expect(a.detail).toBe("The email address or the password is not correct.");
	});

	it("refuses malformed bodies with 400/413/415 problems and signs no one in", async () => {
		const { email, ip } = await customer();
		const before = (await env.SESSIONS.list({ prefix: "session:" })).keys.length;
		const cases: [unknown, number][] = [
			["{not json", 400],
			["", 400],
			["null", 400],
			["[]", 400],
			[{ email }, 400],
			[{ email, password: 12345 }, 400],
			[{ email: ["x"], password: PASSWORD }, 400],
			[{ email: "not-an-email", password: PASSWORD }, 400],
			[{ email, password: "" }, 400],
			[{ email, password: PASSWORD, roles: ["admin"] }, 400],
			[{ email, password: "x".repeat(201) }, 400],
			[`{"email":"${email}","password":"${"x".repeat(20_000)}"}`, 413],
		];
		for (const [body, status] of cases) {
			const res = await login(body, ip);
			expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
			Problem.parse(await res.json());
		}
		const invalid = Problem.parse(await (await login({ email, password: 12345 }, ip)).json());
		expect(invalid.errors?.map((e) => e.path)).toContain("password");

		// A form post (what a hostile page could send) is not JSON; a cross-site Origin is refused.
		const form = await edge("/api/session", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip },
			body: new URLSearchParams({ email, password: PASSWORD }).toString(),
		});
		expect(form.status).toBe(415);
		const crossSite = await login({ email, password: PASSWORD }, ip, { origin: "https://evil.example" });
		expect(crossSite.status).toBe(403);
		expect((await env.SESSIONS.list({ prefix: "session:" })).keys.length).toBe(before);
		// The same login from this site's own page works.
		expect((await login({ email, password: PASSWORD }, ip, { origin: ORIGIN })).status).toBe(201);
	});

	it("shuts a guessing address out (429 with Retry-After), never the owner's usual address", async () => {
		const { email, ip: usual } = await customer();
		expect((await login({ email, password: PASSWORD }, usual)).status).toBe(201);
		const attacker = newIp();
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await login({ email, password: `wrong guess ${i}` }, attacker)).status);
		expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
		expect(statuses[5]).toBe(429);
		const limited = await login({ email, password: PASSWORD }, attacker);
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
		expect(Problem.parse(await limited.json()).status).toBe(429);
		// The owner, from where they always sign in, with the right password: in.
		expect((await login({ email, password: PASSWORD }, usual)).status).toBe(201);
	});

	it("does not put every client without a client IP header in one bucket", async () => {
		const noIp = (body: unknown) =>
			edge("/api/session", {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		// More failures than one address may have (30), each for its own account.
		for (let i = 0; i < 31; i++) {
			const res = await noIp({ email: `nobody-${i}-${Date.now()}@example.com`, password: "not the password" });
			expect(res.status).toBe(401);
		}
		const { email } = await customer();
		expect((await noIp({ email, password: PASSWORD })).status).toBe(201);
	});
});

describe("GET and DELETE /api/session", () => {
	it("answers 401 for no credential and for forged, malformed or unknown tokens", async () => {
		const attempts: Record<string, string>[] = [
			{},
			bearer("forged"),
			bearer("A".repeat(43)),
			bearer(`${"A".repeat(42)}!`),
			{ authorization: "Basic YWRtaW46YWRtaW4=" },
			{ cookie: `__Host-bazaar_session=${"C".repeat(43)}` },
		];
		for (const headers of attempts) {
			const res = await edge("/api/session", { headers });
			expect(res.status, JSON.stringify(headers)).toBe(401);
			expect(res.headers.get("www-authenticate")).toContain("Bearer");
			Problem.parse(await res.json());
			const del = await edge("/api/session", { method: "DELETE", headers });
			expect(del.status).toBe(401);
		}
	});

	it("signs out: the token stops working everywhere it was accepted", async () => {
		const { email, ip } = await customer();
		const { token } = ApiSession.parse(await (await login({ email, password: PASSWORD }, ip)).json());
		const other = ApiSession.parse(await (await login({ email, password: PASSWORD }, ip)).json()).token;
		expect((await edge("/api/session", { headers: bearer(token) })).status).toBe(200);

		const out = await edge("/api/session", { method: "DELETE", headers: bearer(token) });
		expect(out.status).toBe(204);
		expect((await edge("/api/session", { headers: bearer(token) })).status).toBe(401);
		expect((await edge("/api/session", { method: "DELETE", headers: bearer(token) })).status).toBe(401);
		// A signed-out token is a 401 everywhere, not an anonymous visitor.
		expect((await edge("/api/me", { headers: bearer(token) })).status).toBe(401);
		// Only that session: the same user's other token still works.
		expect((await edge("/api/session", { headers: bearer(other) })).status).toBe(200);
	});

	it("is the same session as the storefront's: log out everywhere ends API tokens too", async () => {
		const { email, ip, user } = await customer();
		const { token } = ApiSession.parse(await (await login({ email, password: PASSWORD }, ip)).json());
		const bumped = await core().request("POST", "/identity/me/logout-everywhere", {
			caller: { user: user.id, roles: user.roles },
		});
		expect(bumped.status).toBe(200);
		expect((await edge("/api/session", { headers: bearer(token) })).status).toBe(401);
	});

	it("works with the storefront's cookie too; signing out by cookie needs a same-site JSON request", async () => {
		const { email, ip } = await customer();
		const form = await edge("/account/login", { headers: { "cf-connecting-ip": ip } });
		const csrfCookie = form.headers
			.getSetCookie()
			.map((l) => l.split(";")[0]!)
			.join("; ");
		const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
		const signedIn = await edge("/account/login", {
			method: "POST",
			headers: {
				cookie: csrfCookie,
				origin: ORIGIN,
				"cf-connecting-ip": ip,
				"content-type": "application/x-www-form-urlencoded",
			},
			body: new URLSearchParams({ email, password: PASSWORD, csrf }).toString(),
			redirect: "manual",
		});
		expect(signedIn.status).toBe(303);
		const cookie = signedIn.headers
			.getSetCookie()
			.find((l) => l.startsWith("__Host-bazaar_session="))!
			.split(";")[0]!;

		const me = await edge("/api/session", { headers: { cookie } });
		expect(me.status).toBe(200);
		expect(ApiSessionInfo.parse(await me.json()).user.email).toBe(email);

		for (const [headers, status] of [
			[{ origin: "https://evil.example", "content-type": "application/json" }, 403],
			[{ origin: ORIGIN }, 415],
		] as const) {
			const res = await edge("/api/session", { method: "DELETE", headers: { cookie, ...headers } });
			expect(res.status).toBe(status);
		}
		expect((await edge("/api/session", { headers: { cookie } })).status).toBe(200);

		const out = await edge("/api/session", {
			method: "DELETE",
			headers: { cookie, origin: ORIGIN, "content-type": "application/json" },
		});
		expect(out.status).toBe(204);
		expect(out.headers.getSetCookie().some((l) => /^__Host-bazaar_session=;/.test(l))).toBe(true);
		expect((await edge("/api/session", { headers: { cookie } })).status).toBe(401);
	});

	it("signs the seeded admin in with its roles", async () => {
		const res = await login(ADMIN_LOGIN, newIp());
		expect(res.status).toBe(201);
		expect(ApiSession.parse(await res.json()).user.roles).toContain("admin");
	});
});
