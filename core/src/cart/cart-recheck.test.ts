import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ProductPatch } from "@bazaar/contracts";
import type { Cart, CartLine } from "@bazaar/contracts/cart";
import { updateProduct } from "../catalog/update-product";
import { updateVariant } from "../catalog/update-variant";
import { body, type CartHarness, cartHarness, customer, variantId } from "./testing/fixtures";

// Every read re-checks the catalog and the inventory: what changed there since a line was
// added shows on the next read, line by line, with a message for the shopper.

let h: CartHarness;
beforeAll(async () => {
	h = await cartHarness();
});
afterAll(() => h.close());

let seq = 0;
const shopper = () => ({ user: `usr_recheck_${++seq}`, roles: ["customer"] });
const lineOf = (cart: Cart, id: string) => cart.lines.find((l) => l.variantId === id) as CartLine;

describe("re-checked on every read", () => {
	test("a price change shows on the next read (the cart keeps no prices)", async () => {
		const caller = shopper();
		const p = await h.product({ title: "Lamp", variants: [{ sku: "LAMP-1", price: 4000 }] });
		await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(p), quantity: 2 } });
		await updateVariant(h.catalog, variantId(p), { prices: [{ amount: 3500, currency: "EUR" }] });
		const cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, variantId(p))).toMatchObject({
			unitPrice: { amount: 3500, currency: "EUR" },
			lineTotal: { amount: 7000, currency: "EUR" },
		});
		expect(cart.subtotal).toEqual({ amount: 7000, currency: "EUR" });
		expect(Number.isInteger(cart.subtotal.amount)).toBe(true);
	});

	test("an archived product's line says so, stays in the cart and leaves the subtotal", async () => {
		const caller = shopper();
		const gone = await h.product({ title: "Old radio", variants: [{ sku: "RADIO-1", price: 900 }] });
		const kept = await h.product({ title: "Kettle", variants: [{ sku: "KETTLE-1", price: 3000 }] });
		await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(gone) } });
		await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(kept) } });
		await h.archive(gone.id);
		const cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, variantId(gone))).toMatchObject({
			status: "unavailable",
			available: false,
			message: "no longer available",
			productTitle: "Old radio",
		});
		expect(cart.lines).toHaveLength(2);
		expect(cart.subtotal.amount).toBe(3000);
		expect(cart.itemCount).toBe(2);
		expect(cart.checkoutReady).toBe(false);
		expect(cart.warnings).toEqual([
			{ variantId: variantId(gone), slot: null, status: "unavailable", message: "no longer available" },
		]);

		// It cannot be added again or raised, but it can be lowered or removed.
		let res = await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(gone) } });
		expect(res.status).toBe(422);
		res = await h.call("PATCH", `/cart/lines/${variantId(gone)}`, { caller, body: { quantity: 2 } });
		expect(res.status).toBe(422);
		await expect(h.cart.cartForCheckout(customer(caller))).rejects.toMatchObject({
			status: 409,
			errors: [{ path: variantId(gone), message: "no longer available" }],
		});
		res = await h.call("DELETE", `/cart/lines/${variantId(gone)}`, { caller });
		expect(res.status).toBe(200);
		expect((await h.cart.cartForCheckout(customer(caller))).lines).toHaveLength(1);
	});

	test("a product put back to draft reads as no longer available", async () => {
		const caller = shopper();
		const p = await h.product({ title: "Vase", variants: [{ sku: "VASE-1" }] });
		await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(p) } });
		await updateProduct(h.catalog, p.id, ProductPatch.parse({ status: "draft" }));
		const cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, variantId(p))).toMatchObject({ status: "unavailable", message: "no longer available" });
	});

	test("a draft product cannot be added at all", async () => {
		const p = await h.product({ title: "Secret", status: "draft", variants: [{ sku: "SECRET-1" }] });
		const res = await h.call("POST", "/cart/lines", { caller: shopper(), body: { variantId: variantId(p) } });
		expect(res.status).toBe(422);
	});

	test("stock: few left, fewer than the line asks, sold out", async () => {
		const caller = shopper();
		const p = await h.product({ title: "Chair", variants: [{ sku: "CHAIR-1", price: 5000, stock: 10 }] });
		const id = variantId(p);
		await h.call("POST", "/cart/lines", { caller, body: { variantId: id, quantity: 4 } });
		let cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, id)).toMatchObject({ status: "ok", available: true, availableQuantity: 10, message: null });

		await h.inv.adjustStock("CHAIR-1", { delta: -5, reason: "damaged" }, "test");
		cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, id)).toMatchObject({ status: "low_stock", available: true, message: "only 5 left" });

		await h.inv.adjustStock("CHAIR-1", { delta: -2, reason: "recount" }, "test");
		cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, id)).toMatchObject({
			status: "insufficient_stock",
			available: false,
			availableQuantity: 3,
			message: "only 3 left",
		});
		expect(cart.subtotal.amount).toBe(0);
		expect(cart.warnings[0]?.message).toBe("only 3 left");
		// Raising the line is refused with the count; coming down to what is left is not.
		let res = await h.call("PATCH", `/cart/lines/${id}`, { caller, body: { quantity: 5 } });
		expect(res.status).toBe(409);
		expect((await body<{ detail: string }>(res)).detail).toContain("only 3 left");
		res = await h.call("PATCH", `/cart/lines/${id}`, { caller, body: { quantity: 3 } });
		expect(res.status).toBe(200);
		expect(lineOf(await body<Cart>(res), id)).toMatchObject({ status: "low_stock", available: true });

		await h.inv.adjustStock("CHAIR-1", { delta: -3, reason: "sold elsewhere" }, "test");
		cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, id)).toMatchObject({ status: "sold_out", available: false, message: "sold out" });
		res = await h.call("POST", "/cart/lines", { caller: shopper(), body: { variantId: id } });
		expect(res.status).toBe(409);
	});

	test("unlimited stock never warns; a SKU the inventory does not know reads as sold out", async () => {
		const caller = shopper();
		const ebook = await h.product({ title: "E-book", variants: [{ sku: "EBOOK-1", stock: null }] });
		await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(ebook), quantity: 99 } });
		const cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, variantId(ebook))).toMatchObject({ status: "ok", availableQuantity: null, available: true });

		const stray = await h.product({ title: "Stray", variants: [{ sku: "STRAY-1", stock: false }] });
		const port = await h.cart.context.inventory.availability(["EBOOK-1", "STRAY-1"]);
		expect(port.get("EBOOK-1")).toEqual({ available: null });
		expect(port.has("STRAY-1")).toBe(false);
		const res = await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(stray) } });
		expect(res.status).toBe(409);
		expect((await body<{ detail: string }>(res)).detail).toContain("sold out");
	});

	test("a variant not priced in the cart's currency: refused on add, flagged on read", async () => {
		const caller = shopper();
		const usdOnly = await h.product({
			title: "Import",
			variants: [{ sku: "IMPORT-1", prices: [{ amount: 1000, currency: "USD" }] }],
		});
		const res = await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(usdOnly) } });
		expect(res.status).toBe(422);
		expect((await body<{ detail: string }>(res)).detail).toContain("not sold in EUR");

		const p = await h.product({ title: "Poster", variants: [{ sku: "POSTER-1", price: 800 }] });
		await h.call("POST", "/cart/lines", { caller, body: { variantId: variantId(p) } });
		await updateVariant(h.catalog, variantId(p), { prices: [{ amount: 900, currency: "USD" }] });
		const cart = await body<Cart>(await h.call("GET", "/cart", { caller }));
		expect(lineOf(cart, variantId(p))).toMatchObject({
			status: "not_sold_in_currency",
			available: false,
			unitPrice: null,
			lineTotal: null,
			message: "not sold in EUR",
		});
	});
});
