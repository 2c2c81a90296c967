import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CART_CURRENCY_HEADER, type Cart, type CartLine } from "@bazaar/contracts/cart";
import { ANON, body, type CartHarness, cartHarness, variantId } from "./testing/fixtures";

// The shopper's market picks the cart's currency (the edge sends it in x-bazaar-currency): a new
// cart is made in it, adding from another market's page switches the cart, and changing market
// re-prices it (PUT /cart/currency). Never converted: a line not sold in the new currency stays,
// flagged, and blocks checkout.

let h: CartHarness;
beforeAll(async () => {
	h = await cartHarness();
});
afterAll(() => h.close());

let seq = 0;
const shopper = () => ({ user: `usr_currency_${++seq}`, roles: ["customer"] });
const lineOf = (cart: Cart, id: string) => cart.lines.find((l) => l.variantId === id) as CartLine;
const inCurrency = (currency: string) => ({ [CART_CURRENCY_HEADER]: currency });

describe("the cart's currency follows the shopper's market", () => {
	test("a new cart is made in the market's currency; an empty one reads in it", async () => {
		const caller = shopper();
		const mug = await h.product({
			title: "Mug",
			variants: [
				{
					sku: "CUR-MUG",
					prices: [
						{ amount: 1250, currency: "EUR" },
						{ amount: 1100, currency: "GBP" },
						{ amount: 1400, currency: "USD" },
					],
				},
			],
		});
		const empty = await body<Cart>(await h.call("GET", "/cart", { caller, headers: inCurrency("GBP") }));
		expect(empty.subtotal).toEqual({ amount: 0, currency: "GBP" });
		const res = await h.call("POST", "/cart/lines", {
			caller,
			headers: inCurrency("GBP"),
			body: { variantId: variantId(mug), quantity: 2 },
		});
		expect(res.status).toBe(200);
		const cart = await body<Cart>(res);
		expect(cart.currency).toBe("GBP");
		expect(cart.subtotal).toEqual({ amount: 2200, currency: "GBP" });
	});

	test("changing market re-prices every line; a line not sold there is flagged, never converted", async () => {
		const caller = shopper();
		const both = await h.product({
			title: "Teapot",
			variants: [
				{
					sku: "CUR-TEAPOT",
					prices: [
						{ amount: 3000, currency: "EUR" },
						{ amount: 2600, currency: "GBP" },
					],
				},
			],
		});
		const euroOnly = await h.product({
			title: "Espresso cups",
			variants: [{ sku: "CUR-CUPS", prices: [{ amount: 1800, currency: "EUR" }] }],
		});
		await h.call("POST", "/cart/lines", { caller, headers: inCurrency("EUR"), body: { variantId: variantId(both) } });
		await h.call("POST", "/cart/lines", {
			caller,
			headers: inCurrency("EUR"),
			body: { variantId: variantId(euroOnly) },
		});

		const before = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(before.currency).toBe("EUR");
		const res = await h.call("PUT", "/cart/currency", { caller, body: { currency: "GBP" } });
		expect(res.status).toBe(200);
		const cart = await body<Cart>(res);
		expect(cart.currency).toBe("GBP");
		expect(cart.revision).toBe(before.revision + 1);
		expect(lineOf(cart, variantId(both))).toMatchObject({
			status: "ok",
			unitPrice: { amount: 2600, currency: "GBP" },
			lineTotal: { amount: 2600, currency: "GBP" },
			quantity: 1,
		});
		expect(lineOf(cart, variantId(euroOnly))).toMatchObject({
			status: "not_sold_in_currency",
			message: "not sold in GBP",
			unitPrice: null,
			lineTotal: null,
			quantity: 1,
		});
		expect(cart.subtotal).toEqual({ amount: 2600, currency: "GBP" });
		expect(cart.checkoutReady).toBe(false);
		// No "price changed" warning compares a EUR price with a GBP one.
		expect(cart.warnings.filter((w) => w.status === "price_changed")).toEqual([]);

		// The same currency again changes nothing; switching back makes every line buyable again.
		const again = await body<Cart>(await h.call("PUT", "/cart/currency", { caller, body: { currency: "GBP" } }));
		expect(again.revision).toBe(cart.revision);
		const back = await body<Cart>(await h.call("PUT", "/cart/currency", { caller, body: { currency: "EUR" } }));
		expect(back.subtotal).toEqual({ amount: 4800, currency: "EUR" });
		expect(back.checkoutReady).toBe(true);
	});

	test("adding from another market's page switches the cart to that market's currency", async () => {
		const caller = shopper();
		const lamp = await h.product({
			title: "Desk lamp",
			variants: [
				{
					sku: "CUR-LAMP",
					prices: [
						{ amount: 4000, currency: "EUR" },
						{ amount: 4500, currency: "USD" },
					],
				},
			],
		});
		await h.call("POST", "/cart/lines", { caller, headers: inCurrency("USD"), body: { variantId: variantId(lamp) } });
		const cart = await body<Cart>(
			await h.call("POST", "/cart/lines", { caller, headers: inCurrency("EUR"), body: { variantId: variantId(lamp) } }),
		);
		expect(cart.currency).toBe("EUR");
		expect(lineOf(cart, variantId(lamp))).toMatchObject({ quantity: 2, unitPrice: { amount: 4000, currency: "EUR" } });
	});

	test("a variant without a price in the market's currency cannot be added there", async () => {
		const caller = shopper();
		const p = await h.product({
			title: "Cricket bat",
			variants: [{ sku: "CUR-BAT", prices: [{ amount: 9000, currency: "GBP" }] }],
		});
		const res = await h.call("POST", "/cart/lines", {
			caller,
			headers: inCurrency("USD"),
			body: { variantId: variantId(p) },
		});
		expect(res.status).toBe(422);
		const empty = await body<Cart>(await h.call("GET", "/cart", { caller, headers: inCurrency("USD") }));
		expect(empty.lines).toEqual([]);
	});

	test("bad input is a 4xx problem and changes nothing", async () => {
		const caller = shopper();
		let res = await h.call("PUT", "/cart/currency", { caller, body: { currency: "euro" } });
		expect(res.status).toBe(400);
		expect(res.headers.get("content-type")).toContain("application/problem+json");
		res = await h.call("GET", "/cart", { caller, headers: inCurrency("eur") });
		expect(res.status).toBe(400);
		res = await h.call("PUT", "/cart/currency", { caller: ANON, body: { currency: "EUR" } });
		expect(res.status).toBe(401);
	});
});
