import { afterEach, describe, expect, test } from "bun:test";
import type { Order } from "@bazaar/contracts/order";
import { formatMoney } from "@bazaar/money";
import { rows } from "../testing/sql";
import { ALICE, checkout, ORDER_ADMIN, type OrderHarness, orderHarness } from "./testing/fixtures";

// The order's side of refunds: the cumulative amount the gateway reports moves the order to
// partially_refunded / refunded, forward only; shipping goes on for a partially refunded order
// and never for a refunded one; admin refund requests are checked against what is left.

let h: OrderHarness;
afterEach(() => h?.close());

async function paidOrder(): Promise<Order> {
	h = await orderHarness();
	const { order } = await h.orders.placeOrder(checkout());
	const paid = await h.orders.markPaid({
		orderId: order.id,
		paymentId: "pay_1",
		gateway: "sandbox",
		reference: "sbx_1",
		amount: { amount: order.total, currency: order.currency },
	});
	if (paid.result !== "paid") throw new Error("not paid");
	return paid.order;
}

const refund = (order: Order, refundedAmount: number, full = false, paymentId = "pay_1") => ({
	orderId: order.id,
	paymentId,
	gateway: "sandbox",
	refundedAmount,
	full,
});

const outboxTypes = async () =>
	(await rows(h.orders.context.database, "SELECT type FROM bus_outbox ORDER BY seq")).map((r) => r.type);

describe("recordRefund", () => {
	test("partial → partially_refunded, a further partial takes the new amount, the rest → refunded", async () => {
		const order = await paidOrder();
		const first = await h.orders.recordRefund(refund(order, 500));
		expect(first).toMatchObject({
			result: "partially_refunded",
			order: { status: "partially_refunded", refundedAmount: 500 },
		});
		const second = await h.orders.recordRefund(refund(order, 800));
		expect(second).toMatchObject({ result: "partially_refunded", order: { refundedAmount: 800 } });
		const last = await h.orders.recordRefund(refund(order, order.total, true));
		expect(last).toMatchObject({ result: "refunded", order: { status: "refunded", refundedAmount: order.total } });

		const { timeline } = await h.orders.getOrder(order.id);
		const total = formatMoney({ amount: order.total, currency: "USD" });
		const rest = formatMoney({ amount: order.total - 800, currency: "USD" });
		expect(timeline.slice(2).map((t) => [t.from, t.to, t.actor, t.reason])).toEqual([
			["paid", "partially_refunded", "payment:sandbox", `refunded $5.00 ($5.00 of ${total} in all)`],
			["partially_refunded", "partially_refunded", "payment:sandbox", `refunded $3.00 ($8.00 of ${total} in all)`],
			["partially_refunded", "refunded", "payment:sandbox", `refunded ${rest} (${total} of ${total} in all)`],
		]);
		expect(await outboxTypes()).toEqual([
			"order.placed",
			"order.paid",
			"order.partially_refunded",
			"order.partially_refunded",
			"order.refunded",
		]);
	});

	test("late, repeated or smaller amounts are stale and change nothing", async () => {
		const order = await paidOrder();
		await h.orders.recordRefund(refund(order, 800));
		expect((await h.orders.recordRefund(refund(order, 800))).result).toBe("stale");
		expect((await h.orders.recordRefund(refund(order, 500))).result).toBe("stale");
		await h.orders.recordRefund(refund(order, order.total, true));
		expect((await h.orders.recordRefund(refund(order, 900))).result).toBe("stale");
		expect((await h.orders.recordRefund(refund(order, order.total, true))).result).toBe("stale");
		const detail = await h.orders.getOrder(order.id);
		expect(detail).toMatchObject({ status: "refunded", refundedAmount: order.total });
		expect(detail.timeline).toHaveLength(4);
	});

	test("a conflicting payment's refund is recorded on its conflict; one of a payment the order has not heard of is not settled yet", async () => {
		h = await orderHarness();
		const { order } = await h.orders.placeOrder(checkout());
		expect((await h.orders.recordRefund(refund(order, 100))).result).toBe("not_settled");
		// The shopper paid twice: the second charge is a conflict, and its refund is not the order's.
		await h.orders.markPaid({
			orderId: order.id,
			paymentId: "pay_1",
			gateway: "sandbox",
			reference: "sbx_1",
			amount: { amount: order.total, currency: order.currency },
		});
		await h.orders.markPaid({
			orderId: order.id,
			paymentId: "pay_2",
			gateway: "sandbox",
			reference: "sbx_2",
			amount: { amount: order.total, currency: order.currency },
		});
		// Given back automatically: recorded on its conflict and the timeline, the order unchanged.
		expect(await h.orders.recordRefund(refund(order, order.total, true, "pay_2"))).toMatchObject({
			result: "conflict_refunded",
		});
		expect((await h.orders.recordRefund(refund(order, order.total, true, "pay_2"))).result).toBe("stale");
		expect(await h.orders.listPaymentConflicts(order.id)).toMatchObject([
			{ paymentId: "pay_2", reason: "paid_by_another_payment", resolution: "refunded", refundedAmount: order.total },
		]);
		expect((await h.orders.getOrder(order.id)).timeline.at(-1)).toMatchObject({
			from: "paid",
			to: "paid",
			actor: "payment:sandbox",
			reason: expect.stringContaining(
				"pay_2 (made after the order was already paid by another) refunded automatically",
			),
		});
		// A third charge whose success has not reached the order yet: it waits for it, paid order or not.
		expect((await h.orders.recordRefund(refund(order, order.total, true, "pay_3"))).result).toBe("not_settled");
		expect(
			await h.orders.recordRefund({ ...refund(order, 1), orderId: "ord_01NOPE0000000000000000000A" }),
		).toMatchObject({
			result: "ignored",
			reason: "unknown_order",
		});
		expect((await h.orders.getOrder(order.id)).status).toBe("paid");
	});
});

describe("shipping and refunds", () => {
	test("a partially refunded order still ships and arrives, once each, and keeps its status", async () => {
		const order = await paidOrder();
		await h.orders.recordRefund(refund(order, 500));
		const shipped = await h.call("POST", `/orders/admin/${order.id}/fulfil`, {
			caller: ORDER_ADMIN,
			body: { trackingNumber: "1Z1" },
		});
		expect(shipped.status).toBe(200);
		expect(await shipped.json()).toMatchObject({ status: "partially_refunded", trackingNumber: "1Z1" });
		// Again (a redelivered shipment event): unchanged.
		expect((await h.orders.markFulfilled(order.id, { actor: "carrier" })).changed).toBe(false);
		expect((await h.orders.markDelivered(order.id, { actor: "carrier" })).changed).toBe(true);
		expect((await h.orders.markDelivered(order.id, { actor: "carrier" })).changed).toBe(false);
		const detail = await h.orders.getOrder(order.id);
		expect(detail.status).toBe("partially_refunded");
		expect(detail.timeline.slice(3).map((t) => [t.from, t.to, t.reason])).toEqual([
			["partially_refunded", "partially_refunded", "marked fulfilled while partially refunded"],
			["partially_refunded", "partially_refunded", "marked delivered while partially refunded"],
		]);
		expect((await outboxTypes()).slice(3)).toEqual(["order.fulfilled", "order.delivered"]);
		// The rest refunded after delivery: refunded.
		expect((await h.orders.recordRefund(refund(order, order.total, true))).result).toBe("refunded");
	});

	test("a partially refunded order is not delivered before it ships; a refunded one never ships", async () => {
		const order = await paidOrder();
		await h.orders.recordRefund(refund(order, 500));
		expect((await h.call("POST", `/orders/admin/${order.id}/deliver`, { caller: ORDER_ADMIN })).status).toBe(409);
		await h.orders.recordRefund(refund(order, order.total, true));
		expect((await h.call("POST", `/orders/admin/${order.id}/fulfil`, { caller: ORDER_ADMIN })).status).toBe(409);
		expect((await h.call("POST", `/orders/admin/${order.id}/deliver`, { caller: ORDER_ADMIN })).status).toBe(409);
		expect((await h.orders.getOrder(order.id)).status).toBe("refunded");
	});

	test("paid → fulfilled → delivered still works, and a refund after delivery is recorded", async () => {
		const order = await paidOrder();
		await h.orders.markFulfilled(order.id, { actor: "admin" });
		await h.orders.markDelivered(order.id, { actor: "admin" });
		expect((await h.orders.recordRefund(refund(order, 100))).order?.status).toBe("partially_refunded");
		expect((await h.orders.getOrder(order.id)).timeline.at(-1)).toMatchObject({
			from: "delivered",
			to: "partially_refunded",
		});
	});
});

describe("admin refund requests", () => {
	const begin = (order: Order, key: string, extra: Record<string, unknown> = {}) =>
		h.orders.beginRefund({
			orderId: order.id,
			idempotencyKey: key,
			requestHash: JSON.stringify(extra),
			reason: "test",
			restock: false,
			actor: "admin",
			paymentRefunded: 0,
			...extra,
		});

	test("requests count against what is left before they land; the same key answers the same request", async () => {
		const order = await paidOrder();
		const a = await begin(order, "key-aaaaaaaa", { amount: 1000 });
		expect(a).toMatchObject({ replay: false, request: { amount: { amount: 1000 }, status: "requested" } });
		await expect(begin(order, "key-bbbbbbbb", { amount: order.total - 999 })).rejects.toThrow(/over-refund/);
		const b = await begin(order, "key-bbbbbbbb", { amount: order.total - 1000 });
		expect(b.replay).toBe(false);
		await expect(begin(order, "key-cccccccc")).rejects.toThrow(/nothing is left/);
		expect((await begin(order, "key-aaaaaaaa", { amount: 1000 })).replay).toBe(true);
		await expect(begin(order, "key-aaaaaaaa", { amount: 999 })).rejects.toThrow(/different refund/);
		// A request the gateway refused no longer counts.
		await h.orders.dropRefundRequest(order.id, "key-bbbbbbbb");
		expect((await begin(order, "key-dddddddd", { restock: true })).request.amount.amount).toBe(order.total - 1000);
		await expect(begin(order, "key-eeeeeeee", { restock: true, amount: 1 })).rejects.toThrow(/nothing is left/);
		expect((await h.orders.listRefunds(order.id)).map((r) => r.idempotencyKey)).toEqual([
			"key-aaaaaaaa",
			"key-dddddddd",
		]);
		const listed = await h.call("GET", `/orders/admin/${order.id}/refunds`, { caller: ORDER_ADMIN });
		expect(listed.status).toBe(200);
		expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(2);
		expect((await h.call("GET", `/orders/admin/${order.id}/refunds`, { caller: ALICE })).status).toBe(403);
	});

	test("a pending order cannot be refunded; restock needs everything left; the currency is the order's", async () => {
		h = await orderHarness();
		const { order: pending } = await h.orders.placeOrder(checkout());
		await expect(begin(pending, "key-pending1")).rejects.toThrow(/only a paid order/);
		await h.close();
		const order = await paidOrder();
		await expect(begin(order, "key-restock1", { restock: true, amount: 100 })).rejects.toThrow(/restock/);
		await expect(begin(order, "key-currency", { currency: "EUR" })).rejects.toThrow(/currency/);
		await expect(begin(order, "key-gateway1", { paymentRefunded: order.total })).rejects.toThrow(/nothing is left/);
		expect(await h.orders.listRefunds(order.id)).toEqual([]);
	});
});
