import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OrderDetail } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import type { FakeStripe } from "../payment/stripe/testing/fake-stripe";
import { json } from "../testing/harness";
import { orderWhen, pickVariants, pollFor, signUp } from "./testing/journey";
import { checkoutBody, type Stack } from "./testing/stack";
import { stripeStack } from "./testing/stripe-stack";

// The sum refunded for a payment never exceeds what was captured, whatever keys are used. The
// dangerous case: the gateway refunded, but its answer was lost (a timeout, a 5xx) and its
// webhook has not landed yet. The request then keeps its amount — in the order's refund requests
// and in the payment module's own record — so a retry under a NEW key is refused before the
// gateway is asked, while the same key completes the refund that was made. Stripe here is the
// local fake, through the real SDK.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };

let fake: FakeStripe;
let s: Stack;
beforeAll(async () => {
	({ s, fake } = await stripeStack("refundcap", { flows: "checkout" }));
}, 60_000);
afterAll(async () => {
	await s?.close();
	fake?.stop();
});

let skip = 10;
/** An order paid at Stripe Checkout, its units committed. */
async function paidAtStripe() {
	const shopper = await signUp(s);
	const lines = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", skip++);
	for (const l of lines) {
		expect(
			(await s.call("POST", "/cart/lines", { caller: shopper, body: { variantId: l.id, quantity: 1 } })).status,
		).toBe(200);
	}
	const placed = await s.call("POST", "/checkout", {
		caller: shopper,
		body: checkoutBody({ gateway: "stripe_checkout" }),
		headers: { "idempotency-key": `refund-cap-${shopper.user}` },
	});
	expect(placed.status).toBe(201);
	const answer = await json<{ order: { id: string }; payment: { id: string } }>(placed);
	const payment = await s.core.payments.getPayment(answer.payment.id);
	await fake.succeed(payment.reference);
	const order = await orderWhen<OrderDetail>(s, shopper, answer.order.id, (o) => o.status === "paid");
	return { order, payment };
}

const refund = (orderId: string, key: string, body: unknown) =>
	s.call("POST", `/orders/admin/${orderId}/refund`, { caller: ADMIN, body, headers: { "idempotency-key": key } });
const refundCalls = () => fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/refunds").length;

describe("the sum refunded never exceeds the capture", () => {
	test("a refund whose answer was lost keeps its amount: a new key is refused before Stripe is asked; the same key completes it", async () => {
		const { order, payment } = await paidAtStripe();
		const before = refundCalls();

		fake.loseRefundAnswers = 1;
		const lost = await refund(order.id, "refund-lost-answer-1", { reason: "damaged" });
		expect(lost.status).toBeGreaterThanOrEqual(500);
		expect(lost.headers.get("content-type")).toContain("application/problem+json");
		expect(refundCalls()).toBe(before + 1);
		// Stripe did refund everything; neither the order nor the payment has heard yet.
		expect((await s.core.orders.getOrder(order.id)).status).toBe("paid");
		expect((await s.core.payments.getPayment(payment.id)).refundedAmount).toBe(0);

		// The admin tries again under another key, for everything or for a cent: refused, Stripe not asked.
		for (const [key, body] of [
			["refund-new-key-0001", { reason: "damaged" }],
			["refund-new-key-0002", { amount: 1, reason: "goodwill" }],
		] as const) {
			const again = await refund(order.id, key, body);
			expect(again.status).toBe(422);
			expect(await again.text()).toContain("over-refund");
		}
		// Nor can any other caller of the payment module, under any key.
		await expect(
			s.core.payments.refund(payment.id, { amount: 1, currency: "USD" }, "some-other-key-123", "test"),
		).rejects.toMatchObject({ status: 422 });
		expect(refundCalls()).toBe(before + 1);

		// The same key again: Stripe answers the refund it made (idempotent), nothing more is refunded.
		const completed = await refund(order.id, "refund-lost-answer-1", { reason: "damaged" });
		expect(completed.status).toBe(202);
		expect((await json<{ refund: { refundId: string } }>(completed)).refund.refundId).toStartWith("re_");

		// Stripe's webhook lands at last: the order is refunded once, for what was captured.
		await fake.deliverHeld();
		const refunded = await orderWhen<OrderDetail>(
			s,
			{ user: order.customerId, roles: ["customer"] },
			order.id,
			(o) => o.status === "refunded",
		);
		expect(refunded.refundedAmount).toBe(order.total);
		await pollFor(
			async () => ((await s.core.payments.getPayment(payment.id)).status === "refunded" ? true : undefined),
			5_000,
			"payment refunded",
		);
		// Refunded in full: nothing more to ask for.
		expect((await refund(order.id, "refund-new-key-0003", { amount: 1, reason: "x" })).status).toBe(409);
		expect(refundCalls()).toBe(before + 2);
	}, 30_000);
});
