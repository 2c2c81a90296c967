import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { count } from "drizzle-orm";
import { json } from "../testing/harness";
import { addresses, mailOutbox, passwordResetTokens, users } from "./schema";
import { type IdentityHarness, identityHarness, uniqueEmail } from "./test-harness";

// Bad input is a clear 4xx problem and changes nothing (DESIGN.md invariants).

let h: IdentityHarness;
beforeAll(async () => {
	h = await identityHarness();
});
afterAll(() => h?.close());

async function counts() {
	const db = h.mod.identity.database.db;
	const n = async (t: typeof users | typeof addresses | typeof mailOutbox | typeof passwordResetTokens) =>
		(await db.select({ n: count() }).from(t))[0]?.n;
	return {
		users: await n(users),
		addresses: await n(addresses),
		mail: await n(mailOutbox),
		tokens: await n(passwordResetTokens),
	};
}

async function expectProblem(res: Response, status: number) {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	const body = await json<{ status: number; title: string }>(res);
	expect(body.status).toBe(status);
	return body;
}

describe("bad input → 4xx problem, nothing changes", () => {
	test("malformed JSON, wrong types, missing and extra fields, huge strings", async () => {
		const u = await h.signUp();
		const before = await counts();
		const huge = "x".repeat(100_000);
		const cases: Array<[string, string, unknown, number]> = [
			["POST", "/identity/register", "{not json", 400],
			["POST", "/identity/register", "", 400],
			["POST", "/identity/register", "[]", 400],
			["POST", "/identity/register", "null", 400],
			["POST", "/identity/register", { email: 42, password: true, name: [] }, 400],
			["POST", "/identity/register", { email: "not-an-email", password: "long enough pw", name: "N" }, 400],
			["POST", "/identity/register", { email: uniqueEmail(), password: "long enough pw" }, 400],
			[
				"POST",
				"/identity/register",
				{ email: uniqueEmail(), password: "long enough pw", name: "N", roles: ["admin"] },
				400,
			],
			["POST", "/identity/register", { email: `${huge}@example.test`, password: "long enough pw", name: "N" }, 400],
			["POST", "/identity/register", { email: uniqueEmail(), password: huge, name: "N" }, 400],
			["POST", "/identity/register", { email: uniqueEmail(), password: "long enough pw", name: huge }, 400],
			["POST", "/identity/register", { email: uniqueEmail(), password: "long enough pw", name: "   " }, 400],
			["POST", "/identity/login", "{", 400],
			["POST", "/identity/login", { email: u.email, password: huge }, 400],
			["POST", "/identity/login", { email: u.email }, 400],
			["POST", "/identity/password-reset", { email: 7 }, 400],
			["POST", "/identity/password-reset/confirm", { token: huge, newPassword: "long enough pw" }, 400],
			["POST", "/identity/password-reset/confirm", { token: "a".repeat(43) }, 400],
		];
		for (const [method, path, body, status] of cases) {
			const res = await h.call(method, path, { body });
			await expectProblem(res, status);
		}
		const asUser: Array<[string, string, unknown]> = [
			["PATCH", "/identity/me", { name: huge }],
			["PATCH", "/identity/me", {}],
			["PATCH", "/identity/me", { sessionGeneration: 99 }],
			["POST", "/identity/me/password", { currentPassword: u.password, newPassword: 12345678901 }],
			["POST", "/identity/me/addresses", { ...{ recipient: "R", line1: "L", city: "C" }, country: 1 }],
			["POST", "/identity/me/addresses", '{"recipient":'],
		];
		for (const [method, path, body] of asUser)
			await expectProblem(await h.call(method, path, { body, caller: u.caller }), 400);
		expect(await counts()).toEqual(before);
		expect((await h.mod.getProfile(u.id)).sessionGeneration).toBe(1);
	});

	test("a body that is not JSON by its content type → 415", async () => {
		const before = await counts();
		const res = await h.call("POST", "/identity/register", {
			body: JSON.stringify({ email: uniqueEmail(), password: "long enough pw", name: "N" }),
			headers: { "content-type": "text/plain" },
		});
		await expectProblem(res, 415);
		expect(await counts()).toEqual(before);
	});

	test("a body over the limit → 413", async () => {
		const res = await h.call("POST", "/identity/register", {
			body: { email: "a@b.test", password: "y".repeat(2_000_000), name: "N" },
		});
		await expectProblem(res, 413);
	});

	test("unsigned or tampered calls → 401", async () => {
		const unsigned = await h.app.request("/identity/register", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email: uniqueEmail(), password: "long enough pw", name: "N" }),
		});
		await expectProblem(unsigned, 401);
	});

	test("errors never leak hashes, tokens or passwords", async () => {
		const u = await h.signUp();
		const wrong = await h.call("POST", "/identity/login", { body: { email: u.email, password: "wrong password" } });
		const text = await wrong.text();
		expect(text).not.toContain("wrong password");
		expect(text).not.toContain("argon2");
	});
});
