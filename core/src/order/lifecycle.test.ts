import { afterEach, describe, expect, test } from "bun:test";
import type { Order } from "@bazaar/contracts/order";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { ALICE, BOB, checkout, ORDER_ADMIN, type OrderHarness, orderHarness } from "./testing/fixtures";

let h: OrderHarness;
afterEach(() => h?.close());

function manualClock(start = Date.parse("2026-11-11T00:00:00.000Z")) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

const payment = (order: Order, paymentId = "pay_1", amount = order.total) => ({
	orderId: order.id,
	paymentId,
	gateway: "sandbox",
	reference: `sbx_${paymentId}`,
	amount: { amount, currency: order.currency },
});

const outboxTypes = async () =>
	(await rows(h.orders.context.database, "SELECT type FROM bus_outbox ORDER BY seq")).map((r) => r.type);

describe("state machine", () => {
	test("pending_payment → paid → fulfilled → delivered, each transition recorded with its event", async () => {
		h = await orderHarness();
		const { order } = await h.orders.placeOrder(checkout());
		const paid = await h.orders.markPaid(payment(order));
		expect(paid.result).toBe("paid");
		expect(paid.order).toMatchObject({ status: "paid", paymentGateway: "sandbox", paymentReference: "sbx_pay_1" });
		const shipped = await h.call("POST", `/orders/admin/${order.id}/fulfil`, {
			caller: ORDER_ADMIN,
			body: { trackingNumber: "1Z999" },
		});
		expect(shipped.status).toBe(200);
		expect(await json(shipped)).toMatchObject({ status: "fulfilled", trackingNumber: "1Z999" });
		expect((await h.call("POST", `/orders/admin/${order.id}/deliver`, { caller: ORDER_ADMIN })).status).toBe(200);
		const detail = await h.orders.getOrder(order.id, ALICE.user);
		expect(detail.status).toBe("delivered");
		expect(detail.timeline.map((t) => [t.from, t.to, t.actor])).toEqual([
			[null, "pending_payment", ALICE.user],
			["pending_payment", "paid", "payment:sandbox"],
			["paid", "fulfilled", "admin"],
			["fulfilled", "delivered", "admin"],
		]);
		expect(await outboxTypes()).toEqual(["order.placed", "order.paid", "order.fulfilled", "order.delivered"]);
	});

	test("transitions only go forward: invalid ones are 409 problems and change nothing", async () => {
		h = await orderHarness();
		const { order } = await h.orders.placeOrder(checkout());
		// Not paid yet: cannot ship or deliver.
		const early = await h.call("POST", `/orders/admin/${order.id}/fulfil`, { caller: ORDER_ADMIN });
		expect(early.status).toBe(409);
		expect(early.headers.get("content-type")).toContain("application/problem+json");
		expect((await h.call("POST", `/orders/admin/${order.id}/deliver`, { caller: ORDER_ADMIN })).status).toBe(409);
		await h.orders.markPaid(payment(order));
		// Paid: a customer can no longer cancel.
		expect((await h.call("POST", `/orders/${order.id}/cancel`)).status).toBe(409);
		await h.orders.markFulfilled(order.id, { actor: "admin" });
		await h.orders.markDelivered(order.id, { actor: "admin" });
		expect((await h.call("POST", `/orders/admin/${order.id}/fulfil`, { caller: ORDER_ADMIN })).status).toBe(409);
		expect((await h.call("POST", `/orders/admin/${order.id}/cancel`, { caller: ORDER_ADMIN })).status).toBe(409);
		// Asking for the state it is already in changes nothing (no second event).
		expect((await h.call("POST", `/orders/admin/${order.id}/deliver`, { caller: ORDER_ADMIN })).status).toBe(200);
		expect((await h.orders.getOrder(order.id)).timeline).toHaveLength(4);
		expect(await outboxTypes()).toEqual(["order.placed", "order.paid", "order.fulfilled", "order.delivered"]);
	});

	test("admin routes need the admin or service role; bad bodies are 400", async () => {
		h = await orderHarness();
		const { order } = await h.orders.placeOrder(checkout());
		expect((await h.call("POST", `/orders/admin/${order.id}/cancel`)).status).toBe(403);
		expect((await h.call("GET", `/orders/admin/${order.id}`, { caller: BOB })).status).toBe(403);
		expect((await h.call("GET", `/orders/admin/${order.id}`, { caller: ORDER_ADMIN })).status).toBe(200);
		const bad = await h.call("POST", `/orders/admin/${order.id}/cancel`, { caller: ORDER_ADMIN, body: { nope: 1 } });
		expect(bad.status).toBe(400);
		expect((await h.call("POST", `/orders/admin/${order.id}/cancel`, { caller: ORDER_ADMIN, body: "{" })).status).toBe(
			400,
		);
		expect((await h.orders.getOrder(order.id)).status).toBe("pending_payment");
	});

	test("a customer cancels their pending order; order.cancelled carries the reservation", async () => {
		h = await orderHarness();
		const { order } = await h.orders.placeOrder(checkout());
		const res = await h.call("POST", `/orders/${order.id}/cancel`, { body: { reason: "changed my mind" } });
		expect(res.status).toBe(200);
		expect(await json(res)).toMatchObject({ status: "cancelled" });
		const row = await rows(h.orders.context.database, "SELECT payload FROM bus_outbox WHERE type = 'order.cancelled'");
		expect(JSON.parse(String(row[0]?.payload)).data).toMatchObject({
			reservationId: order.reservationId,
			reason: "changed my mind",
		});
	});
});

describe("payments", () => {
	test("markPaid is idempotent for the same payment", async () => {
		h = await orderHarness();
		const { order } = await h.orders.placeOrder(checkout());
		expect((await h.orders.markPaid(payment(order))).result).toBe("paid");
		for (let i = 0; i < 3; i++) expect((await h.orders.markPaid(payment(order))).result).toBe("already_paid");
		expect(await outboxTypes()).toEqual(["order.placed", "order.paid"]);
	});

	test("a second charge, a wrong amount, a payment for an expired order: recorded as conflicts, once each", async () => {
		const clock = manualClock();
		h = await orderHarness({ now: clock.now });
		const a = (await h.orders.placeOrder(checkout())).order;
		await h.orders.markPaid(payment(a));
		const second = await h.orders.markPaid(payment(a, "pay_2"));
		expect(second).toMatchObject({ result: "conflict", reason: "paid_by_another_payment" });

		const b = (await h.orders.placeOrder(checkout())).order;
		expect(await h.orders.markPaid(payment(b, "pay_3", b.total - 1))).toMatchObject({
			result: "conflict",
			reason: "amount_mismatch",
		});
		expect((await h.orders.getOrder(b.id)).status).toBe("pending_payment");

		clock.advance(15 * 60_000);
		expect(await h.orders.expireDue()).toBe(1); // b (a is paid)
		const late = await h.orders.markPaid(payment(b, "pay_4"));
		expect(late).toMatchObject({ result: "conflict", reason: "order_expired" });
		expect((await h.orders.markPaid(payment(b, "pay_4"))).result).toBe("conflict"); // redelivered: no second record
		expect((await h.orders.listPaymentConflicts()).map((c) => [c.paymentId, c.reason])).toEqual([
			["pay_2", "paid_by_another_payment"],
			["pay_3", "amount_mismatch"],
			["pay_4", "order_expired"],
		]);
		const types = await outboxTypes();
		expect(types.filter((t) => t === "order.payment_conflict")).toHaveLength(3);
		expect(types.filter((t) => t === "order.paid")).toHaveLength(1);
	});
});

describe("expiry", () => {
	test("unpaid orders past expires_at expire (TTL configurable); paid and fresh ones do not", async () => {
		const clock = manualClock();
		h = await orderHarness({ now: clock.now, paymentTtlMs: 60_000 });
		const paid = (await h.orders.placeOrder(checkout())).order;
		await h.orders.markPaid(payment(paid));
		const stale = (await h.orders.placeOrder(checkout())).order;
		clock.advance(30_000);
		const fresh = (await h.orders.placeOrder(checkout())).order;
		expect(await h.orders.expireDue()).toBe(0);
		clock.advance(30_000);
		expect(await h.orders.expireDue({ batchSize: 1 })).toBe(1);
		expect((await h.orders.getOrder(stale.id)).status).toBe("expired");
		expect((await h.orders.getOrder(fresh.id)).status).toBe("pending_payment");
		expect((await h.orders.getOrder(paid.id)).status).toBe("paid");
		const timeline = (await h.orders.getOrder(stale.id)).timeline;
		expect(timeline.at(-1)).toMatchObject({ from: "pending_payment", to: "expired", actor: "system" });
		// An expired order cannot be cancelled or paid any more.
		expect((await h.call("POST", `/orders/${stale.id}/cancel`)).status).toBe(409);
		clock.advance(60_000);
		expect(await h.orders.expireDue({ now: clock.now() })).toBe(1);
		const expired = await rows(
			h.orders.context.database,
			"SELECT count(*) AS n FROM bus_outbox WHERE type = 'order.expired'",
		);
		expect(Number(expired[0]?.n)).toBe(2);
	});

	test("the sweeper expires on its own", async () => {
		h = await orderHarness({ paymentTtlMs: 1, sweepIntervalMs: 20 });
		const { order } = await h.orders.placeOrder(checkout());
		h.orders.start();
		const end = Date.now() + 3_000;
		while ((await h.orders.getOrder(order.id)).status !== "expired" && Date.now() < end) await Bun.sleep(20);
		expect((await h.orders.getOrder(order.id)).status).toBe("expired");
	});
});
