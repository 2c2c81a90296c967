import { Category, Problem, Product, ProductList } from "@bazaar/contracts";
import { ShipmentList } from "@bazaar/contracts/fulfillment";
import { UserList } from "@bazaar/contracts/identity";
import { SkuStock } from "@bazaar/contracts/inventory";
import { describe, expect, it } from "vitest";
import {
	ADMIN_LOGIN,
	accountWithRoles as account,
	adminHeaders,
	core,
	edge,
	edgeJson,
	ORIGIN,
	signIn,
} from "./helpers";

// The admin API at the edge: staff sign in (POST /api/session, or the storefront's cookie) and
// the edge forwards their user and roles, signed, to the core, which decides what each role may
// do. Everything here runs against the real core and the Worker's real KV sessions.

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

async function someProductId(): Promise<string> {
	return ProductList.parse((await edgeJson("/api/catalog/products?limit=1")).body).items[0]!.id;
}

describe("admin API: who may use it", () => {
	it("answers 401 with a Bearer challenge to anonymous callers, bad tokens and the old shared secret", async () => {
		for (const headers of [
			{} as Record<string, string>,
			{ authorization: "Bearer wrong-token" },
			{ authorization: `Bearer ${"A".repeat(43)}` },
			{ authorization: "Basic YWRtaW46YWRtaW4=" },
			{ cookie: `__Host-bazaar_session=${"B".repeat(43)}` },
		]) {
			for (const path of ["/api/admin/catalog/categories", "/api/admin/identity/users", "/api/admin/nowhere/x"]) {
				const res = await edge(path, {
					method: "POST",
					headers: { ...headers, "content-type": "application/json" },
					body: JSON.stringify({ name: "Sneaky" }),
				});
				expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
				expect(res.headers.get("www-authenticate")).toContain("Bearer");
				expect(res.headers.get("content-type")).toContain("application/problem+json");
				Problem.parse(await res.json());
			}
		}
	});

	it("answers 403 to a signed-in customer, and changes nothing", async () => {
		const admin = await signIn();
		const customer = await account(["customer"], admin);
		const name = `Customer's category ${Date.now()}`;
		const res = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: bearer(customer.token),
			body: JSON.stringify({ name }),
		});
		expect(res.status).toBe(403);
		Problem.parse(await res.json());
		const read = await edge("/api/admin/identity/users", { headers: bearer(customer.token) });
		expect(read.status).toBe(403);
		const categories = await core().request("GET", "/catalog/categories", { caller: { user: "", roles: [] } });
		expect(JSON.stringify(await categories.json())).not.toContain(name);
	});

	it("lets a catalog manager manage the catalog and stock but not accounts or shipments (the core's rules)", async () => {
		const admin = await signIn();
		const manager = await account(["catalog_manager"], admin);
		const created = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: bearer(manager.token),
			body: JSON.stringify({ name: `Managed ${Date.now()}` }),
		});
		expect(created.status, await created.clone().text()).toBe(201);
		Category.parse(await created.json());

		const users = await edge("/api/admin/identity/users", { headers: bearer(manager.token) });
		expect(users.status).toBe(403);
		expect(Problem.parse(await users.json()).detail).toContain("admin");
		const promote = await edge(`/api/admin/identity/users/${manager.user.id}/roles`, {
			method: "PUT",
			headers: bearer(manager.token),
			body: JSON.stringify({ roles: ["admin"] }),
		});
		expect(promote.status).toBe(403);
		const sku = `MANAGED-${Date.now()}`;
		const defined = await edge(`/api/admin/inventory/skus/${sku}`, {
			method: "PUT",
			headers: bearer(manager.token),
			body: JSON.stringify({ policy: "tracked" }),
		});
		expect(defined.status, await defined.clone().text()).toBe(201);
		const stock = await edge(`/api/admin/inventory/skus/${sku}/receive`, {
			method: "POST",
			headers: bearer(manager.token),
			body: JSON.stringify({ quantity: 3, reason: "first delivery" }),
		});
		expect(stock.status, await stock.clone().text()).toBe(200);
		expect(SkuStock.parse(await stock.json()).rows[0]!.available).toBe(3);
		const shipments = await edge("/api/admin/fulfillment/shipments?orderId=ord_00000000000000000000000000", {
			headers: bearer(manager.token),
		});
		expect(shipments.status).toBe(403);
	});

	it("lets a support agent through the edge's staff check, and leaves the rest to the core", async () => {
		const admin = await signIn();
		const agent = await account(["support_agent"], admin);
		const write = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: bearer(agent.token),
			body: JSON.stringify({ name: `Agent ${Date.now()}` }),
		});
		expect(write.status).toBe(403);
		// The refusal is the core's (it names the roles the route needs), not the edge's staff gate.
		expect(Problem.parse(await write.json()).detail).toContain("catalog_manager");
	});

	it("takes a role away at once: a demoted manager's next write is refused", async () => {
		const admin = await signIn();
		const manager = await account(["catalog_manager"], admin);
		const demote = await edge(`/api/admin/identity/users/${manager.user.id}/roles`, {
			method: "PUT",
			headers: await adminHeaders(admin),
			body: JSON.stringify({ roles: ["customer"] }),
		});
		expect(demote.status).toBe(200);
		const res = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: bearer(manager.token),
			body: JSON.stringify({ name: `Too late ${Date.now()}` }),
		});
		expect(res.status).toBe(403);
	});

	it("ends with the session: a signed-out admin token is refused", async () => {
		const token = await signIn();
		expect((await edge("/api/admin/identity/users?limit=1", { headers: bearer(token) })).status).toBe(200);
		expect(
			(await edge("/api/session", { method: "DELETE", headers: { authorization: `Bearer ${token}` } })).status,
		).toBe(204);
		expect((await edge("/api/admin/identity/users?limit=1", { headers: bearer(token) })).status).toBe(401);
	});
});

describe("admin API: the proxy", () => {
	it("passes an admin's read through to the core, signed as that admin", async () => {
		const id = await someProductId();
		const res = await edge(`/api/admin/catalog/products/${id}`, { headers: await adminHeaders() });
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(Product.parse(await res.json()).id).toBe(id);
	});

	it("creates and updates a category and passes the core's problems back unchanged", async () => {
		const headers = await adminHeaders();
		const created = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers,
			body: JSON.stringify({ name: `Edge test ${Date.now()}` }),
		});
		expect(created.status).toBe(201);
		const category = Category.parse(await created.json());
		const renamed = await edge(`/api/admin/catalog/categories/${category.id}`, {
			method: "PATCH",
			headers,
			body: JSON.stringify({ name: `${category.name} (renamed)` }),
		});
		expect(renamed.status, await renamed.clone().text()).toBe(200);
		expect(Category.parse(await renamed.json()).name).toBe(`${category.name} (renamed)`);

		const invalid = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers,
			body: JSON.stringify({ name: "" }),
		});
		expect(invalid.status).toBe(400);
		expect(invalid.headers.get("content-type")).toContain("application/problem+json");
		expect(Problem.parse(await invalid.json()).errors?.length).toBeGreaterThan(0);

		const missing = await edge("/api/admin/catalog/products/prod_0000000000", { headers });
		expect(missing.status).toBe(404);
	});

	it("reaches each module's admin routes: identity (with the query), inventory, orders, fulfillment", async () => {
		const headers = await adminHeaders();
		const users = await edge(`/api/admin/identity/users?q=${encodeURIComponent(ADMIN_LOGIN.email)}`, { headers });
		expect(users.status).toBe(200);
		const list = UserList.parse(await users.json());
		expect(list.items.map((u) => u.email)).toEqual([ADMIN_LOGIN.email]);
		expect(list.items[0]!.roles).toContain("admin");

		const id = await someProductId();
		const product = Product.parse(await (await edge(`/api/admin/catalog/products/${id}`, { headers })).json());
		const sku = product.variants[0]!.sku;
		const stock = await edge(`/api/admin/inventory/skus/${encodeURIComponent(sku)}`, { headers });
		expect(stock.status, await stock.clone().text()).toBe(200);
		expect(SkuStock.parse(await stock.json()).sku).toBe(sku);

		const order = await edge("/api/admin/orders/ord_00000000000000000000000000", { headers });
		expect(order.status).toBe(404);
		expect(order.headers.get("content-type")).toContain("application/problem+json");

		const shipments = await edge("/api/admin/fulfillment/shipments?orderId=ord_00000000000000000000000000", {
			headers,
		});
		expect(shipments.status, await shipments.clone().text()).toBe(200);
		expect(ShipmentList.parse(await shipments.json()).items).toEqual([]);
	});

	it("answers 404 for an area that does not exist", async () => {
		const res = await edge("/api/admin/payments/anything", { headers: await adminHeaders() });
		expect(res.status).toBe(404);
		expect(Problem.parse(await res.json()).detail).toContain("catalog");
	});

	it("refuses encoded path separators", async () => {
		const headers = await adminHeaders();
		for (const path of [
			"/api/admin/catalog/products%2F..%2F..%2Fproducts",
			"/api/admin/catalog/..%2f..%2fidentity/admin/users",
			"/api/admin/identity/users%5c..",
		]) {
			const res = await edge(path, { headers });
			expect(res.status, path).toBe(400);
		}
	});

	it("limits the body size", async () => {
		const headers = await adminHeaders();
		const big = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers,
			body: "x".repeat(10 * 1024 * 1024),
		});
		expect(big.status).toBe(413);
		// Areas without image uploads take far less.
		const roles = await edge("/api/admin/identity/users/usr_00000000000000000000000000/roles", {
			method: "PUT",
			headers,
			body: JSON.stringify({ roles: ["customer"], pad: "x".repeat(100 * 1024) }),
		});
		expect(roles.status).toBe(413);
	});
});

describe("admin API with the storefront's session cookie", () => {
	async function cookieSession(): Promise<string> {
		const form = await edge("/account/login");
		const csrfCookie = form.headers
			.getSetCookie()
			.map((l) => l.split(";")[0]!)
			.join("; ");
		const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
		const res = await edge("/account/login", {
			method: "POST",
			headers: { cookie: csrfCookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ ...ADMIN_LOGIN, csrf }).toString(),
			redirect: "manual",
		});
		expect(res.status).toBe(303);
		const session = res.headers.getSetCookie().find((l) => l.startsWith("__Host-bazaar_session="));
		return session!.split(";")[0]!;
	}

	it("reads with the cookie, writes only as same-site JSON (403 cross-site, 415 not JSON)", async () => {
		const cookie = await cookieSession();
		const read = await edge("/api/admin/identity/users?limit=1", { headers: { cookie } });
		expect(read.status).toBe(200);

		const name = `Cookie ${Date.now()}`;
		const attempts: [Record<string, string>, number][] = [
			[{ origin: "https://evil.example", "content-type": "application/json" }, 403],
			[{ "sec-fetch-site": "cross-site", "content-type": "application/json" }, 403],
			[{ origin: ORIGIN, "content-type": "text/plain" }, 415],
			[{ origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, 415],
			[{}, 415],
		];
		for (const [headers, status] of attempts) {
			const res = await edge("/api/admin/catalog/categories", {
				method: "POST",
				headers: { cookie, ...headers },
				body: JSON.stringify({ name }),
			});
			expect(res.status, JSON.stringify(headers)).toBe(status);
			Problem.parse(await res.json());
		}
		const categories = await core().request("GET", "/catalog/categories", { caller: { user: "", roles: [] } });
		expect(JSON.stringify(await categories.json())).not.toContain(name);

		const ok = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: { cookie, origin: ORIGIN, "content-type": "application/json" },
			body: JSON.stringify({ name }),
		});
		expect(ok.status).toBe(201);
	});

	it("needs none of that for a bearer token, even from a browser-like client", async () => {
		const res = await edge("/api/admin/catalog/categories", {
			method: "POST",
			headers: { ...(await adminHeaders()), origin: "https://tool.example" },
			body: JSON.stringify({ name: `Bearer ${Date.now()}` }),
		});
		expect(res.status).toBe(201);
	});
});

describe("admin API reference", () => {
	it("documents sign-in and every admin area with the session schemes, and no shared secret", async () => {
		const res = await edge("/openapi.json");
		expect(res.status).toBe(200);
		const text = await res.text();
		expect(text).not.toContain("ADMIN_TOKEN");
		const doc = JSON.parse(text) as {
			paths: Record<string, Record<string, { security?: Record<string, unknown>[]; responses: object }>>;
			components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string }> };
		};
		expect(Object.keys(doc.paths["/api/session"]!).sort()).toEqual(["delete", "get", "post"]);
		expect(doc.paths["/api/session"]!.post!.security).toBeUndefined();
		// Sessions, and the guest cart cookie for guest checkout: nothing a client shares with the shop.
		expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
			"guestCartCookie",
			"sessionBearer",
			"sessionCookie",
		]);
		for (const area of ["catalog", "identity", "inventory", "orders", "fulfillment"]) {
			const ops = Object.entries(doc.paths)
				.filter(([path]) => path.startsWith(`/api/admin/${area}/`))
				.flatMap(([, item]) => Object.values(item));
			expect(ops.length, area).toBeGreaterThan(0);
			for (const op of ops) {
				expect(op.security).toEqual([{ sessionBearer: [] }, { sessionCookie: [] }]);
				expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["401", "403"]));
			}
		}
		for (const name of [
			"LoginInput",
			"ApiSession",
			"ApiSessionInfo",
			"UserList",
			"SetRolesInput",
			"SkuStock",
			"OrderDetail",
		]) {
			expect(doc.components.schemas[name], name).toBeDefined();
		}
		const refs = text.match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
		for (const ref of refs) expect(doc.components.schemas[ref.slice(22, -1)], ref).toBeDefined();

		const page = await (await edge("/docs/plain")).text();
		expect(page).toContain("POST /api/session");
		expect(page).toContain("PUT /api/admin/identity/users/{id}/roles");
		expect(page).toContain("Authorization: Bearer &lt;token&gt;");
		expect(page).not.toContain("ADMIN_TOKEN");
	});
});
