import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { json, REDIS_URL, redisAvailable } from "../testing/harness";
import { type SessionCheck, UserPublic } from "./contracts";
import { openIdentity } from "./module";
import {
	type IdentityHarness,
	identityHarness,
	latestMailTo,
	signupTokenIn,
	TEST_PASSWORD_COST,
	uniqueEmail,
} from "./test-harness";

let h: IdentityHarness;
beforeAll(async () => {
	h = await identityHarness();
});
afterAll(() => h?.close());

const check = async (caller: { user: string; roles: string[] }, generation: number) =>
	json<SessionCheck>(await h.call("GET", `/identity/me/session?generation=${generation}`, { caller }));

describe("session generation", () => {
	test("changing the password bumps the generation: the old one fails at once, the new one holds", async () => {
		const u = await h.signUp();
		expect(await check(u.caller, 1)).toEqual({ valid: true, roles: ["customer"], sessionGeneration: 1 });
		// Hot in the cache now; the bump must still be seen by the very next check.
		expect((await check(u.caller, 1)).valid).toBe(true);

		const res = await h.call("POST", "/identity/me/password", {
			caller: u.caller,
			body: { currentPassword: u.password, newPassword: "a brand new passphrase" },
		});
		expect(res.status).toBe(200);
		const user = UserPublic.parse(await json(res));
		expect(user.sessionGeneration).toBe(2);
		expect(await check(u.caller, 1)).toEqual({ valid: false, roles: ["customer"], sessionGeneration: 2 });
		expect((await check(u.caller, 2)).valid).toBe(true);

		const old = await h.call("POST", "/identity/login", { body: { email: u.email, password: u.password } });
		expect(old.status).toBe(401);
		const fresh = await h.call("POST", "/identity/login", {
			body: { email: u.email, password: "a brand new passphrase" },
		});
		expect(fresh.status).toBe(200);
	});

	test("a wrong current password → 403 and nothing changes", async () => {
		const u = await h.signUp();
		const res = await h.call("POST", "/identity/me/password", {
			caller: u.caller,
			body: { currentPassword: "not my password", newPassword: "a brand new passphrase" },
		});
		expect(res.status).toBe(403);
		expect((await check(u.caller, 1)).valid).toBe(true);
		expect((await h.call("POST", "/identity/login", { body: { email: u.email, password: u.password } })).status).toBe(
			200,
		);
	});

	test("the new password must meet the policy (not the email) → 400, nothing changes", async () => {
		const u = await h.signUp();
		const res = await h.call("POST", "/identity/me/password", {
			caller: u.caller,
			body: { currentPassword: u.password, newPassword: u.email },
		});
		expect(res.status).toBe(400);
		expect((await check(u.caller, 1)).valid).toBe(true);
	});

	test("log out everywhere bumps the generation", async () => {
		const u = await h.signUp();
		expect((await check(u.caller, 1)).valid).toBe(true);
		const res = await h.call("POST", "/identity/me/logout-everywhere", { caller: u.caller });
		expect(res.status).toBe(200);
		expect((await json<{ sessionGeneration: number }>(res)).sessionGeneration).toBe(2);
		expect((await check(u.caller, 1)).valid).toBe(false);
	});

	test("checkSession for an unknown user is invalid; /me needs a signed-in caller", async () => {
		expect(await h.mod.checkSession("usr_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1)).toEqual({
			valid: false,
			roles: [],
			sessionGeneration: 0,
		});
		for (const path of ["/identity/me", "/identity/me/session?generation=1", "/identity/me/addresses"]) {
			const res = await h.call("GET", path);
			expect(res.status).toBe(401);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
		const u = await h.signUp();
		expect((await h.call("GET", "/identity/me/session?generation=abc", { caller: u.caller })).status).toBe(400);
	});

	test("profile: read and rename; changing the email needs the current password", async () => {
		const u = await h.signUp();
		const me = UserPublic.parse(await json(await h.call("GET", "/identity/me", { caller: u.caller })));
		expect(me.email).toBe(u.email);
		const renamed = await h.call("PATCH", "/identity/me", { caller: u.caller, body: { name: "Renamed" } });
		expect((await json<{ name: string }>(renamed)).name).toBe("Renamed");
		const newEmail = `new.${u.email}`;
		expect((await h.call("PATCH", "/identity/me", { caller: u.caller, body: { email: newEmail } })).status).toBe(400);
		expect(
			(
				await h.call("PATCH", "/identity/me", {
					caller: u.caller,
					body: { email: newEmail, currentPassword: "wrong password" },
				})
			).status,
		).toBe(403);
		const ok = await h.call("PATCH", "/identity/me", {
			caller: u.caller,
			body: { email: newEmail, currentPassword: u.password },
		});
		expect(ok.status).toBe(200);
		const other = await h.signUp();
		const taken = await h.call("PATCH", "/identity/me", {
			caller: other.caller,
			body: { email: newEmail.toUpperCase(), currentPassword: other.password },
		});
		expect(taken.status).toBe(409);
	});
});

describe("across core instances (Redis pub/sub)", () => {
	test("a bump on one instance invalidates the other's cached session at once", async () => {
		if (!(await redisAvailable())) {
			console.warn(`skipping cross-instance session test: ${REDIS_URL} unreachable`);
			return;
		}
		const options = {
			dbUrl: `file:${join(h.dir, "shared-identity.db")}`,
			edgeUrl: "http://shop.test",
			redisUrl: REDIS_URL,
			passwordCost: TEST_PASSWORD_COST,
			// A long TTL, so only the pub/sub message can explain the second instance seeing the bump.
			sessionCache: { ttlMs: 10 * 60_000 },
		};
		const a = await openIdentity(options);
		const b = await openIdentity({ ...options, migrate: false });
		try {
			await Promise.all([a.ready, b.ready]);
			// A fresh address: the sign-up mail limit lives in the shared Redis across runs.
			const email = uniqueEmail("multi");
			await a.register({ email, password: "shared secret 123", name: "M" });
			const token = signupTokenIn(await latestMailTo(a, email));
			const user = await a.confirmSignup({ token });
			expect((await b.checkSession(user.id, 1)).valid).toBe(true);
			await a.logoutEverywhere(user.id);
			const deadline = Date.now() + 2_000;
			while ((await b.checkSession(user.id, 1)).valid && Date.now() < deadline) await Bun.sleep(5);
			expect((await b.checkSession(user.id, 1)).valid).toBe(false);
			expect((await b.checkSession(user.id, 2)).valid).toBe(true);
		} finally {
			await a.stop();
			await b.stop();
		}
	});
});
