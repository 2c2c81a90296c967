import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Product } from "@bazaar/contracts";
import { Cart, type CartLine, MergeResult } from "@bazaar/contracts/cart";
import type { Caller } from "@bazaar/signature";
import { updateVariant } from "../catalog/update-variant";
import { ANON, body, type CartHarness, cartHarness, customer, guestToken, variantId } from "./testing/fixtures";

// A line remembers the unit price the shopper added it at; a read whose catalog price differs
// says so (line.priceChange and a `price_changed` warning) until the shopper adds more or
// changes the quantity, having then seen the new price.

let h: CartHarness;
let seq = 0;
const shopper = (): Caller => ({ user: `usr_price_${++seq}`, roles: ["customer"] });

beforeAll(async () => {
	h = await cartHarness();
});
afterAll(() => h.close());

/** A product of one variant at `price` (EUR cents), `stock` units (null: unlimited). */
async function item(title: string, price: number, stock: number | null = null): Promise<Product> {
	return h.product({ title, variants: [{ sku: `${title.toUpperCase()}-${++seq}`, price, stock }] });
}
const reprice = (p: Product, amount: number) => updateVariant(h.catalog, variantId(p), { prices: [eur(amount)] });
const eur = (amount: number) => ({ amount, currency: "EUR" });

async function cartOf(init: { caller?: Caller; token?: string }): Promise<Cart> {
	const res = await h.call("GET", "/cart", init);
	expect(res.status).toBe(200);
	return Cart.parse(await body(res));
}
const lineOf = (cart: Cart, p: Product): CartLine => {
	const line = cart.lines.find((l) => l.variantId === variantId(p));
	if (!line) throw new Error(`no line of ${p.title}`);
	return line;
};
const priceWarnings = (cart: Cart) => cart.warnings.filter((w) => w.status === "price_changed");
async function add(init: { caller?: Caller; token?: string }, p: Product, quantity = 1) {
	const res = await h.call("POST", "/cart/lines", { ...init, body: { variantId: variantId(p), quantity } });
	expect(res.status).toBe(200);
	return Cart.parse(await body(res));
}

describe("the price a line was added at", () => {
	test("a line notes it; while the price stands, nothing is said", async () => {
		const me = shopper();
		const mug = await item("Mug", 1250);
		const cart = await add({ caller: me }, mug, 2);
		expect(lineOf(cart, mug)).toMatchObject({ unitPrice: eur(1250), addedUnitPrice: eur(1250), priceChange: null });
		expect(cart.warnings).toEqual([]);
	});

	test("raised after the add: the line and the cart's warnings say from what to what", async () => {
		const me = shopper();
		const mug = await item("Mug", 1250);
		await add({ caller: me }, mug, 2);
		await reprice(mug, 1400);
		const cart = await cartOf({ caller: me });
		expect(lineOf(cart, mug)).toMatchObject({
			unitPrice: eur(1400),
			lineTotal: eur(2800),
			addedUnitPrice: eur(1250),
			priceChange: { from: eur(1250), to: eur(1400) },
			// Not a status of its own: the line is bought at the new price as it stands.
			status: "ok",
			available: true,
			message: null,
		});
		expect(cart.warnings).toEqual([
			{
				variantId: variantId(mug),
				slot: null,
				status: "price_changed",
				message: "price changed from €12.50 to €14.00 since you added it",
				from: eur(1250),
				to: eur(1400),
			},
		]);
		expect(cart.subtotal).toEqual(eur(2800));
		expect(cart.checkoutReady).toBe(true);
		// The order is priced now, as before.
		expect((await h.cart.cartForCheckout(customer(me))).lines[0]?.unitPrice).toEqual(eur(1400));
	});

	test("lowered after the add: told as well", async () => {
		const me = shopper();
		const mug = await item("Mug", 1250);
		await add({ caller: me }, mug);
		await reprice(mug, 999);
		const cart = await cartOf({ caller: me });
		expect(lineOf(cart, mug).priceChange).toEqual({ from: eur(1250), to: eur(999) });
		expect(priceWarnings(cart)).toEqual([
			expect.objectContaining({ from: eur(1250), to: eur(999), message: expect.stringContaining("€9.99") }),
		]);
	});

	test("changed twice: from the price added at; back to it: nothing to say", async () => {
		const me = shopper();
		const mug = await item("Mug", 1250);
		await add({ caller: me }, mug);
		await reprice(mug, 1400);
		await reprice(mug, 1300);
		expect(lineOf(await cartOf({ caller: me }), mug).priceChange).toEqual({ from: eur(1250), to: eur(1300) });
		await reprice(mug, 1250);
		const cart = await cartOf({ caller: me });
		expect(lineOf(cart, mug).priceChange).toBeNull();
		expect(cart.warnings).toEqual([]);
	});

	test("a line that cannot be bought says only that; a low-stock line says both", async () => {
		const me = shopper();
		const few = await item("Lamp", 5000, 3);
		const gone = await item("Radio", 2000);
		await add({ caller: me }, few);
		await add({ caller: me }, gone);
		await reprice(few, 4500);
		await reprice(gone, 2500);
		await h.archive(gone.id);
		const cart = await cartOf({ caller: me });
		expect(cart.warnings).toEqual([
			{ variantId: variantId(few), slot: null, status: "low_stock", message: "only 3 left" },
			expect.objectContaining({ variantId: variantId(few), status: "price_changed", from: eur(5000), to: eur(4500) }),
			{ variantId: variantId(gone), slot: null, status: "unavailable", message: "no longer available" },
		]);
		expect(lineOf(cart, gone)).toMatchObject({ unitPrice: eur(2500), addedUnitPrice: eur(2000), priceChange: null });
	});
});

describe("the shopper has seen the new price", () => {
	test("changing the quantity (up, down, or to the same number) clears the warning", async () => {
		const me = shopper();
		const [a, b, c] = [await item("Apples", 300), await item("Bread", 250), await item("Cheese", 700)];
		for (const p of [a, b, c]) await add({ caller: me }, p, 3);
		await reprice(a, 350);
		await reprice(b, 200);
		await reprice(c, 800);
		expect(priceWarnings(await cartOf({ caller: me }))).toHaveLength(3);

		const patch = async (p: Product, quantity: number) => {
			const res = await h.call("PATCH", `/cart/lines/${variantId(p)}`, { caller: me, body: { quantity } });
			expect(res.status).toBe(200);
			return Cart.parse(await body(res));
		};
		let cart = await patch(a, 5);
		expect(lineOf(cart, a)).toMatchObject({ quantity: 5, addedUnitPrice: eur(350), priceChange: null });
		cart = await patch(b, 1);
		expect(lineOf(cart, b)).toMatchObject({ quantity: 1, addedUnitPrice: eur(200), priceChange: null });
		cart = await patch(c, 3);
		expect(lineOf(cart, c)).toMatchObject({ quantity: 3, addedUnitPrice: eur(800), priceChange: null });
		expect(cart.warnings).toEqual([]);

		// A later change is told from the price the quantity was set at.
		await reprice(a, 400);
		expect(lineOf(await cartOf({ caller: me }), a).priceChange).toEqual({ from: eur(350), to: eur(400) });
	});

	test("adding more of the line clears it too", async () => {
		const me = shopper();
		const mug = await item("Mug", 1250);
		const first = await add({ caller: me }, mug);
		await reprice(mug, 1400);
		const cart = await add({ caller: me }, mug);
		expect(lineOf(cart, mug)).toMatchObject({ quantity: 2, addedUnitPrice: eur(1400), priceChange: null });
		// It keeps its place in the cart.
		expect(lineOf(cart, mug).addedAt).toBe(lineOf(first, mug).addedAt);
	});

	test("lowering a line no longer priced in the cart's currency keeps the price it was added at", async () => {
		const me = shopper();
		const radio = await item("Radio", 2000);
		await add({ caller: me }, radio, 2);
		await updateVariant(h.catalog, variantId(radio), { prices: [{ amount: 2100, currency: "USD" }] });
		const cart = await h.cart.setQuantity(customer(me), variantId(radio), { quantity: 1 });
		expect(lineOf(cart, radio)).toMatchObject({
			quantity: 1,
			status: "not_sold_in_currency",
			unitPrice: null,
			addedUnitPrice: eur(2000),
			priceChange: null,
		});
		// Sold in EUR again at another price: told from the price it was added at.
		await reprice(radio, 2200);
		expect(lineOf(await cartOf({ caller: me }), radio).priceChange).toEqual({ from: eur(2000), to: eur(2200) });
	});

	test("removing a line and adding it again starts from the price now", async () => {
		const me = shopper();
		const mug = await item("Mug", 1250);
		await add({ caller: me }, mug);
		await reprice(mug, 1400);
		await h.call("DELETE", `/cart/lines/${variantId(mug)}`, { caller: me });
		const cart = await add({ caller: me }, mug);
		expect(lineOf(cart, mug)).toMatchObject({ addedUnitPrice: eur(1400), priceChange: null });
	});
});

describe("guest → customer merge", () => {
	const merge = async (me: Caller, token: string) => {
		const res = await h.call("POST", "/cart/merge", { caller: me, token });
		expect(res.status).toBe(200);
		return MergeResult.parse(await body(res));
	};

	test("the same line in both carts keeps the older added price, whichever cart held it", async () => {
		const me = shopper();
		const token = guestToken();
		const older = await item("Tea", 500);
		const newer = await item("Jam", 400);
		// Tea: the customer's line is the older; Jam: the guest's is.
		await add({ caller: me }, older, 1);
		await add({ caller: ANON, token }, newer, 1);
		h.clock.offsetMs += 60_000;
		await reprice(older, 550);
		await reprice(newer, 450);
		await add({ caller: ANON, token }, older, 2);
		await add({ caller: me }, newer, 2);
		await reprice(older, 600);
		await reprice(newer, 480);

		const { cart } = await merge(me, token);
		expect(lineOf(cart, older)).toMatchObject({ quantity: 3, addedUnitPrice: eur(500) });
		expect(lineOf(cart, older).priceChange).toEqual({ from: eur(500), to: eur(600) });
		expect(lineOf(cart, newer)).toMatchObject({ quantity: 3, addedUnitPrice: eur(400) });
		expect(priceWarnings(cart).map((w) => [w.variantId, w.from.amount, w.to.amount])).toEqual([
			[variantId(older), 500, 600],
			[variantId(newer), 400, 480],
		]);
	});

	test("a guest line new to the customer's cart, or a whole guest cart taken over, keeps its price", async () => {
		const token = guestToken();
		const tea = await item("Tea", 500);
		await add({ caller: ANON, token }, tea);
		await reprice(tea, 520);
		// No customer cart: the guest's becomes theirs as it is.
		const { cart } = await merge(shopper(), token);
		expect(lineOf(cart, tea).priceChange).toEqual({ from: eur(500), to: eur(520) });

		const other = guestToken();
		const jam = await item("Jam", 400);
		const me = shopper();
		await add({ caller: me }, tea);
		await add({ caller: ANON, token: other }, jam);
		await reprice(jam, 380);
		const joined = (await merge(me, other)).cart;
		expect(lineOf(joined, jam).priceChange).toEqual({ from: eur(400), to: eur(380) });
		expect(lineOf(joined, tea).priceChange).toBeNull();
	});
});
