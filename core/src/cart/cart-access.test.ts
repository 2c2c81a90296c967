import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Product } from "@bazaar/contracts";
import type { Cart } from "@bazaar/contracts/cart";
import { sql } from "drizzle-orm";
import { ALICE, ANON, BOB, body, type CartHarness, cartHarness, guestToken, variantId } from "./testing/fixtures";

// A caller reaches its own cart and nothing else; bad input is a 4xx problem and changes nothing.

let h: CartHarness;
let p: Product;
beforeAll(async () => {
	h = await cartHarness();
	p = await h.product({
		title: "Pen",
		variants: [
			{ sku: "PEN-1", price: 150 },
			{ sku: "PEN-2", price: 175 },
		],
	});
});
afterAll(() => h.close());

const snapshot = async () => {
	const db = h.cart.context.database.db;
	return {
		carts: await db.all(sql`SELECT * FROM carts ORDER BY id`),
		lines: await db.all(sql`SELECT * FROM cart_lines ORDER BY cart_id, variant_id`),
	};
};

describe("whose cart", () => {
	test("another customer's cart is unreachable", async () => {
		await h.call("POST", "/cart/lines", { caller: ALICE, body: { variantId: variantId(p), quantity: 3 } });
		const bobs = await body<Cart>(await h.call("GET", "/cart", { caller: BOB }));
		expect(bobs).toMatchObject({ id: null, lines: [] });
		const before = await snapshot();
		expect((await h.call("PATCH", `/cart/lines/${variantId(p)}`, { caller: BOB, body: { quantity: 1 } })).status).toBe(
			404,
		);
		expect((await h.call("DELETE", `/cart/lines/${variantId(p)}`, { caller: BOB })).status).toBe(404);
		// A customer sending a guest header still only ever gets their own cart.
		expect((await h.call("GET", "/cart", { caller: BOB, token: guestToken() })).status).toBe(200);
		expect(await snapshot()).toEqual(before);
		expect((await body<Cart>(await h.call("GET", "/cart", { caller: ALICE }))).lines[0]?.quantity).toBe(3);
	});

	test("another guest's cart is unreachable; the token is stored only as its digest", async () => {
		const mine = guestToken();
		const theirs = guestToken();
		await h.call("POST", "/cart/lines", {
			caller: ANON,
			token: mine,
			body: { variantId: variantId(p, 1), quantity: 2 },
		});
		const before = await snapshot();
		expect((await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token: theirs }))).lines).toEqual([]);
		const res = await h.call("PATCH", `/cart/lines/${variantId(p, 1)}`, {
			caller: ANON,
			token: theirs,
			body: { quantity: 5 },
		});
		expect(res.status).toBe(404);
		expect((await h.call("DELETE", `/cart/lines/${variantId(p, 1)}`, { caller: ANON, token: theirs })).status).toBe(
			404,
		);
		expect((await h.call("DELETE", "/cart", { caller: ANON, token: theirs })).status).toBe(200);
		expect(await snapshot()).toEqual(before);
		expect(JSON.stringify(before)).not.toContain(mine);
		// A guest's cart is not reachable as a customer whose id is its digest either.
		const digest = (before.carts as { owner_key: string; owner_kind: string }[]).find((c) => c.owner_kind === "guest")
			?.owner_key as string;
		expect((await body<Cart>(await h.call("GET", "/cart", { caller: { user: digest, roles: [] } }))).lines).toEqual([]);
	});

	test("no owner: reads are empty, writes 401; a malformed token is 400", async () => {
		const before = await snapshot();
		expect((await body<Cart>(await h.call("GET", "/cart", { caller: ANON }))).lines).toEqual([]);
		const res = await h.call("POST", "/cart/lines", { caller: ANON, body: { variantId: variantId(p) } });
		expect(res.status).toBe(401);
		expect(res.headers.get("content-type")).toContain("application/problem+json");
		for (const token of ["abc", "x".repeat(44), `${"a".repeat(42)}!`, "../../etc/passwd"]) {
			const r = await h.call("POST", "/cart/lines", { caller: ANON, token, body: { variantId: variantId(p) } });
			expect({ token, status: r.status }).toEqual({ token, status: 400 });
		}
		expect((await h.call("GET", "/cart", { caller: ANON, token: "abc" })).status).toBe(400);
		expect(await snapshot()).toEqual(before);
	});

	test("unsigned or tampered calls are refused", async () => {
		expect((await h.app.request("/cart")).status).toBe(401);
		const res = await h.app.request("/cart/lines", {
			method: "POST",
			headers: { "content-type": "application/json", "x-bazaar-user": "usr_alice" },
			body: JSON.stringify({ variantId: variantId(p) }),
		});
		expect(res.status).toBe(401);
	});
});

describe("bad input", () => {
	test("bad JSON, wrong types, unknown fields, wrong media type: 4xx problem, no change", async () => {
		const before = await snapshot();
		const cases: { method: string; path: string; body?: unknown; headers?: Record<string, string>; want: number }[] = [
			{ method: "POST", path: "/cart/lines", body: "{not json", want: 400 },
			{ method: "POST", path: "/cart/lines", body: "", want: 400 },
			{ method: "POST", path: "/cart/lines", body: "null", want: 400 },
			{ method: "POST", path: "/cart/lines", body: "[]", want: 400 },
			{ method: "POST", path: "/cart/lines", body: { variantId: 12, quantity: 1 }, want: 400 },
			{ method: "POST", path: "/cart/lines", body: { quantity: 1 }, want: 400 },
			{ method: "POST", path: "/cart/lines", body: { variantId: variantId(p), quantity: 1, price: 1 }, want: 400 },
			{ method: "POST", path: "/cart/lines", body: { variantId: variantId(p), quantity: "1e3" }, want: 400 },
			{
				method: "POST",
				path: "/cart/lines",
				body: JSON.stringify({ variantId: variantId(p) }),
				headers: { "content-type": "text/plain" },
				want: 415,
			},
			{ method: "PATCH", path: `/cart/lines/${variantId(p)}`, body: "{", want: 400 },
			{ method: "PATCH", path: `/cart/lines/${variantId(p)}`, body: { qty: 2 }, want: 400 },
			{ method: "PATCH", path: `/cart/lines/${variantId(p)}`, body: { quantity: 2, variantId: "x" }, want: 400 },
			{ method: "PUT", path: "/cart/lines", body: {}, want: 404 },
		];
		for (const c of cases) {
			const res = await h.call(c.method, c.path, { caller: ALICE, body: c.body, headers: c.headers });
			expect({ ...c, status: res.status }).toEqual({ ...c, status: c.want });
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect(await snapshot()).toEqual(before);
	});
});

describe("guest expiry", () => {
	test("a guest cart expires after its TTL, is purged, and a new one starts clean", async () => {
		const token = guestToken();
		await h.call("POST", "/cart/lines", { caller: ANON, token, body: { variantId: variantId(p), quantity: 1 } });
		const live = await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token }));
		expect(live.lines).toHaveLength(1);
		const ttl = h.cart.context.guestTtlMs;
		expect(Date.parse(live.expiresAt as string) - Date.now()).toBeGreaterThan(ttl - 60_000);

		h.clock.offsetMs = ttl + 1_000;
		try {
			expect((await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token }))).lines).toEqual([]);
			// Customers' carts never expire.
			expect((await body<Cart>(await h.call("GET", "/cart", { caller: ALICE }))).lines).toHaveLength(1);
			const res = await h.call("POST", "/cart/lines", { caller: ANON, token, body: { variantId: variantId(p, 1) } });
			const fresh = await body<Cart>(res);
			expect(fresh.lines.map((l) => l.sku)).toEqual(["PEN-2"]);

			const other = guestToken();
			h.clock.offsetMs = 0;
			await h.call("POST", "/cart/lines", { caller: ANON, token: other, body: { variantId: variantId(p) } });
			const purged = await h.cart.purgeExpired({ now: Date.now() + ttl * 3, batchSize: 1 });
			expect(purged).toBeGreaterThanOrEqual(3);
			const left = await snapshot();
			expect((left.carts as { owner_kind: string }[]).every((c) => c.owner_kind === "customer")).toBe(true);
			const cartIds = new Set((left.carts as { id: string }[]).map((c) => c.id));
			expect((left.lines as { cart_id: string }[]).every((l) => cartIds.has(l.cart_id))).toBe(true);
		} finally {
			h.clock.offsetMs = 0;
		}
	});
});
