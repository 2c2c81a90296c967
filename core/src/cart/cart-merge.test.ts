import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Product } from "@bazaar/contracts";
import type { Cart, MergeResult } from "@bazaar/contracts/cart";
import { exec } from "../testing/sql";
import { ANON, body, type CartHarness, cartHarness, guestToken, variantId } from "./testing/fixtures";

// On login the edge calls POST /cart/merge as the now signed-in customer, with the guest
// cookie's token: the guest's lines join the customer's cart and the guest cart is gone.

let h: CartHarness;
let a: Product;
let b: Product;
let c: Product;
beforeAll(async () => {
	h = await cartHarness();
	a = await h.product({ title: "Apples", variants: [{ sku: "APPLE", price: 300, stock: null }] });
	b = await h.product({ title: "Bread", variants: [{ sku: "BREAD", price: 250, stock: null }] });
	c = await h.product({ title: "Cheese", variants: [{ sku: "CHEESE", price: 700, stock: null }] });
});
afterAll(() => h.close());

let seq = 0;
const shopper = () => ({ user: `usr_merge_${++seq}`, roles: ["customer"] });
const add = (init: { caller?: typeof ANON; token?: string }, id: string, quantity: number) =>
	h.call("POST", "/cart/lines", { ...init, body: { variantId: id, quantity } });
const quantities = (cart: Cart) => Object.fromEntries(cart.lines.map((l) => [l.sku, l.quantity]));

describe("guest → customer merge", () => {
	test("sums quantities, caps at 99, deletes the guest cart, and is idempotent", async () => {
		const token = guestToken();
		const me = shopper();
		expect((await add({ caller: ANON, token }, variantId(a), 60)).status).toBe(200);
		await add({ caller: ANON, token }, variantId(b), 2);
		await add({ caller: ANON, token }, variantId(c), 1);
		const guestCart = await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token }));
		expect(guestCart.owner).toBe("guest");
		expect(guestCart.expiresAt).not.toBeNull();

		await add({ caller: me }, variantId(a), 50);
		await add({ caller: me }, variantId(b), 1);

		const res = await h.call("POST", "/cart/merge", { caller: me, token });
		expect(res.status).toBe(200);
		const merged = await body<MergeResult>(res);
		expect(merged).toMatchObject({ mergedLines: 3, cappedLines: 1, droppedLines: 0 });
		expect(quantities(merged.cart)).toEqual({ APPLE: 99, BREAD: 3, CHEESE: 1 });
		expect(merged.cart.owner).toBe("customer");
		expect(merged.cart.expiresAt).toBeNull();

		// The guest cart is gone: its token now reads an empty cart.
		const after = await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token }));
		expect(after).toMatchObject({ id: null, lines: [] });

		// Again (a retried login): nothing more is merged, nothing changes.
		const again = await body<MergeResult>(await h.call("POST", "/cart/merge", { caller: me, token }));
		expect(again).toMatchObject({ mergedLines: 0, cappedLines: 0, droppedLines: 0 });
		expect(again.cart).toEqual(merged.cart);
	});

	test("a discount code the guest applied comes along, unless the customer's cart has one", async () => {
		const token = guestToken();
		const me = shopper();
		await add({ caller: ANON, token }, variantId(a), 1);
		await add({ caller: me }, variantId(b), 1);
		// Set as the promotion module's check would leave it (this harness wires no promotions).
		await exec(h.cart.context.database, "UPDATE carts SET coupon_code = 'GUEST-CODE' WHERE owner_kind = 'guest'");
		const merged = await body<MergeResult>(await h.call("POST", "/cart/merge", { caller: me, token }));
		expect(merged.cart.couponCode).toBe("GUEST-CODE");
	});

	test("a customer without a cart takes the guest cart over as it is", async () => {
		const token = guestToken();
		const me = shopper();
		await add({ caller: ANON, token }, variantId(b), 4);
		const guestCart = await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token }));
		const merged = await h.cart.mergeGuestIntoCustomer(token, me.user);
		expect(merged.mergedLines).toBe(1);
		expect(merged.cart.id).toBe(guestCart.id);
		expect(quantities(merged.cart)).toEqual({ BREAD: 4 });
		expect((await h.cart.getCart({ kind: "guest", token })).lines).toEqual([]);
		expect((await h.cart.mergeGuestIntoCustomer(token, me.user)).mergedLines).toBe(0);
	});

	test("concurrent merges of one guest cart merge it once", async () => {
		const token = guestToken();
		const me = shopper();
		await add({ caller: ANON, token }, variantId(c), 5);
		await add({ caller: me }, variantId(c), 1);
		const results = await Promise.all([1, 2, 3].map(() => h.cart.mergeGuestIntoCustomer(token, me.user)));
		expect(results.map((r) => r.mergedLines).sort()).toEqual([0, 0, 1]);
		expect(quantities(await h.cart.getCart({ kind: "customer", userId: me.user }))).toEqual({ CHEESE: 6 });
	});

	test("the merged cart keeps at most 100 lines; the rest are reported dropped", async () => {
		const many = await h.product({
			title: "Stickers",
			variants: Array.from({ length: 99 }, (_, i) => ({ sku: `STICKER-${i}`, price: 100, stock: null })),
		});
		const me = shopper();
		for (const v of many.variants) await h.cart.addLine({ kind: "customer", userId: me.user }, { variantId: v.id });
		const token = guestToken();
		const guest = { kind: "guest", token } as const;
		await h.cart.addLine(guest, { variantId: variantId(a), quantity: 2 });
		await h.cart.addLine(guest, { variantId: variantId(b), quantity: 2 });
		await h.cart.addLine(guest, { variantId: many.variants[0]?.id as string, quantity: 3 });
		const merged = await h.cart.mergeGuestIntoCustomer(token, me.user);
		expect(merged).toMatchObject({ mergedLines: 2, droppedLines: 1, cappedLines: 0 });
		expect(merged.cart.lines).toHaveLength(100);
		expect(quantities(merged.cart)["STICKER-0"]).toBe(4);
		expect(quantities(merged.cart).APPLE).toBe(2);
		expect(quantities(merged.cart).BREAD).toBeUndefined();
		// Adding a 101st line is refused.
		const res = await h.call("POST", "/cart/lines", { caller: me, body: { variantId: variantId(c) } });
		expect(res.status).toBe(422);
	});

	test("merge needs a signed-in customer and a well-formed token", async () => {
		const token = guestToken();
		await add({ caller: ANON, token }, variantId(a), 1);
		expect((await h.call("POST", "/cart/merge", { caller: ANON, token })).status).toBe(401);
		expect((await h.call("POST", "/cart/merge", { caller: shopper() })).status).toBe(400);
		expect((await h.call("POST", "/cart/merge", { caller: shopper(), token: "short" })).status).toBe(400);
		// The guest cart is untouched by the refused attempts.
		expect((await h.cart.getCart({ kind: "guest", token })).lines).toHaveLength(1);
	});
});
