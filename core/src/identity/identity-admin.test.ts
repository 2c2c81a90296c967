import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { UserList, UserPublic } from "@bazaar/contracts/identity";
import { json } from "../testing/harness";
import { type IdentityHarness, identityHarness } from "./test-harness";

let h: IdentityHarness;
let admin: { user: string; roles: string[] };
let adminPassword: string;
beforeAll(async () => {
	h = await identityHarness();
	const ensured = await h.mod.ensureAdmin("Owner@Bazaar.test");
	if (!ensured.created) throw new Error("the first start did not create the admin");
	admin = { user: ensured.user.id, roles: ensured.user.roles };
	adminPassword = ensured.password as string;
});
afterAll(() => h?.close());

describe("admin account and roles", () => {
	test("ensureAdmin creates the admin once with a random password, returned only then", async () => {
		expect(adminPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
		const login = await h.call("POST", "/identity/login", {
			body: { email: "owner@bazaar.test", password: adminPassword },
		});
		expect(login.status).toBe(200);
		expect((await json<{ roles: string[] }>(login)).roles).toEqual(["admin"]);
		expect(await h.mod.ensureAdmin("owner@bazaar.test")).toEqual({ created: false });
	});

	test("non-admins → 403 on every admin route; nothing changes", async () => {
		const u = await h.signUp();
		const manager = { user: u.id, roles: ["catalog_manager", "moderator", "customer"] };
		for (const caller of [u.caller, manager, { user: "", roles: [] }]) {
			expect((await h.call("GET", "/identity/admin/users", { caller })).status).toBe(403);
			expect((await h.call("GET", `/identity/admin/users/${u.id}`, { caller })).status).toBe(403);
			const put = await h.call("PUT", `/identity/admin/users/${u.id}/roles`, { caller, body: { roles: ["admin"] } });
			expect(put.status).toBe(403);
			expect(put.headers.get("content-type")).toBe("application/problem+json");
		}
		expect((await h.mod.getProfile(u.id)).roles).toEqual(["customer"]);
	});

	test("a support agent looks customers up but sets no roles", async () => {
		const u = await h.signUp();
		const agent = { user: u.id, roles: ["support_agent"] };
		expect((await h.call("GET", "/identity/admin/users?limit=1", { caller: agent })).status).toBe(200);
		expect((await h.call("GET", `/identity/admin/users/${u.id}`, { caller: agent })).status).toBe(200);
		const put = await h.call("PUT", `/identity/admin/users/${u.id}/roles`, {
			caller: agent,
			body: { roles: ["admin"] },
		});
		expect(put.status).toBe(403);
		expect((await h.mod.getProfile(u.id)).roles).toEqual(["customer"]);
	});

	test("an admin lists users newest first, page by page, by email, name or role; no hashes", async () => {
		const tag = `${Date.now()}`;
		for (let i = 0; i < 3; i++) await h.signUp(`page${i}.${tag}@list.test`);
		const first = await h.call("GET", "/identity/admin/users?limit=2", { caller: admin });
		expect(first.status).toBe(200);
		const text = await first.text();
		expect(text).not.toContain("argon2");
		const page = UserList.parse(JSON.parse(text));
		expect(page.items.map((u) => u.email)).toEqual([`page2.${tag}@list.test`, `page1.${tag}@list.test`]);
		const next = UserList.parse(
			await json(await h.call("GET", `/identity/admin/users?limit=2&cursor=${page.nextCursor}`, { caller: admin })),
		);
		expect(next.items[0]?.email).toBe(`page0.${tag}@list.test`);
		const byEmail = UserList.parse(
			await json(await h.call("GET", `/identity/admin/users?q=PAGE1.${tag}`, { caller: admin })),
		);
		expect(byEmail.items.map((u) => u.email)).toEqual([`page1.${tag}@list.test`]);
		// LIKE's wildcards are matched literally: "%" finds nobody's email or name.
		const wild = UserList.parse(await json(await h.call("GET", "/identity/admin/users?q=%25", { caller: admin })));
		expect(wild.items).toEqual([]);
		const admins = UserList.parse(
			await json(await h.call("GET", "/identity/admin/users?role=admin", { caller: admin })),
		);
		expect(admins.items.map((u) => u.id)).toEqual([admin.user]);
		for (const bad of ["limit=0", "limit=101", "bogus=1", "role=root", "cursor=nope", `cursor=${"A".repeat(20)}`]) {
			const res = await h.call("GET", `/identity/admin/users?${bad}`, { caller: admin });
			expect(res.status, bad).toBe(400);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
	});

	test("an admin sets roles; the next session check carries them", async () => {
		const u = await h.signUp();
		expect((await h.mod.checkSession(u.id, 1, "a".repeat(64))).roles).toEqual(["customer"]);
		const res = await h.call("PUT", `/identity/admin/users/${u.id}/roles`, {
			caller: admin,
			body: { roles: ["support_agent", "customer"] },
		});
		expect(res.status).toBe(200);
		expect(UserPublic.parse(await json(res)).roles).toEqual(["customer", "support_agent"]);
		expect(await h.mod.checkSession(u.id, 1, "a".repeat(64))).toEqual({
			valid: true,
			roles: ["customer", "support_agent"],
			sessionGeneration: 1,
		});
		const bad = [{ roles: [] }, { roles: ["root"] }, { roles: ["admin", "admin"] }, { roles: "admin" }];
		for (const body of bad) {
			expect((await h.call("PUT", `/identity/admin/users/${u.id}/roles`, { caller: admin, body })).status).toBe(400);
		}
		const ghost = "usr_01ARZ3NDEKTSV4RRFFQ69G5FAV";
		expect(
			(await h.call("PUT", `/identity/admin/users/${ghost}/roles`, { caller: admin, body: { roles: ["admin"] } }))
				.status,
		).toBe(404);
	});

	test("the last admin cannot be demoted (409)", async () => {
		const res = await h.call("PUT", `/identity/admin/users/${admin.user}/roles`, {
			caller: admin,
			body: { roles: ["customer"] },
		});
		expect(res.status).toBe(409);
		expect((await h.mod.getProfile(admin.user)).roles).toEqual(["admin"]);
	});
});

describe("admin: a customer's addresses and sessions", () => {
	test("an admin reads an account's addresses and ends all its sessions; others may not", async () => {
		const u = await h.signUp();
		const added = await h.call("POST", "/identity/me/addresses", {
			caller: u.caller,
			body: { recipient: "Ada", line1: "1 Market St", city: "Paris", postalCode: "75001", country: "FR" },
		});
		expect(added.status).toBe(201);
		const list = await h.call("GET", `/identity/admin/users/${u.id}/addresses`, { caller: admin });
		expect(list.status).toBe(200);
		expect((await json<{ items: { city: string }[] }>(list)).items.map((a) => a.city)).toEqual(["Paris"]);
		const before = (await h.mod.getProfile(u.id)).sessionGeneration;
		expect((await h.call("POST", `/identity/admin/users/${u.id}/logout-everywhere`, { caller: u.caller })).status).toBe(
			403,
		);
		const ended = await h.call("POST", `/identity/admin/users/${u.id}/logout-everywhere`, { caller: admin });
		expect(ended.status).toBe(200);
		expect(UserPublic.parse(await json(ended)).sessionGeneration).toBe(before + 1);
		expect((await h.mod.checkSession(u.id, before, "a".repeat(64))).valid).toBe(false);
		const unknown = await h.call("POST", "/identity/admin/users/usr_01ZZZZZZZZZZZZZZZZZZZZZZZZ/logout-everywhere", {
			caller: admin,
		});
		expect(unknown.status).toBe(404);
	});
});
