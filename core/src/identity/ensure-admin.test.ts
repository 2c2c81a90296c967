import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../config";
import { SECRET } from "../testing/harness";
import { type IdentityHarness, identityHarness, uniqueEmail } from "./test-harness";

// The admin account made on start: ADMIN_PASSWORD gives tools and tests a login they know in
// advance; without it the password is random and returned once so main.ts can print it.

let h: IdentityHarness;
beforeAll(async () => {
	h = await identityHarness();
});
afterAll(() => h?.close());

const login = (email: string, password: string) => h.call("POST", "/identity/login", { body: { email, password } });

describe("ensureAdmin with a configured password", () => {
	test("a new admin gets the configured password, which is never returned for printing", async () => {
		const email = uniqueEmail("admin");
		const ensured = await h.mod.ensureAdmin(email, { password: "configured admin pass" });
		expect(ensured.created).toBe(true);
		expect(ensured.password).toBeNull();
		expect(ensured.user.roles).toEqual(["admin"]);
		expect((await login(email, "configured admin pass")).status).toBe(200);
	});

	test("an existing account keeps its own password on a later start", async () => {
		const email = uniqueEmail("admin");
		const first = await h.mod.ensureAdmin(email);
		expect(first.created).toBe(true);
		expect(first.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
		const again = await h.mod.ensureAdmin(email, { password: "some other password" });
		expect(again).toMatchObject({ created: false, password: null });
		expect((await login(email, "some other password")).status).toBe(401);
		expect((await login(email, first.password as string)).status).toBe(200);
	});
});

describe("ADMIN_PASSWORD setting", () => {
	test("is optional, blank means unset, and a short one is refused at start without echoing it", () => {
		const base = { BAZAAR_ENV: "test", BAZAAR_SIGNING_SECRET: SECRET };
		expect(loadConfig(base).adminPassword).toBeNull();
		expect(loadConfig({ ...base, ADMIN_PASSWORD: "" }).adminPassword).toBeNull();
		expect(loadConfig({ ...base, ADMIN_PASSWORD: "long enough secret" }).adminPassword).toBe("long enough secret");
		let message = "";
		try {
			loadConfig({ ...base, ADMIN_PASSWORD: "short1" });
		} catch (err) {
			message = (err as Error).message;
		}
		expect(message).toContain("ADMIN_PASSWORD");
		expect(message).not.toContain("short1");
	});
});
