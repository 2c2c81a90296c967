import { afterEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../config";
import { SECRET } from "../testing/harness";
import { exec } from "../testing/sql";
import { AdminEmailTakenError } from "./ensure-admin";
import { type IdentityHarness, identityHarness, uniqueEmail } from "./test-harness";

// The admin account made on start: once in the life of the identity database. ADMIN_PASSWORD
// gives tools and tests a login they know in advance; without it the password is random and
// returned once so main.ts can hand it to the operator (in a file, never in the log).

const opened: IdentityHarness[] = [];
afterEach(async () => {
	for (const h of opened.splice(0)) await h.close();
});
async function fresh(options: Parameters<typeof identityHarness>[0] = {}) {
	const h = await identityHarness(options);
	opened.push(h);
	return h;
}
const login = (h: IdentityHarness, email: string, password: string) =>
	h.call("POST", "/identity/login", { body: { email, password } });
const rolesOf = async (h: IdentityHarness, id: string) => (await h.mod.getProfile(id)).roles;

describe("the first admin", () => {
	test("the first start creates it with the configured password, which is never handed back", async () => {
		const h = await fresh();
		const email = uniqueEmail("admin");
		const ensured = await h.mod.ensureAdmin(email, { password: "configured admin pass" });
		if (!ensured.created) throw new Error("not created");
		expect(ensured.password).toBeNull();
		expect(ensured.user.roles).toEqual(["admin"]);
		expect((await login(h, email, "configured admin pass")).status).toBe(200);
	});

	test("is made once: a later start changes nothing, whatever ADMIN_EMAIL or ADMIN_PASSWORD say", async () => {
		const h = await fresh();
		const email = uniqueEmail("admin");
		const first = await h.mod.ensureAdmin(email);
		if (!first.created) throw new Error("not created");
		expect(first.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
		expect(await h.mod.ensureAdmin(email, { password: "some other password" })).toEqual({ created: false });
		expect(await h.mod.ensureAdmin(uniqueEmail("second-admin"))).toEqual({ created: false });
		expect((await login(h, email, "some other password")).status).toBe(401);
		expect((await login(h, email, first.password as string)).status).toBe(200);
		expect((await h.mod.listUsers({ limit: 50 })).items.filter((u) => u.roles.includes("admin"))).toHaveLength(1);
	});

	test("a later start never grants the role to whoever holds ADMIN_EMAIL now", async () => {
		// No reservation here, so the address can be registered again once the admin leaves it.
		const h = await fresh({ reservedEmails: [] });
		const adminEmail = uniqueEmail("admin");
		const first = await h.mod.ensureAdmin(adminEmail, { password: "the admin's password" });
		if (!first.created) throw new Error("not created");
		// The admin moves to another address; someone registers the old one.
		await h.mod.updateProfile(first.user.id, { email: uniqueEmail("moved"), currentPassword: "the admin's password" });
		const squatter = await h.signUp(adminEmail);
		expect(await h.mod.ensureAdmin(adminEmail)).toEqual({ created: false });
		expect(await rolesOf(h, squatter.id)).toEqual(["customer"]);
		expect(await rolesOf(h, first.user.id)).toEqual(["admin"]);
	});

	test("a database from before the step was recorded, with an admin: nothing made, nothing granted", async () => {
		const h = await fresh({ reservedEmails: [] });
		const old = await h.signUp();
		await h.mod.setRoles(old.id, { roles: ["admin"] });
		const customer = await h.signUp(uniqueEmail("admin"));
		expect(await h.mod.ensureAdmin(customer.email)).toEqual({ created: false });
		expect(await rolesOf(h, customer.id)).toEqual(["customer"]);
		// And it is recorded: even with no admin left, a later start makes none.
		await exec(h.mod.identity.database, "UPDATE users SET roles = '[\"customer\"]'");
		expect(await h.mod.ensureAdmin(uniqueEmail("admin"))).toEqual({ created: false });
	});

	test("ADMIN_EMAIL held by a customer on a database that never had an admin: refused, nothing granted", async () => {
		const h = await fresh({ reservedEmails: [] });
		const customer = await h.signUp(uniqueEmail("admin"));
		const err = await h.mod.ensureAdmin(customer.email).catch((e) => e);
		expect(err).toBeInstanceOf(AdminEmailTakenError);
		expect((err as Error).message).toContain("ADMIN_EMAIL");
		expect(await rolesOf(h, customer.id)).toEqual(["customer"]);
	});

	test("two instances starting at once make one admin", async () => {
		const h = await fresh();
		const email = uniqueEmail("admin");
		const results = await Promise.all([h.mod.ensureAdmin(email), h.mod.ensureAdmin(email), h.mod.ensureAdmin(email)]);
		expect(results.filter((r) => r.created)).toHaveLength(1);
		expect((await h.mod.listUsers({ limit: 50 })).items.filter((u) => u.roles.includes("admin"))).toHaveLength(1);
	});
});

describe("the reserved admin address", () => {
	test("sign-up with it is refused, in any case, and nothing is created", async () => {
		const adminEmail = uniqueEmail("admin");
		const h = await fresh({ reservedEmails: [adminEmail] });
		for (const email of [adminEmail, adminEmail.toUpperCase(), ` ${adminEmail} `]) {
			const res = await h.call("POST", "/identity/register", {
				body: { email, password: "correct horse battery", name: "Squatter" },
			});
			expect(res.status, email).toBe(400);
			expect(await res.text()).toContain("reserved");
		}
		expect((await h.mod.listUsers({ limit: 50 })).items).toHaveLength(0);
	});

	test("no other account may take it by changing its email; the first admin may come back to it", async () => {
		const adminEmail = uniqueEmail("admin");
		const h = await fresh({ reservedEmails: [adminEmail] });
		const first = await h.mod.ensureAdmin(adminEmail, { password: "the admin's password" });
		if (!first.created) throw new Error("not created");
		await h.mod.updateProfile(first.user.id, { email: uniqueEmail("moved"), currentPassword: "the admin's password" });
		const u = await h.signUp();
		const res = await h.call("PATCH", "/identity/me", {
			caller: u.caller,
			body: { email: adminEmail, currentPassword: u.password },
		});
		expect(res.status).toBe(400);
		expect((await h.mod.getProfile(u.id)).email).toBe(u.email);
		const back = await h.mod.updateProfile(first.user.id, {
			email: adminEmail,
			currentPassword: "the admin's password",
		});
		expect(back.email).toBe(adminEmail);
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
