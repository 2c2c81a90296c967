import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { and, eq } from "drizzle-orm";
import { products, variantPrices, variants } from "../catalog/schema";
import { countStatements, enableStatementCounting } from "../lib/db";
import { json } from "../testing/harness";
import { decideSandbox } from "./testing/journey";
import { checkoutBody, eventually, registerCustomer, SHOP, type Stack, stack } from "./testing/stack";

// Before the stack opens its databases: statements are counted from the connection up.
enableStatementCounting();

// The checkout journey through the real composed core over HTTP: cart → checkout → the sandbox's
// hosted page → its signed webhook → the bus → order paid → inventory committed.

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

/** Active physical variants priced in USD with plenty of stock (first n distinct products). */
async function stockedVariants(n: number, skip = 0) {
	const rows = await s.core.catalog.catalog.database.db
		.select({ id: variants.id, sku: variants.sku, productId: products.id })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(and(eq(products.status, "active"), eq(products.kind, "physical"), eq(variants.inStock, true)));
	const picked: typeof rows = [];
	const seen = new Set<string>();
	for (const r of rows) {
		if (seen.has(r.productId)) continue;
		seen.add(r.productId);
		const { items } = await s.core.inventory.availability([{ sku: r.sku }]);
		if ((items[0]?.available ?? 0) >= 10) picked.push(r);
	}
	return picked.slice(skip, skip + n);
}

async function fillCart(caller: Caller, lines: { id: string }[]) {
	for (const [i, l] of lines.entries()) {
		const res = await s.call("POST", "/cart/lines", { caller, body: { variantId: l.id, quantity: i + 1 } });
		expect(res.status).toBe(200);
	}
}

const checkout = (caller: Caller, key: string | null, body: unknown = checkoutBody(), inProcess = false) =>
	s.call("POST", "/checkout", {
		caller,
		body,
		headers: key === null ? {} : { "idempotency-key": key },
		inProcess,
	});

type CheckoutAnswer = {
	order: { id: string; status: string; total: number; reservationId: string; customerId: string };
	payment: { id: string; redirectUrl: string; status: string };
};

/** The shopper's decision on the sandbox's page, as the edge forwards it: where the browser goes next. */
async function decide(caller: Caller, redirectUrl: string, decision: "approve" | "decline") {
	const res = await decideSandbox(s, caller, redirectUrl, decision);
	expect(res.status).toBe(200);
	return new URL((await json<{ location: string }>(res)).location);
}

describe("checkout", () => {
	test("register → two products → checkout → sandbox approve → webhook → order paid, stock committed", async () => {
		const alice = await registerCustomer(s, "Alice");
		const lines = await stockedVariants(2);
		expect(lines).toHaveLength(2);
		await fillCart(alice, lines);
		const before = await Promise.all(lines.map((l) => s.core.inventory.getStock(l.sku)));

		const measured = await countStatements(() => checkout(alice, "checkout-alice-0001", checkoutBody(), true));
		const res = measured.result;
		expect(res.status).toBe(201);
		console.log(
			`checkout SQL statements: ${measured.total} (${Object.entries(measured.counts)
				.map(([k, v]) => `${k} ${v}`)
				.join(", ")})`,
		);
		expect(measured.total).toBeLessThanOrEqual(25);

		const answer = await json<CheckoutAnswer>(res);
		expect(answer.order.status).toBe("pending_payment");
		expect(answer.order.customerId).toBe(alice.user);
		expect(answer.payment.redirectUrl).toStartWith(`${s.base}/payment/sandbox/pay/`);
		// The cart let go of the ordered lines.
		const cart = await json<{ itemCount: number }>(await s.call("GET", "/cart", { caller: alice }));
		expect(cart.itemCount).toBe(0);
		// Units are held (not yet sold).
		const held = await s.core.inventory.getReservation(answer.order.reservationId);
		expect(held.status).toBe("active");

		// The same key again: the same order and payment, nothing new held.
		const again = await checkout(alice, "checkout-alice-0001");
		expect(again.status).toBe(201);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		const replayed = await json<CheckoutAnswer>(again);
		expect(replayed.order.id).toBe(answer.order.id);
		expect(replayed.payment.id).toBe(answer.payment.id);
		// The same key for another checkout: 422.
		const other = await checkout(alice, "checkout-alice-0001", checkoutBody({ shippingMethod: "express" }));
		expect(other.status).toBe(422);

		// The shopper approves on the hosted page and is sent back to the shop.
		const location = await decide(alice, answer.payment.redirectUrl, "approve");
		expect(location.origin).toBe(SHOP);
		expect(location.searchParams.get("order")).toBe(answer.order.id);
		expect(location.searchParams.get("sandbox_status")).toBe("approved");

		// webhook → payment.succeeded → order paid → order.paid → reservation committed.
		const paid = await eventually(
			async () => {
				const o = await json<{ status: string; timeline: { to: string }[] }>(
					await s.call("GET", `/orders/${answer.order.id}`, { caller: alice }),
				);
				return o.status === "paid" ? o : undefined;
			},
			5_000,
			"order paid",
		);
		expect(paid.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid"]);
		await eventually(
			async () => {
				const r = await s.core.inventory.getReservation(answer.order.reservationId);
				return r.status === "committed" ? r : undefined;
			},
			5_000,
			"reservation committed",
		);
		const after = await Promise.all(lines.map((l) => s.core.inventory.getStock(l.sku)));
		after.forEach((stock, i) => {
			expect(stock.rows[0]?.sold).toBe((before[i]?.rows[0]?.sold ?? 0) + i + 1);
			expect(stock.rows[0]?.reserved).toBe(before[i]?.rows[0]?.reserved ?? 0);
		});
		expect((await s.core.inventory.reconcile(lines.map((l) => l.sku))).balanced).toBe(true);

		// Paid, the key still answers the same order.
		const late = await json<CheckoutAnswer>(await checkout(alice, "checkout-alice-0001"));
		expect(late.order.id).toBe(answer.order.id);
		expect(late.payment.id).toBe(answer.payment.id);

		// Someone else's order is not there at all.
		const bob = await registerCustomer(s, "Bob");
		expect((await s.call("GET", `/orders/${answer.order.id}`, { caller: bob })).status).toBe(404);
		expect((await s.call("POST", `/orders/${answer.order.id}/cancel`, { caller: bob })).status).toBe(404);
	});

	test("decline: the order waits for payment; cancelling it gives the units back", async () => {
		const carol = await registerCustomer(s, "Carol");
		const [line] = await stockedVariants(1, 2);
		if (!line) throw new Error("no stocked variant");
		await fillCart(carol, [line]);
		const before = (await s.core.inventory.availability([{ sku: line.sku }])).items[0]?.available ?? 0;
		const res = await checkout(carol, "checkout-carol-0001");
		expect(res.status).toBe(201);
		const answer = await json<CheckoutAnswer>(res);
		expect((await s.core.inventory.availability([{ sku: line.sku }])).items[0]?.available).toBe(before - 1);

		const back = await decide(carol, answer.payment.redirectUrl, "decline");
		expect(back.searchParams.get("sandbox_status")).toBe("declined");
		await eventually(
			async () => {
				const p = await s.core.payments.getPayment(answer.payment.id);
				return p.status === "failed" ? p : undefined;
			},
			5_000,
			"payment failed",
		);
		const order = await json<{ status: string }>(await s.call("GET", `/orders/${answer.order.id}`, { caller: carol }));
		expect(order.status).toBe("pending_payment");

		const cancelled = await s.call("POST", `/orders/${answer.order.id}/cancel`, { caller: carol });
		expect(cancelled.status).toBe(200);
		await eventually(
			async () => {
				const r = await s.core.inventory.getReservation(answer.order.reservationId);
				return r.status === "released" ? r : undefined;
			},
			5_000,
			"reservation released",
		);
		expect((await s.core.inventory.availability([{ sku: line.sku }])).items[0]?.available).toBe(before);
		// A cancelled checkout's key cannot be paid again.
		expect((await checkout(carol, "checkout-carol-0001")).status).toBe(409);
	});

	test("bad input is a 4xx and holds nothing", async () => {
		const dave = await registerCustomer(s, "Dave");
		const [line] = await stockedVariants(1, 3);
		if (!line) throw new Error("no stocked variant");
		await fillCart(dave, [line]);
		const before = await s.core.inventory.getStock(line.sku);

		expect((await checkout(dave, null)).status).toBe(428);
		expect((await checkout(dave, "short")).status).toBe(400);
		expect((await checkout({ user: "", roles: [] }, "checkout-anon-0001")).status).toBe(401);
		expect((await checkout({ user: "admin", roles: ["admin"] }, "checkout-admin-001")).status).toBe(403);
		const offsite = await checkout(dave, "checkout-dave-0001", checkoutBody({ returnUrl: "https://evil.test/x" }));
		expect(offsite.status).toBe(422);
		expect((await checkout(dave, "checkout-dave-0002", checkoutBody({ shippingMethod: "teleport" }))).status).toBe(400);
		expect((await checkout(dave, "checkout-dave-0003", checkoutBody({ gateway: "nope" }))).status).toBe(422);
		expect((await checkout(dave, "checkout-dave-0004", checkoutBody({ total: 1 }))).status).toBe(400);
		const noAddress = checkoutBody();
		delete (noAddress as Record<string, unknown>).address;
		expect((await checkout(dave, "checkout-dave-0005", noAddress)).status).toBe(400);
		expect(
			(
				await checkout(
					dave,
					"checkout-dave-0006",
					checkoutBody({ address: undefined, addressId: "adr_01NOPE0000000000000000000A" }),
				)
			).status,
		).toBe(404);

		// An empty cart cannot check out.
		const erin = await registerCustomer(s, "Erin");
		expect((await checkout(erin, "checkout-erin-0001")).status).toBe(409);

		expect(await s.core.inventory.getStock(line.sku)).toEqual(before);
	});
});
