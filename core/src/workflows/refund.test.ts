import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AdminRefundAnswer, OrderDetail } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { approvePayment, orderWhen, pickVariants, placeOrder, pollFor, signUp } from "./testing/journey";
import { type Stack, stack } from "./testing/stack";

// Admin refunds through the real composed core over HTTP: checkout → sandbox pay → the refund
// route → the sandbox's refund → its signed webhook → payment.refunded on the bus → the order
// records it. Restock returns the sold units once.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

let skip = 0;
/** A paid order whose units are committed (sold); line i has quantity i + 1. */
async function paidOrder(lineCount = 1) {
	const shopper = await signUp(s);
	const lines = await pickVariants(s.core.catalog.catalog, s.core.inventory, lineCount, "physical", skip);
	skip += lineCount;
	expect(lines).toHaveLength(lineCount);
	const placed = await placeOrder(s, shopper, lines);
	await approvePayment(s, shopper, placed.redirectUrl);
	const order = await orderWhen<OrderDetail>(s, shopper, placed.orderId, (o) => o.status === "paid");
	await pollFor(
		async () =>
			(await s.core.inventory.getReservation(order.reservationId)).status === "committed" ? true : undefined,
		10_000,
		"reservation committed",
	);
	return { shopper, lines, order };
}

const refund = (orderId: string, key: string | null, body: unknown, caller: Caller = ADMIN) =>
	s.call("POST", `/orders/admin/${orderId}/refund`, {
		caller,
		body,
		headers: key === null ? {} : { "idempotency-key": key },
	});

const adminOrder = async (id: string) =>
	json<OrderDetail>(await s.call("GET", `/orders/admin/${id}`, { caller: ADMIN }));

const orderBecomes = (id: string, ready: (o: OrderDetail) => boolean) =>
	pollFor(
		async () => {
			const o = await adminOrder(id);
			return ready(o) ? o : undefined;
		},
		10_000,
		`order ${id}`,
	);

/** Refunds the sandbox itself made for a payment reference (what the gateway was asked for). */
async function gatewayRefunds(reference: string | null) {
	const res = await rows(
		s.core.payments.context.database,
		"SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM sandbox_refunds WHERE reference = ?",
		reference ?? "",
	);
	return { count: Number(res[0]?.n), total: Number(res[0]?.total) };
}

describe("admin refunds", () => {
	test("partial → partially_refunded with its timeline → a further partial → the rest → refunded", async () => {
		const { order } = await paidOrder();
		expect(order.total).toBeGreaterThan(1000);

		const first = await refund(order.id, "refund-partial-001", { amount: 500, reason: "damaged box" });
		expect(first.status).toBe(202);
		const answer = await json<AdminRefundAnswer>(first);
		expect(answer.refund.refundId).toStartWith("sbxre_");
		expect(answer.refund.status).toBe("succeeded");
		expect(answer.order.id).toBe(order.id);
		expect(answer.payment.id).toBe(order.paymentId as string);

		const partial = await orderBecomes(order.id, (o) => o.status === "partially_refunded");
		expect(partial.refundedAmount).toBe(500);
		expect(partial.timeline.at(-1)).toMatchObject({
			from: "paid",
			to: "partially_refunded",
			actor: "payment:sandbox",
			reason: expect.stringContaining("refunded $5.00"),
		});

		// The same key again: the same answer, and the gateway was asked once.
		const again = await refund(order.id, "refund-partial-001", { amount: 500, reason: "damaged box" });
		expect(again.status).toBe(202);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect((await json<AdminRefundAnswer>(again)).refund.refundId).toBe(answer.refund.refundId);
		expect(await gatewayRefunds(order.paymentReference)).toEqual({ count: 1, total: 500 });
		// The same key for another refund: 422.
		expect((await refund(order.id, "refund-partial-001", { amount: 400, reason: "damaged box" })).status).toBe(422);

		expect((await refund(order.id, "refund-partial-002", { amount: 300, reason: "late" })).status).toBe(202);
		const second = await orderBecomes(order.id, (o) => o.refundedAmount === 800);
		expect(second.status).toBe("partially_refunded");
		expect(second.timeline.at(-1)).toMatchObject({ from: "partially_refunded", to: "partially_refunded" });

		// More than is left: 422 over-refund, nothing sent to the gateway, nothing recorded.
		const over = await refund(order.id, "refund-over-0001", { amount: order.total - 800 + 1, reason: "oops" });
		expect(over.status).toBe(422);
		expect(over.headers.get("content-type")).toContain("application/problem+json");
		expect((await json<{ detail: string }>(over)).detail).toContain("over-refund");
		// A restock with part of what is left: 422.
		expect((await refund(order.id, "refund-restock01", { amount: 1, reason: "x", restock: true })).status).toBe(422);
		expect(await gatewayRefunds(order.paymentReference)).toEqual({ count: 2, total: 800 });

		// Everything left (no amount).
		const rest = await refund(order.id, "refund-rest-0001", { reason: "customer returned it" });
		expect(rest.status).toBe(202);
		const done = await orderBecomes(order.id, (o) => o.status === "refunded");
		expect(done.refundedAmount).toBe(order.total);
		expect(done.timeline.map((t) => t.to)).toEqual([
			"pending_payment",
			"paid",
			"partially_refunded",
			"partially_refunded",
			"refunded",
		]);
		expect(await gatewayRefunds(order.paymentReference)).toEqual({ count: 3, total: order.total });
		// Nothing left to refund: a refunded order is not refundable (409).
		expect((await refund(order.id, "refund-after-001", { amount: 1, reason: "again" })).status).toBe(409);

		// The admin sees which gateway and reference paid it, and what was refunded.
		const payments = await s.call("GET", `/payment/admin/orders/${order.id}/payments`, { caller: ADMIN });
		expect(payments.status).toBe(200);
		const { items } = await json<{ items: AdminRefundAnswer["payment"][] & { gateway: string; reference: string }[] }>(
			payments,
		);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			id: order.paymentId,
			gateway: "sandbox",
			reference: order.paymentReference,
			status: "refunded",
			refundedAmount: order.total,
		});
		const requests = await json<{ items: { idempotencyKey: string; refundId: string; actor: string }[] }>(
			await s.call("GET", `/orders/admin/${order.id}/refunds`, { caller: ADMIN }),
		);
		expect(requests.items.map((r) => r.idempotencyKey)).toEqual([
			"refund-partial-001",
			"refund-partial-002",
			"refund-rest-0001",
		]);
		expect(requests.items.every((r) => r.refundId.startsWith("sbxre_") && r.actor === ADMIN.user)).toBe(true);
	});

	test("restock with a full refund returns the sold units once (stock and ledger checked)", async () => {
		const { order, lines } = await paidOrder(2);
		const before = await Promise.all(lines.map((l) => s.core.inventory.getStock(l.sku)));
		const returnedEntries = async () =>
			(await Promise.all(lines.map((l) => s.core.inventory.getLedger(l.sku, { limit: 500 })))).map((page) =>
				page.entries.filter((e) => e.kind === "returned" && e.reservationId === order.reservationId),
			);

		const res = await refund(order.id, "refund-restock-full", { reason: "recalled", restock: true });
		expect(res.status).toBe(202);
		const after = await Promise.all(lines.map((l) => s.core.inventory.getStock(l.sku)));
		after.forEach((stock, i) => {
			expect(stock.rows[0]?.sold).toBe((before[i]?.rows[0]?.sold ?? 0) - (i + 1));
			expect(stock.rows[0]?.available).toBe((before[i]?.rows[0]?.available ?? 0) + i + 1);
		});
		expect((await returnedEntries()).map((e) => e.map((x) => [x.quantity, x.actor]))).toEqual([
			[[1, ADMIN.user]],
			[[2, ADMIN.user]],
		]);
		expect((await s.core.inventory.getReservation(order.reservationId)).status).toBe("returned");
		expect((await s.core.inventory.reconcile(lines.map((l) => l.sku))).balanced).toBe(true);
		await orderBecomes(order.id, (o) => o.status === "refunded");

		// The same request again: the same answer, no second refund, no second return.
		const again = await refund(order.id, "refund-restock-full", { reason: "recalled", restock: true });
		expect(again.status).toBe(202);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(await Promise.all(lines.map((l) => s.core.inventory.getStock(l.sku)))).toEqual(after);
		expect((await returnedEntries()).map((e) => e.length)).toEqual([1, 1]);
		expect(await gatewayRefunds(order.paymentReference)).toEqual({ count: 1, total: order.total });
		expect((await s.core.inventory.reconcile(lines.map((l) => l.sku))).balanced).toBe(true);
	});

	test("the same key fired at once refunds once", async () => {
		const { order } = await paidOrder();
		const answers = await Promise.all(
			Array.from({ length: 5 }, () => refund(order.id, "refund-burst-0001", { amount: 700, reason: "burst" })),
		);
		expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
		const ids = new Set(
			await Promise.all(answers.map(async (r) => (await json<AdminRefundAnswer>(r)).refund.refundId)),
		);
		expect(ids.size).toBe(1);
		expect(await gatewayRefunds(order.paymentReference)).toEqual({ count: 1, total: 700 });
		expect((await orderBecomes(order.id, (o) => o.refundedAmount > 0)).refundedAmount).toBe(700);
	});

	test("an unpaid order is 409; bad input of every kind is a 4xx and changes nothing", async () => {
		const shopper = await signUp(s);
		const [line] = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", skip++);
		if (!line) throw new Error("no stocked variant");
		const pending = await placeOrder(s, shopper, [line]);
		expect((await refund(pending.orderId, "refund-pending-01", { reason: "x" })).status).toBe(409);
		expect((await refund(pending.orderId, "refund-pending-02", { reason: "x", restock: true })).status).toBe(409);

		const { order, shopper: owner } = await paidOrder();
		const key = (n: number) => `refund-bad-${String(n).padStart(4, "0")}`;
		const cases: [number, string | null, unknown, Caller?][] = [
			[400, key(1), { amount: -100, reason: "negative" }],
			[400, key(2), { amount: 0, reason: "zero" }],
			[400, key(3), { amount: 12.5, reason: "not an integer" }],
			[400, key(4), { amount: 1e20, reason: "unsafe integer" }],
			[422, key(5), { amount: order.total * 1000, reason: "huge" }],
			[400, key(6), { amount: "100", reason: "a string" }],
			[400, key(7), { amount: 100 }],
			[400, key(8), { amount: 100, reason: "   " }],
			[400, key(9), { amount: 100, reason: "x", restock: "yes" }],
			[400, key(10), { amount: 100, reason: "x", extra: 1 }],
			[422, key(11), { amount: 100, reason: "x", currency: "EUR" }],
			[428, null, { amount: 100, reason: "no key" }],
			[400, "short", { amount: 100, reason: "short key" }],
			[400, key(12), "{not json"],
			[403, key(13), { amount: 100, reason: "customer" }, owner],
			[403, key(14), { amount: 100, reason: "service" }, { user: "order-service", roles: ["service"] }],
		];
		for (const [status, k, body, caller] of cases) {
			const res = await refund(order.id, k, body, caller);
			expect({ body, status: res.status }).toEqual({ body, status });
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect((await refund("ord_01NOPE0000000000000000000A", key(15), { reason: "unknown" })).status).toBe(404);
		expect((await refund("not-an-order", key(16), { reason: "malformed" })).status).toBe(404);

		const after = await adminOrder(order.id);
		expect(after).toMatchObject({ status: "paid", refundedAmount: 0 });
		expect(after.timeline).toHaveLength(2);
		expect(await gatewayRefunds(order.paymentReference)).toEqual({ count: 0, total: 0 });
		expect((await s.core.payments.getPayment(order.paymentId as string)).refundedAmount).toBe(0);
		expect(await s.core.orders.listRefunds(order.id)).toEqual([]);
		expect((await s.core.inventory.getReservation(order.reservationId)).status).toBe("committed");
	});

	test("a partially refunded order still ships; a refunded one's pending shipment is cancelled, not shipped", async () => {
		const { order } = await paidOrder();
		expect((await refund(order.id, "refund-ship-0001", { amount: 100, reason: "coupon" })).status).toBe(202);
		await orderBecomes(order.id, (o) => o.status === "partially_refunded");
		const shipments = await pollFor(
			async () => {
				const res = await s.call("GET", `/fulfillment/admin/shipments?orderId=${order.id}`, { caller: ADMIN });
				if (res.status !== 200) return undefined;
				const { items } = await json<{ items: { id: string }[] }>(res);
				return items.length > 0 ? items : undefined;
			},
			10_000,
			"shipment",
		);
		expect(
			(await s.call("POST", `/fulfillment/admin/shipments/${shipments[0]?.id}/ship`, { caller: ADMIN })).status,
		).toBe(200);
		const shipped = await orderBecomes(order.id, (o) => o.timeline.length === 4);
		expect(shipped.status).toBe("partially_refunded");
		expect(shipped.timeline.at(-1)).toMatchObject({ from: "partially_refunded", to: "partially_refunded" });

		// A second order refunded in full before it ships: its shipment is cancelled (the fulfillment-refunds
		// consumer), so it cannot be shipped; the order stays refunded.
		const other = await paidOrder();
		expect((await refund(other.order.id, "refund-ship-0002", { reason: "cancelled by phone" })).status).toBe(202);
		await orderBecomes(other.order.id, (o) => o.status === "refunded");
		const [shipment] = await pollFor(
			async () => {
				const res = await s.call("GET", `/fulfillment/admin/shipments?orderId=${other.order.id}`, { caller: ADMIN });
				if (res.status !== 200) return undefined;
				const { items } = await json<{ items: { id: string; status: string }[] }>(res);
				return items[0]?.status === "cancelled" ? items : undefined;
			},
			10_000,
			"cancelled shipment",
		);
		expect((await s.call("POST", `/fulfillment/admin/shipments/${shipment?.id}/ship`, { caller: ADMIN })).status).toBe(
			409,
		);
		await pollFor(
			async () => ((await s.core.bus.pending("order-shipments")).pending === 0 ? true : undefined),
			10_000,
			"shipment events handled",
		);
		expect(await s.core.bus.deadLetters("order-shipments")).toEqual([]);
		expect(await s.core.bus.deadLetters("order-refunds")).toEqual([]);
		expect((await adminOrder(other.order.id)).status).toBe("refunded");
	});
});
