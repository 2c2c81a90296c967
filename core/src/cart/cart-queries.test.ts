import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Product } from "@bazaar/contracts";
import type { Cart } from "@bazaar/contracts/cart";
import { body, type CartHarness, type Counters, cartHarness } from "./testing/fixtures";

// A read costs the same with 1 line or 50: one statement on the cart database, one call to
// each port (a fixed number of statements in the catalog and the inventory). N+1 is a bug.

let h: CartHarness;
let p: Product;
beforeAll(async () => {
	h = await cartHarness();
	p = await h.product({
		title: "Beads",
		variants: Array.from({ length: 50 }, (_, i) => ({ sku: `BEAD-${i}`, price: 10 + i, stock: i % 2 ? null : 20 })),
	});
});
afterAll(() => h.close());

async function measureRead(caller: { user: string; roles: string[] }): Promise<{ counts: Counters; cart: Cart }> {
	h.resetCounters();
	const cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
	return { counts: { ...h.counters }, cart };
}

describe("statements per read", () => {
	test("constant with 1 line and with 50", async () => {
		const one = { user: "usr_one_line", roles: ["customer"] };
		const fifty = { user: "usr_fifty_lines", roles: ["customer"] };
		await h.call("POST", "/cart/lines", { caller: one, body: { variantId: p.variants[0]?.id } });
		for (const v of p.variants) await h.call("POST", "/cart/lines", { caller: fifty, body: { variantId: v.id } });

		const small = await measureRead(one);
		const large = await measureRead(fifty);
		expect(small.cart.lines).toHaveLength(1);
		expect(large.cart.lines).toHaveLength(50);
		expect(large.cart.subtotal.amount).toBe(p.variants.reduce((sum, _, i) => sum + 10 + i, 0));
		expect(small.counts).toEqual(large.counts);
		expect(large.counts).toEqual({ cart: 1, catalog: 2, inventory: 1, catalogCalls: 1, inventoryCalls: 1 });
	});

	test("an empty cart asks no one", async () => {
		const { counts } = await measureRead({ user: "usr_nobody", roles: ["customer"] });
		expect(counts).toEqual({ cart: 1, catalog: 0, inventory: 0, catalogCalls: 0, inventoryCalls: 0 });
	});

	test("a write is a fixed handful of statements too", async () => {
		const caller = { user: "usr_writer", roles: ["customer"] };
		await h.call("POST", "/cart/lines", { caller, body: { variantId: p.variants[0]?.id } });
		h.resetCounters();
		await h.call("POST", "/cart/lines", { caller, body: { variantId: p.variants[1]?.id } });
		const second = { ...h.counters };
		for (const v of p.variants.slice(2, 40)) await h.call("POST", "/cart/lines", { caller, body: { variantId: v.id } });
		h.resetCounters();
		await h.call("POST", "/cart/lines", { caller, body: { variantId: p.variants[40]?.id } });
		expect({ ...h.counters }).toEqual(second);
		// Before: 1 read; in the transaction: cart select, cart update, line state, upsert; after:
		// the re-checked cart (1 read). Ports: 2 calls each (the added variant, then the cart).
		expect(second.cart).toBe(6);
		expect(second.catalogCalls).toBe(2);
		expect(second.inventoryCalls).toBe(2);
	});
});
