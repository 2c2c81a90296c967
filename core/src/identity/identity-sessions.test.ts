import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type SessionCheck, UserPublic } from "@bazaar/contracts/identity";
import { json } from "../testing/harness";
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

/** The SHA-256 of an edge session id, as the edge asks with it. */
const sessionHash = (n = Math.random()) => new Bun.CryptoHasher("sha256").update(`session-${n}`).digest("hex");
const SESSION = sessionHash(0);

const check = async (caller: { user: string; roles: string[] }, generation: number, session = SESSION) =>
	json<SessionCheck>(
		await h.call("GET", `/identity/me/session?generation=${generation}&session=${session}`, { caller }),
	);

describe("session generation", () => {
	test("changing the password bumps the generation: the old one fails at once, the new one holds", async () => {
		const u = await h.signUp();
		expect(await check(u.caller, 1)).toEqual({ valid: true, roles: ["customer"], sessionGeneration: 1 });

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
		expect(await h.mod.checkSession("usr_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1, SESSION)).toEqual({
			valid: false,
			roles: [],
			sessionGeneration: 0,
		});
		for (const path of [
			"/identity/me",
			`/identity/me/session?generation=1&session=${SESSION}`,
			"/identity/me/addresses",
		]) {
			const res = await h.call("GET", path);
			expect(res.status).toBe(401);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
		const u = await h.signUp();
		for (const query of ["generation=abc", "generation=1", `generation=1&session=${SESSION.slice(1)}`, "session=x"]) {
			expect((await h.call("GET", `/identity/me/session?${query}`, { caller: u.caller })).status, query).toBe(400);
		}
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

describe("ending one session", () => {
	test("log out revokes that session only: the next check says so, the user's other sessions go on", async () => {
		const u = await h.signUp();
		const [laptop, phone] = [sessionHash(), sessionHash()];
		expect((await check(u.caller, 1, laptop)).valid).toBe(true);
		const res = await h.call("POST", "/identity/me/sessions/revoke", { caller: u.caller, body: { session: laptop } });
		expect(res.status).toBe(204);
		expect(await check(u.caller, 1, laptop)).toEqual({ valid: false, roles: ["customer"], sessionGeneration: 1 });
		expect((await check(u.caller, 1, phone)).valid).toBe(true);
		// Again is the same; a malformed hash is a 400; it needs the signed-in user.
		expect(
			(await h.call("POST", "/identity/me/sessions/revoke", { caller: u.caller, body: { session: laptop } })).status,
		).toBe(204);
		expect(
			(await h.call("POST", "/identity/me/sessions/revoke", { caller: u.caller, body: { session: "abc" } })).status,
		).toBe(400);
		expect((await h.call("POST", "/identity/me/sessions/revoke", { body: { session: phone } })).status).toBe(401);
		expect((await check(u.caller, 1, phone)).valid).toBe(true);
	});

	test("changing the email ends every session (the generation moves, as for a password change)", async () => {
		const u = await h.signUp();
		const res = await h.call("PATCH", "/identity/me", {
			caller: u.caller,
			body: { email: `moved.${u.email}`, currentPassword: u.password },
		});
		expect(res.status).toBe(200);
		expect(UserPublic.parse(await json(res)).sessionGeneration).toBe(2);
		expect((await check(u.caller, 1)).valid).toBe(false);
		expect((await check(u.caller, 2)).valid).toBe(true);
		// A rename alone ends nothing.
		await h.call("PATCH", "/identity/me", { caller: u.caller, body: { name: "Just A Rename" } });
		expect((await check(u.caller, 2)).valid).toBe(true);
	});
});

describe("across core instances", () => {
	test("a revocation or a bump on one instance is seen by the other's very next check (no cache, no Redis)", async () => {
		const options = {
			dbUrl: `file:${join(h.dir, "shared-identity.db")}`,
			edgeUrl: "http://shop.test",
			passwordCost: TEST_PASSWORD_COST,
			devMailbox: "local" as const,
		};
		const a = await openIdentity(options);
		const b = await openIdentity({ ...options, migrate: false });
		try {
			const email = uniqueEmail("multi");
			await a.register({ email, password: "shared secret 123", name: "M" });
			const user = await a.confirmSignup({ token: signupTokenIn(await latestMailTo(a, email)) });
			const [one, two] = [sessionHash(), sessionHash()];
			expect((await b.checkSession(user.id, 1, one)).valid).toBe(true);
			await a.revokeSession(user.id, one);
			expect((await b.checkSession(user.id, 1, one)).valid).toBe(false);
			expect((await b.checkSession(user.id, 1, two)).valid).toBe(true);
			await a.logoutEverywhere(user.id);
			expect((await b.checkSession(user.id, 1, two)).valid).toBe(false);
			expect((await b.checkSession(user.id, 2, two)).valid).toBe(true);
		} finally {
			await a.stop();
			await b.stop();
		}
	});
});
