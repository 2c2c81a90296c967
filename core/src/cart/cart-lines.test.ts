import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Product } from "@bazaar/contracts";
import type { Cart } from "@bazaar/contracts/cart";
import { toOrderLines } from "./cart-for-checkout";
import { ALICE, body, type CartHarness, cartHarness, customer, variantId } from "./testing/fixtures";

let h: CartHarness;
let mug: Product;
let shirt: Product;

beforeAll(async () => {
	h = await cartHarness();
	mug = await h.product({ title: "Mug", variants: [{ sku: "MUG-1", price: 1250, stock: null }] });
	shirt = await h.product({
		title: "Shirt",
		variants: [
			{ sku: "SHIRT-S", price: 1999 },
			{ sku: "SHIRT-M", price: 2199 },
		],
	});
});
afterAll(() => h.close());

const cartOf = async (caller = ALICE) => body<Cart>(await h.call("GET", "/cart", { caller }));

describe("cart lines", () => {
	test("an empty cart before anything is added", async () => {
		const res = await h.call("GET", "/cart");
		expect(res.status).toBe(200);
		const cart = await body<Cart>(res);
		expect(cart).toMatchObject({ id: null, lines: [], itemCount: 0, subtotal: { amount: 0, currency: "EUR" } });
		expect(cart.checkoutReady).toBe(false);
	});

	test("add, add the same variant again, update, remove, clear", async () => {
		let res = await h.call("POST", "/cart/lines", { body: { variantId: variantId(mug), quantity: 2 } });
		expect(res.status).toBe(200);
		let cart = await body<Cart>(res);
		expect(cart.id).toMatch(/^cart_[0-9A-Z]{26}$/);
		expect(cart.owner).toBe("customer");
		expect(cart.lines).toHaveLength(1);
		expect(cart.lines[0]).toMatchObject({
			variantId: variantId(mug),
			sku: "MUG-1",
			productTitle: "Mug",
			productSlug: mug.slug,
			quantity: 2,
			unitPrice: { amount: 1250, currency: "EUR" },
			lineTotal: { amount: 2500, currency: "EUR" },
			available: true,
			status: "ok",
			message: null,
			weightGrams: 250,
			kind: "physical",
		});

		// The same variant again grows its line; quantity defaults to 1.
		cart = await body<Cart>(await h.call("POST", "/cart/lines", { body: { variantId: variantId(mug) } }));
		expect(cart.lines).toHaveLength(1);
		expect(cart.lines[0]?.quantity).toBe(3);

		cart = await body<Cart>(
			await h.call("POST", "/cart/lines", { body: { variantId: variantId(shirt, 1), quantity: 1 } }),
		);
		expect(cart.lines.map((l) => l.variantId)).toEqual([variantId(mug), variantId(shirt, 1)]);
		expect(cart.itemCount).toBe(4);
		expect(cart.subtotal).toEqual({ amount: 3 * 1250 + 2199, currency: "EUR" });
		expect(cart.checkoutReady).toBe(true);
		const revision = cart.revision;

		res = await h.call("PATCH", `/cart/lines/${variantId(mug)}`, { body: { quantity: 5 } });
		expect(res.status).toBe(200);
		cart = await body<Cart>(res);
		expect(cart.lines[0]?.quantity).toBe(5);
		expect(cart.subtotal.amount).toBe(5 * 1250 + 2199);
		expect(cart.revision).toBe(revision + 1);

		res = await h.call("DELETE", `/cart/lines/${variantId(mug)}`);
		expect(res.status).toBe(200);
		cart = await body<Cart>(res);
		expect(cart.lines.map((l) => l.variantId)).toEqual([variantId(shirt, 1)]);

		res = await h.call("DELETE", `/cart/lines/${variantId(mug)}`);
		expect(res.status).toBe(404);
		expect(res.headers.get("content-type")).toContain("application/problem+json");
		res = await h.call("PATCH", `/cart/lines/${variantId(mug)}`, { body: { quantity: 1 } });
		expect(res.status).toBe(404);

		res = await h.call("DELETE", "/cart");
		expect(res.status).toBe(200);
		cart = await body<Cart>(res);
		expect(cart.lines).toEqual([]);
		expect(cart.subtotal.amount).toBe(0);
		// Clearing an empty cart is fine too.
		expect((await h.call("DELETE", "/cart")).status).toBe(200);
	});

	test("quantity bounds: 400 problem and nothing changes", async () => {
		await h.call("POST", "/cart/lines", { body: { variantId: variantId(shirt, 0), quantity: 1 } });
		const before = await cartOf();
		const bad: unknown[] = [0, -1, 100, 1.5, 1e308, 2 ** 53, "2", null, true, [], {}];
		for (const quantity of bad) {
			for (const [method, path, payload] of [
				["POST", "/cart/lines", { variantId: variantId(mug), quantity }],
				["PATCH", `/cart/lines/${variantId(shirt, 0)}`, { quantity }],
			] as const) {
				const res = await h.call(method, path, { body: payload });
				expect({ quantity, method, status: res.status }).toEqual({ quantity, method, status: 400 });
				const problem = await body<{ status: number; title: string }>(res);
				expect(problem.status).toBe(400);
			}
		}
		expect(await cartOf()).toEqual(before);
	});

	test("a line never exceeds 99 units: adding past it is refused whole", async () => {
		await h.call("DELETE", "/cart");
		await h.call("POST", "/cart/lines", { body: { variantId: variantId(mug), quantity: 40 } });
		await h.call("POST", "/cart/lines", { body: { variantId: variantId(mug), quantity: 49 } });
		const res = await h.call("POST", "/cart/lines", { body: { variantId: variantId(mug), quantity: 20 } });
		expect(res.status).toBe(422);
		expect((await cartOf()).lines[0]?.quantity).toBe(89);
	});

	test("unknown variants: 404 problem, malformed ids 400 (body) or 404 (path)", async () => {
		const before = await cartOf();
		let res = await h.call("POST", "/cart/lines", {
			body: { variantId: "var_01JUNKNOWNUNKNOWNUNKNOWN00", quantity: 1 },
		});
		expect(res.status).toBe(404);
		expect(res.headers.get("content-type")).toContain("application/problem+json");
		res = await h.call("POST", "/cart/lines", { body: { variantId: "'; DROP TABLE carts; --", quantity: 1 } });
		expect(res.status).toBe(400);
		res = await h.call("PATCH", "/cart/lines/not-a-variant", { body: { quantity: 1 } });
		expect(res.status).toBe(404);
		res = await h.call("DELETE", "/cart/lines/var_01JUNKNOWNUNKNOWNUNKNOWN00");
		expect(res.status).toBe(404);
		expect(await cartOf()).toEqual(before);
	});

	test("the verbs work without HTTP, for the order workflow", async () => {
		const owner = customer({ user: "usr_verbs", roles: [] });
		await h.cart.addLine(owner, { variantId: variantId(shirt, 0), quantity: 2 });
		await h.cart.addLine(owner, { variantId: variantId(mug), quantity: 1 });
		const checkout = await h.cart.cartForCheckout(owner);
		expect(checkout.lines.map((l) => [l.sku, l.quantity, l.lineTotal.amount])).toEqual([
			["SHIRT-S", 2, 3998],
			["MUG-1", 1, 1250],
		]);
		expect(checkout.subtotal).toEqual({ amount: 5248, currency: "EUR" });
		expect(checkout.weightGrams).toBe(750);
		expect(checkout.itemCount).toBe(3);
		expect(toOrderLines(checkout)[0]).toEqual({
			variantId: variantId(shirt, 0),
			sku: "SHIRT-S",
			title: "Shirt (V1)",
			unitPrice: 1999,
			quantity: 2,
			weightGrams: 250,
		});
		await h.cart.clear(owner);
		await expect(h.cart.cartForCheckout(owner)).rejects.toMatchObject({ status: 409 });
	});
});
