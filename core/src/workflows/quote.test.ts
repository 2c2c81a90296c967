import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { and, eq } from "drizzle-orm";
import { products, variantPrices, variants } from "../catalog/schema";
import { json } from "../testing/harness";
import { decideSandbox } from "./testing/journey";
import { ADDRESS, checkoutBody, eventually, registerCustomer, type Stack, stack } from "./testing/stack";

// POST /checkout/quote (what the review shows) against the order POST /checkout then places, and
// a declined payment tried again under the same Idempotency-Key, through the real composed core.

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

async function stockedVariant(skip: number) {
	const rows = await s.core.catalog.catalog.database.db
		.select({ id: variants.id, sku: variants.sku })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(and(eq(products.status, "active"), eq(products.kind, "physical"), eq(variants.inStock, true)));
	const picked: typeof rows = [];
	for (const r of rows) {
		const { items } = await s.core.inventory.availability([{ sku: r.sku }]);
		if ((items[0]?.available ?? 0) >= 10) picked.push(r);
		if (picked.length > skip) break;
	}
	const found = picked[skip];
	if (!found) throw new Error("no stocked variant");
	return found;
}

async function addLine(caller: Caller, variantId: string, quantity: number) {
	const res = await s.call("POST", "/cart/lines", { caller, body: { variantId, quantity } });
	expect(res.status).toBe(200);
}

type QuoteAnswer = {
	currency: string;
	subtotal: number;
	lines: { sku: string; quantity: number }[];
	options: { method: string; shipping: number; tax: number; total: number; free: boolean }[];
	selected: { method: string; total: number } | null;
};
type CheckoutAnswer = {
	order: { id: string; status: string; total: number; subtotal: number; shippingAmount: number; taxAmount: number };
	payment: { id: string; redirectUrl: string; status: string };
};

describe("checkout quote", () => {
	test("quotes every method; the placed order charges exactly the selected option", async () => {
		const ann = await registerCustomer(s, "Ann");
		const line = await stockedVariant(0);
		await addLine(ann, line.id, 2);

		const res = await s.call("POST", "/checkout/quote", {
			caller: ann,
			body: { address: ADDRESS, shippingMethod: "express" },
		});
		expect(res.status).toBe(200);
		const quote = await json<QuoteAnswer>(res);
		expect(quote.lines).toEqual([expect.objectContaining({ sku: line.sku, quantity: 2 })]);
		expect(quote.options.map((o) => o.method)).toEqual(["standard", "express"]);
		for (const o of quote.options) expect(o.total).toBe(quote.subtotal + o.shipping + o.tax);
		expect(quote.selected?.method).toBe("express");

		// Quoting holds nothing and the cart is unchanged: the order is placed from it as quoted.
		const placed = await s.call("POST", "/checkout", {
			caller: ann,
			body: checkoutBody({ shippingMethod: "express" }),
			headers: { "idempotency-key": "quote-ann-00001" },
		});
		expect(placed.status).toBe(201);
		const { order } = await json<CheckoutAnswer>(placed);
		const express = quote.options.find((o) => o.method === "express");
		expect(order.total).toBe(express?.total ?? -1);
		expect(order.shippingAmount).toBe(express?.shipping ?? -1);
		expect(order.taxAmount).toBe(express?.tax ?? -1);
	});

	test("an address book entry of the customer's own, never another's", async () => {
		const ben = await registerCustomer(s, "Ben");
		const cy = await registerCustomer(s, "Cy");
		await addLine(ben, (await stockedVariant(1)).id, 1);
		const added = await s.call("POST", "/identity/me/addresses", {
			caller: cy,
			body: { recipient: "Cy", line1: "2 Elm St", city: "Berlin", postalCode: "10115", country: "DE" },
		});
		expect(added.status).toBe(201);
		const cyAddress = await json<{ id: string }>(added);
		const stolen = await s.call("POST", "/checkout/quote", { caller: ben, body: { addressId: cyAddress.id } });
		expect(stolen.status).toBe(404);

		const own = await s.call("POST", "/identity/me/addresses", {
			caller: ben,
			body: { recipient: "Ben", line1: "3 Oak Rd", city: "Paris", postalCode: "75001", country: "FR" },
		});
		const benAddress = await json<{ id: string }>(own);
		const quote = await json<QuoteAnswer>(
			await s.call("POST", "/checkout/quote", { caller: ben, body: { addressId: benAddress.id } }),
		);
		expect(quote.selected).toBeNull();
		// France: 20 % VAT on goods and shipping.
		for (const o of quote.options)
			expect(o.tax).toBe(Math.floor(((quote.subtotal + o.shipping) * 2000 + 5000) / 10000));
	});

	test("bad input and empty carts are 4xx", async () => {
		const dee = await registerCustomer(s, "Dee");
		const quote = (body: unknown, caller: Caller = dee) => s.call("POST", "/checkout/quote", { caller, body });
		expect((await quote({ address: ADDRESS })).status).toBe(409); // empty cart
		await addLine(dee, (await stockedVariant(2)).id, 1);
		expect((await quote({})).status).toBe(400);
		expect((await quote({ address: ADDRESS, addressId: "adr_01H00000000000000000000000" })).status).toBe(400);
		expect((await quote({ address: { ...ADDRESS, country: "USA" } })).status).toBe(400);
		expect((await quote({ address: ADDRESS, shippingMethod: "teleport" })).status).toBe(400);
		expect((await quote({ address: ADDRESS, total: 1 })).status).toBe(400);
		expect((await quote({ address: ADDRESS }, { user: "", roles: [] })).status).toBe(401);
	});
});

describe("a declined payment tried again", () => {
	test("the same key opens a new attempt, which pays the same order", async () => {
		const eve = await registerCustomer(s, "Eve");
		await addLine(eve, (await stockedVariant(3)).id, 1);
		const place = () =>
			s.call("POST", "/checkout", {
				caller: eve,
				body: checkoutBody(),
				headers: { "idempotency-key": "retry-eve-0001" },
			});
		const first = await json<CheckoutAnswer>(await place());
		expect((await decideSandbox(s, eve, first.payment.redirectUrl, "decline")).status).toBe(200);
		await eventually(
			async () => ((await s.core.payments.getPayment(first.payment.id)).status === "failed" ? true : undefined),
			5_000,
			"payment failed",
		);

		const again = await place();
		expect(again.status).toBe(201);
		const second = await json<CheckoutAnswer>(again);
		expect(second.order.id).toBe(first.order.id);
		expect(second.payment.id).not.toBe(first.payment.id);
		expect(second.payment.redirectUrl).not.toBe(first.payment.redirectUrl);
		// A double click on "try again" is the same attempt.
		expect((await json<CheckoutAnswer>(await place())).payment.id).toBe(second.payment.id);

		expect((await decideSandbox(s, eve, second.payment.redirectUrl, "approve")).status).toBe(200);
		await eventually(
			async () => {
				const order = await json<{ status: string }>(await s.call("GET", `/orders/${first.order.id}`, { caller: eve }));
				return order.status === "paid" ? order : undefined;
			},
			5_000,
			"order paid",
		);
		// Paid: the key answers with the paid order and its successful payment.
		const replay = await json<CheckoutAnswer>(await place());
		expect(replay.order.status).toBe("paid");
		expect(replay.payment.id).toBe(second.payment.id);
	});
});
