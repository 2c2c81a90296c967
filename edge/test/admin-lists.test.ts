import { AdminProductList, Problem } from "@bazaar/contracts";
import { UserList } from "@bazaar/contracts/identity";
import { OrderList } from "@bazaar/contracts/order";
import { beforeAll, describe, expect, it } from "vitest";
import { approvePayment, eventually, type PlacedOrder, placeOrder, type Shopper, signUp } from "./account-support";
import { archive, makeProduct } from "./cart-fixtures";
import { accountWithRoles as account, adminHeaders, edge, signIn } from "./helpers";

// The admin lists through the Worker (/api/admin/<area>/…, forwarded to the core signed as the
// staff member): one shape, `{items, nextCursor}`, paged by the cursor each page gives out,
// filtered, limited, and open to each role only as far as the core's rules say.

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });

let admin: Record<string, string>;
beforeAll(async () => {
	admin = await adminHeaders();
});

async function page<T>(schema: { parse(v: unknown): T }, path: string, headers = admin): Promise<T> {
	const res = await edge(path, { headers });
	expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
	expect(res.headers.get("cache-control")).toBe("no-store");
	return schema.parse(await res.json());
}

/** Every page of a list, following nextCursor; answers the ids in order and how many pages it took. */
async function walk(path: string, limit: number, headers = admin) {
	const ids: string[] = [];
	let cursor: string | null = null;
	let pages = 0;
	do {
		const sep = path.includes("?") ? "&" : "?";
		const res = await edge(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, { headers });
		expect(res.status, await res.clone().text()).toBe(200);
		const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
		expect(body.items.length).toBeLessThanOrEqual(limit);
		ids.push(...body.items.map((i) => i.id));
		cursor = body.nextCursor;
		pages++;
	} while (cursor && pages < 50);
	return { ids, pages };
}

async function expect400(path: string, headers = admin) {
	const res = await edge(path, { headers });
	expect(res.status, path).toBe(400);
	expect(res.headers.get("content-type"), path).toContain("application/problem+json");
	Problem.parse(await res.json());
}

const BAD_LIST_QUERIES = ["limit=0", "limit=101", "limit=lots", "cursor=bogus", "cursor=W10", "nosuchfilter=1"];

describe("GET /api/admin/orders", () => {
	let shopper: Shopper;
	let orders: PlacedOrder[];
	beforeAll(async () => {
		shopper = await signUp("Listed Orders");
		orders = [];
		for (let i = 0; i < 3; i++) orders.push(await placeOrder(shopper.caller));
		await approvePayment(orders[1]!);
		await eventually(async () => {
			const list = await page(OrderList, `/api/admin/orders?customer=${shopper.caller.user}&status=paid`);
			return list.items.length === 1 ? true : undefined;
		}, "the sandbox payment to mark the order paid");
	});

	it("pages a customer's orders newest first over more than one page", async () => {
		const { ids, pages } = await walk(`/api/admin/orders?customer=${shopper.caller.user}`, 2);
		expect(pages).toBe(2);
		expect(ids).toEqual(orders.map((o) => o.id).reverse());
	});

	it("filters by status, gateway and creation time", async () => {
		const of = async (qs: string) =>
			(await page(OrderList, `/api/admin/orders?customer=${shopper.caller.user}&${qs}`)).items.map((o) => o.id);
		expect(await of("status=paid")).toEqual([orders[1]!.id]);
		expect(await of("status=pending_payment")).toEqual([orders[2]!.id, orders[0]!.id]);
		expect(await of("gateway=sandbox")).toEqual([orders[1]!.id]);
		expect(await of("gateway=stripe")).toEqual([]);
		const all = await page(OrderList, `/api/admin/orders?customer=${shopper.caller.user}`);
		const second = all.items[1]!;
		expect(await of(`from=${encodeURIComponent(second.createdAt)}`)).toEqual([orders[2]!.id, orders[1]!.id]);
		expect(await of(`to=${encodeURIComponent(second.createdAt)}`)).toEqual([orders[0]!.id]);
		expect(all.items[0]).toMatchObject({ customerId: shopper.caller.user, email: shopper.email });
	});

	it("refuses bad limits, cursors and filters with a 400 problem", async () => {
		for (const qs of [...BAD_LIST_QUERIES, "status=lost", "from=soon", "customer=someone"]) {
			await expect400(`/api/admin/orders?${qs}`);
		}
	});

	it("lets a support agent read it, refuses a catalog manager and a customer", async () => {
		const token = await signIn();
		const agent = await account(["support_agent"], token);
		const manager = await account(["catalog_manager"], token);
		const customer = await account(["customer"], token);
		const read = await page(OrderList, `/api/admin/orders?customer=${shopper.caller.user}`, bearer(agent.token));
		expect(read.items).toHaveLength(3);
		const cancel = await edge(`/api/admin/orders/${orders[0]!.id}/cancel`, {
			method: "POST",
			headers: bearer(agent.token),
		});
		expect(cancel.status).toBe(403);
		for (const who of [manager, customer]) {
			const res = await edge("/api/admin/orders", { headers: bearer(who.token) });
			expect(res.status).toBe(403);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect((await edge("/api/admin/orders")).status).toBe(401);
		expect((await edge("/api/admin/orders/payment-conflicts", { headers: bearer(agent.token) })).status).toBe(403);
	});
});

describe("GET /api/admin/catalog/products", () => {
	const word = `zq${Date.now().toString(36)}`;
	let made: string[];
	beforeAll(async () => {
		made = [];
		for (const kind of ["physical", "digital", "service"] as const) {
			const { product } = await makeProduct([1], { kind });
			// A word only these products carry, so the search finds exactly them in a shared catalog.
			const res = await edge(`/api/admin/catalog/products/${product.id}`, {
				method: "PATCH",
				headers: admin,
				body: JSON.stringify({ title: `${product.title} ${word}` }),
			});
			expect(res.status, await res.clone().text()).toBe(200);
			made.push(product.id);
		}
		await archive(made[0]!);
	});

	it("finds products of every status by text, newest first, over more than one page", async () => {
		const { ids, pages } = await walk(`/api/admin/catalog/products?q=${word}`, 2);
		expect(pages).toBe(2);
		expect(ids).toEqual([...made].reverse());
	});

	it("filters by status (archived included), kind and category", async () => {
		const of = async (qs: string) =>
			(await page(AdminProductList, `/api/admin/catalog/products?q=${word}&${qs}`)).items.map((p) => p.id);
		expect(await of("status=archived")).toEqual([made[0]]);
		expect(await of("status=active")).toEqual([made[2], made[1]]);
		expect(await of("kind=digital")).toEqual([made[1]]);
		const first = (await page(AdminProductList, `/api/admin/catalog/products?q=${made[2]}`)).items;
		expect(first.map((p) => p.id)).toEqual([made[2]]);
		expect(first[0]).toMatchObject({ kind: "service", status: "active", inStock: true });
		expect(first[0]!.price?.currency).toBe("USD");
		const archived = await page(AdminProductList, "/api/admin/catalog/products?status=archived&limit=100");
		expect(archived.items.every((p) => p.status === "archived")).toBe(true);
		expect((await edge("/api/admin/catalog/products?category=no-such-category", { headers: admin })).status).toBe(404);
	});

	it("refuses bad limits, cursors and filters with a 400 problem", async () => {
		for (const qs of [...BAD_LIST_QUERIES, "status=deleted", "kind=gift"]) {
			await expect400(`/api/admin/catalog/products?${qs}`);
		}
	});

	it("is for admins and catalog managers: a support agent and a customer get 403", async () => {
		const token = await signIn();
		const manager = await account(["catalog_manager"], token);
		const agent = await account(["support_agent"], token);
		const customer = await account(["customer"], token);
		const list = await page(AdminProductList, `/api/admin/catalog/products?q=${word}`, bearer(manager.token));
		expect(list.items).toHaveLength(3);
		for (const who of [agent, customer]) {
			expect((await edge("/api/admin/catalog/products", { headers: bearer(who.token) })).status).toBe(403);
		}
	});
});

describe("GET /api/admin/identity/users", () => {
	it("searches customers by email or name and by role, pages, and is read-only for support agents", async () => {
		const token = await signIn();
		const made: Awaited<ReturnType<typeof account>>[] = [];
		for (let i = 0; i < 3; i++) made.push(await account(["customer"], token));
		const agent = await account(["support_agent"], token);
		// The accounts' emails share the prefix "staff-"; their newest-first order is creation order reversed.
		const { ids, pages } = await walk("/api/admin/identity/users?q=staff-", 2);
		expect(pages).toBeGreaterThan(1);
		const ours = ids.filter((id) => [...made, agent].some((a) => a.user.id === id));
		expect(ours).toEqual([agent, ...[...made].reverse()].map((a) => a.user.id));

		const byEmail = await page(UserList, `/api/admin/identity/users?q=${encodeURIComponent(made[0]!.email)}`);
		expect(byEmail.items.map((u) => u.id)).toEqual([made[0]!.user.id]);
		const agents = await page(UserList, "/api/admin/identity/users?role=support_agent&limit=100");
		expect(agents.items.map((u) => u.id)).toContain(agent.user.id);
		expect(agents.items.every((u) => u.roles.includes("support_agent"))).toBe(true);

		const asAgent = await page(UserList, `/api/admin/identity/users?q=${encodeURIComponent(made[1]!.email)}`, {
			...bearer(agent.token),
		});
		expect(asAgent.items).toHaveLength(1);
		const promote = await edge(`/api/admin/identity/users/${made[1]!.user.id}/roles`, {
			method: "PUT",
			headers: bearer(agent.token),
			body: JSON.stringify({ roles: ["admin"] }),
		});
		expect(promote.status).toBe(403);
		for (const qs of [...BAD_LIST_QUERIES, "role=root"]) await expect400(`/api/admin/identity/users?${qs}`);
	});
});
