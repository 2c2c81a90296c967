import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OrderDetail, RefundRequest } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import type { FakeStripe } from "../payment/stripe/testing/fake-stripe";
import { json } from "../testing/harness";
import { appointmentService, bookingSold, checkoutBooking, hour } from "./testing/appointment";
import { orderWhen } from "./testing/journey";
import { checkoutBody, eventually, registerCustomer, type Stack } from "./testing/stack";
import { stripeStack } from "./testing/stripe-stack";

// A cancelled booking is refunded even when the gateway fails the first time: the cancel is
// recorded with its order.booking_cancelled event in one write, and the auto-refunds consumer
// asks the gateway again (same Idempotency-Key) until it answers. Here Stripe (the local fake,
// through the real SDK) makes the refund but the answer is lost, as when a connection drops.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
const RUN = Date.now().toString(36).toUpperCase();

let fake: FakeStripe;
let s: Stack;
beforeAll(async () => {
	({ s, fake } = await stripeStack("bookingrefund", {
		flows: "checkout",
		options: { busBackoffMs: 100, busMaxBackoffMs: 400 },
	}));
}, 60_000);
afterAll(async () => {
	await s?.close();
	fake?.stop();
});

describe("refund of a cancelled booking", () => {
	test("the gateway's answer is lost: the consumer asks again under the same key, Stripe refunds once, the order ends refunded", async () => {
		const sku = `BK-S-${RUN}`;
		const variantId = await appointmentService(s, sku, "Consultation", 1);
		const shopper = await registerCustomer(s, "Stella");
		const answer = await checkoutBooking(
			s,
			shopper,
			{ variantId, slot: hour(72) },
			checkoutBody({ gateway: "stripe_checkout" }),
			`booking-refund-${RUN}`,
		);
		await fake.succeed((await s.core.payments.getPayment(answer.payment.id)).reference);
		// Paid (a service with nothing to ship moves on to delivered at once).
		await orderWhen<OrderDetail>(s, shopper, answer.order.id, (o) => o.paymentId !== null);
		await bookingSold(s, answer.order.reservationId);

		fake.loseRefundAnswers = 1;
		const cancel = await s.call("POST", `/orders/${answer.order.id}/bookings/0/cancel`, { caller: shopper });
		expect(cancel.status).toBe(200);
		expect((await json<{ changed: boolean }>(cancel)).changed).toBe(true);

		const key = `booking-cancel:${answer.order.id}:0`;
		const request = await eventually(
			async () => {
				const list = await json<{ items: RefundRequest[] }>(
					await s.call("GET", `/orders/admin/${answer.order.id}/refunds`, { caller: ADMIN }),
				);
				const r = list.items.find((i) => i.idempotencyKey === key);
				return r?.refundId ? r : undefined;
			},
			20_000,
			"the refund answered on a retry",
		);
		// Two calls, one key: the second was Stripe's replay of the refund it had made.
		const calls = fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/refunds");
		expect(calls.length).toBeGreaterThanOrEqual(2);
		expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);

		await fake.deliverHeld();
		const refunded = await orderWhen<OrderDetail>(s, shopper, answer.order.id, (o) => o.status === "refunded");
		expect(refunded.refundedAmount).toBe(request.amount.amount);
		expect(refunded.refundedAmount).toBe(refunded.total);
		expect(await s.core.bus.deadLetters()).toEqual([]);
	}, 120_000);
});
