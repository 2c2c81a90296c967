import { afterEach, describe, expect, test } from "bun:test";
import type { Payment } from "@bazaar/contracts/payment";
import { paymentRequest } from "../testing/fixtures";
import { PayPalGateway } from "./gateway";
import type { FakeEvent } from "./testing/fake-paypal";
import { type PayPalHarness, paypalHarness } from "./testing/harness";

// PayPal end to end on real parts (see testing/harness.ts): our gateway against the fake PayPal
// over HTTP, webhooks through the real payment module's route and handleWebhook on libSQL.

let h: PayPalHarness;
afterEach(() => h?.close());

async function start(amount = 4449, currency = "USD"): Promise<Payment> {
	const req = paymentRequest(undefined, amount);
	const { payment, created } = await h.payments.createPayment({
		...req,
		amount: { amount, currency },
		gateway: "paypal",
	});
	expect(created).toBe(true);
	return payment;
}

/** The shopper follows the approval link, approves on PayPal's page and comes back. */
async function approve(payment: Payment): Promise<URL> {
	const res = await fetch(payment.redirectUrl as string, { redirect: "manual" });
	expect(res.status).toBe(302);
	return new URL(res.headers.get("location") as string);
}

const only = (type: string): FakeEvent => {
	const events = h.fake.eventsOf(type);
	expect(events).toHaveLength(1);
	return events[0] as FakeEvent;
};

/** Paid and settled through the capture's webhook. */
async function paid(amount = 1000): Promise<Payment> {
	const payment = await start(amount);
	await approve(payment);
	expect((await h.gateway.captureReturn(payment.reference)).status).toBe("succeeded");
	expect((await h.deliver(only("PAYMENT.CAPTURE.COMPLETED"))).body.outcome).toBe("applied");
	return payment;
}

const status = async (p: Payment) => (await h.payments.getPayment(p.id)).status;

describe("PayPal: paying", () => {
	test("create → approval redirect → capture on return → verified webhooks → succeeded, once", async () => {
		h = await paypalHarness();
		const payment = await start(4449);
		expect(payment).toMatchObject({ gateway: "paypal", status: "requires_action" });
		expect(payment.redirectUrl).toBe(`${h.fake.url}/checkoutnow?token=${payment.reference}`);

		// The order PayPal received, as its API documents it.
		const [create] = h.fake.callsTo("POST", /^\/v2\/checkout\/orders$/);
		expect(create?.requestId).toBe(`paypal:pay-${payment.orderId}-1`);
		expect(JSON.parse(create?.body as string)).toEqual({
			intent: "CAPTURE",
			purchase_units: [
				{
					reference_id: payment.orderId,
					custom_id: payment.id,
					invoice_id: payment.orderId,
					amount: { currency_code: "USD", value: "44.49" },
				},
			],
			payment_source: {
				paypal: {
					experience_context: {
						brand_name: "Bazaar",
						shipping_preference: "NO_SHIPPING",
						user_action: "PAY_NOW",
						payment_method_preference: "IMMEDIATE_PAYMENT_REQUIRED",
						return_url: `http://shop.test/checkout/return?order=${payment.orderId}`,
						cancel_url: "http://shop.test/checkout/cancelled",
					},
				},
			},
		});

		// PayPal sends the shopper back with its order id as `token`.
		const back = await approve(payment);
		expect(back.origin + back.pathname).toBe("http://shop.test/checkout/return");
		expect(back.searchParams.get("order")).toBe(payment.orderId);
		expect(back.searchParams.get("token")).toBe(payment.reference);
		expect(back.searchParams.get("PayerID")).toMatch(/^[A-Z0-9]{13}$/);

		// What the module applies on the shopper's return (PaymentGateway.confirmReturn).
		const event = await h.gateway.confirmReturn(back.searchParams.get("token") as string);
		expect(event).toMatchObject({
			type: "payment.succeeded",
			reference: payment.reference,
			paymentId: payment.id,
			amount: { amount: 4449, currency: "USD" },
		});
		expect(h.fake.charges).toBe(1);
		// Coming back again (reload, second tab): the same event, the same single charge.
		expect(await h.gateway.confirmReturn(payment.reference)).toEqual(event);
		expect(h.fake.charges).toBe(1);

		// PayPal's webhooks, in the order it sent them. The approval's capture finds the order
		// already captured (no second charge) and settles the payment; the capture's own event is
		// then stale.
		const results = [];
		for (const event of h.fake.events) results.push(await h.deliver(event));
		expect(h.fake.events.map((e) => e.event_type)).toEqual(["CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED"]);
		expect(results.map((r) => [r.status, r.body.outcome])).toEqual([
			[200, "applied"],
			[200, "stale"],
		]);
		expect(h.fake.charges).toBe(1);
		expect(await status(payment)).toBe("succeeded");
		expect(await h.outbox()).toEqual([
			{
				type: "payment.succeeded",
				data: {
					paymentId: payment.id,
					orderId: payment.orderId,
					gateway: "paypal",
					reference: payment.reference,
					amount: { amount: 4449, currency: "USD" },
					duplicate: false,
				},
			},
		]);
		expect(await h.payments.gatewayStatus(payment.id)).toEqual({
			status: "succeeded",
			amount: { amount: 4449, currency: "USD" },
			refundedAmount: 0,
		});
		// Paid: the order cannot be paid again.
		await expect(
			h.payments.createPayment({
				...paymentRequest(payment.orderId, 4449),
				idempotencyKey: "another-key-1",
				gateway: "paypal",
			}),
		).rejects.toMatchObject({ status: 409 });
	});

	test("a shopper who approves and never comes back still pays: the approval webhook captures", async () => {
		h = await paypalHarness();
		const payment = await start();
		await approve(payment);
		const approved = await h.deliver(only("CHECKOUT.ORDER.APPROVED"));
		expect(approved).toEqual({
			status: 200,
			body: expect.objectContaining({ outcome: "applied", status: "succeeded" }),
		});
		expect(h.fake.charges).toBe(1);
		// PayPal re-sends the approval (say our 200 was lost): same event, no new capture request.
		expect((await h.deliver(only("CHECKOUT.ORDER.APPROVED"))).body.outcome).toBe("duplicate");
		expect((await h.deliver(only("PAYMENT.CAPTURE.COMPLETED"))).body.outcome).toBe("stale");
		expect(h.fake.charges).toBe(1);
	});

	test("never captured after the shop's order expired: not on the shopper's return, not on the approval webhook", async () => {
		let skew = 0;
		h = await paypalHarness({ gateway: { now: () => Date.now() + skew } });
		const expiring = async () => {
			const req = paymentRequest(undefined, 1500);
			const { payment } = await h.payments.createPayment({
				...req,
				gateway: "paypal",
				expiresAt: new Date(Date.now() + 30_000).toISOString(),
			});
			return payment;
		};
		const late = await expiring();
		// The expiry travels with the PayPal order, so the webhook can tell as well as we can.
		const [create] = h.fake.callsTo("POST", /^\/v2\/checkout\/orders$/).slice(-1);
		expect(JSON.parse(create?.body as string).purchase_units[0].custom_id).toBe(
			`${late.id}:${Math.floor(Date.parse(late.expiresAt as string) / 1000)}`,
		);
		await approve(late);
		skew = 60_000; // a minute later: the order stopped waiting 30 seconds ago
		expect((await h.payments.confirmReturn(late.id)).status).toBe("cancelled");
		expect(h.fake.callsTo("POST", /\/capture$/)).toHaveLength(0);
		expect(h.fake.charges).toBe(0);

		skew = 0;
		const byWebhook = await expiring();
		await approve(byWebhook);
		skew = 60_000;
		const approved = h.fake.eventsOf("CHECKOUT.ORDER.APPROVED").at(-1) as FakeEvent;
		expect((await h.deliver(approved)).body).toMatchObject({ outcome: "applied", status: "cancelled" });
		expect(h.fake.callsTo("POST", /\/capture$/)).toHaveLength(0);
		expect(h.fake.charges).toBe(0);
		expect((await h.outbox()).map((e) => [e.type, e.data.status])).toEqual([
			["payment.failed", "cancelled"],
			["payment.failed", "cancelled"],
		]);

		// In time, the same approval captures as always.
		skew = 0;
		const inTime = await expiring();
		await approve(inTime);
		expect((await h.payments.confirmReturn(inTime.id)).status).toBe("succeeded");
		expect(h.fake.charges).toBe(1);
	});

	test("with captureOnApproval off, the approval is acknowledged and ignored; the capture's event settles", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const payment = await start();
		await approve(payment);
		const ignored = await h.deliver(only("CHECKOUT.ORDER.APPROVED"));
		expect(ignored.status).toBe(200);
		expect(ignored.body.outcome).toBe("ignored");
		expect(await status(payment)).toBe("requires_action");
		expect(h.fake.charges).toBe(0);
		await h.gateway.captureReturn(payment.reference);
		expect((await h.deliver(only("PAYMENT.CAPTURE.COMPLETED"))).body).toMatchObject({
			outcome: "applied",
			status: "succeeded",
		});
	});

	test("zero-decimal currencies go to PayPal as whole units", async () => {
		h = await paypalHarness();
		const jpy = await start(1200, "JPY");
		const create = h.fake.callsTo("POST", /^\/v2\/checkout\/orders$/).at(-1);
		expect(JSON.parse(create?.body as string).purchase_units[0].amount).toEqual({
			currency_code: "JPY",
			value: "1200",
		});
		await approve(jpy);
		const outcome = await h.gateway.captureReturn(jpy.reference);
		expect(outcome.event?.amount).toEqual({ amount: 1200, currency: "JPY" });
	});
});

describe("PayPal: declines, abandonment, double capture", () => {
	test("capture DECLINED → failed with PayPal's reason; the order can be paid again", async () => {
		h = await paypalHarness();
		const payment = await start();
		h.fake.scenario(payment.reference, "decline");
		await approve(payment);
		const outcome = await h.gateway.captureReturn(payment.reference);
		expect(outcome).toMatchObject({ status: "failed", event: { type: "payment.failed", paymentId: payment.id } });
		expect(h.fake.charges).toBe(0);
		const results = [];
		for (const event of h.fake.events) results.push((await h.deliver(event)).body.outcome);
		expect(h.fake.events.map((e) => e.event_type)).toEqual(["CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.DECLINED"]);
		expect(results).toEqual(["applied", "stale"]);
		const failed = await h.payments.getPayment(payment.id);
		expect(failed).toMatchObject({ status: "failed", failureReason: "PayPal capture declined" });
		expect((await h.outbox()).map((e) => [e.type, e.data.status])).toEqual([["payment.failed", "failed"]]);
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("failed");
		const retry = await h.payments.createPayment({
			...paymentRequest(payment.orderId, 4449),
			idempotencyKey: "retry-key-0001",
			gateway: "paypal",
		});
		expect(retry.created).toBe(true);
		expect(retry.payment.reference).not.toBe(payment.reference);
	});

	test("the DECLINED webhook alone (no return) fails the payment", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const payment = await start();
		h.fake.scenario(payment.reference, "decline");
		await approve(payment);
		await h.gateway.captureReturn(payment.reference);
		expect((await h.deliver(only("PAYMENT.CAPTURE.DECLINED"))).body).toMatchObject({
			outcome: "applied",
			status: "failed",
		});
	});

	test("funding source declined (INSTRUMENT_DECLINED) → back to PayPal's page, then a second approval pays", async () => {
		h = await paypalHarness();
		const payment = await start();
		h.fake.scenario(payment.reference, "instrument_declined");
		await approve(payment);
		const first = await h.gateway.captureReturn(payment.reference);
		expect(first).toMatchObject({ status: "requires_action", event: null, redirectUrl: payment.redirectUrl });
		expect(h.fake.charges).toBe(0);
		await approve(payment);
		expect((await h.gateway.captureReturn(payment.reference)).status).toBe("succeeded");
		expect(h.fake.charges).toBe(1);
	});

	test("a PENDING capture settles nothing yet; its webhook type is acknowledged and ignored", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const payment = await start();
		h.fake.scenario(payment.reference, "pending");
		await approve(payment);
		expect(await h.gateway.captureReturn(payment.reference)).toMatchObject({ status: "pending", event: null });
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("requires_action");
		expect((await h.deliver(only("PAYMENT.CAPTURE.PENDING"))).body.outcome).toBe("ignored");
		expect(await status(payment)).toBe("requires_action");
		expect(await h.outbox()).toEqual([]);
	});

	test("abandoned: never approved stays requires_action; cancelled on PayPal's page; VOIDED → cancelled", async () => {
		h = await paypalHarness();
		const payment = await start();
		expect(await h.payments.gatewayStatus(payment.id)).toEqual({
			status: "requires_action",
			amount: { amount: 4449, currency: "USD" },
			refundedAmount: 0,
		});
		// Coming back without approving (e.g. a crafted return URL) captures nothing.
		expect(await h.gateway.confirmReturn(payment.reference)).toBeNull();
		expect(await h.gateway.captureReturn(payment.reference)).toMatchObject({
			status: "requires_action",
			event: null,
			redirectUrl: payment.redirectUrl,
		});
		const cancel = await fetch(`${payment.redirectUrl}&cancel=1`, { redirect: "manual" });
		const back = new URL(cancel.headers.get("location") as string);
		expect(back.origin + back.pathname).toBe("http://shop.test/checkout/cancelled");
		expect(back.searchParams.get("token")).toBe(payment.reference);
		expect(await status(payment)).toBe("requires_action");

		h.fake.voidOrder(payment.reference);
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("cancelled");
		expect((await h.deliver(only("CHECKOUT.ORDER.VOIDED"))).body).toMatchObject({
			outcome: "applied",
			status: "cancelled",
		});
		expect((await h.outbox()).map((e) => [e.type, e.data.status])).toEqual([["payment.failed", "cancelled"]]);
		expect(h.fake.charges).toBe(0);
	});

	test("double capture: returns in two tabs, a double click and the approval webhook at once → one charge", async () => {
		h = await paypalHarness();
		const payment = await start();
		await approve(payment);
		const [webhook, ...returns] = await Promise.all([
			h.deliver(only("CHECKOUT.ORDER.APPROVED")),
			...Array.from({ length: 5 }, () => h.gateway.captureReturn(payment.reference)),
		]);
		expect(h.fake.callsTo("POST", /\/capture$/).length).toBe(6);
		expect(h.fake.charges).toBe(1);
		expect(new Set(returns.map((r) => r.status))).toEqual(new Set(["succeeded"]));
		expect(new Set(returns.map((r) => r.captureId)).size).toBe(1);
		expect(webhook?.body.outcome).toBe("applied");
		expect((await h.deliver(only("PAYMENT.CAPTURE.COMPLETED"))).body.outcome).toBe("stale");
		expect((await h.outbox()).map((e) => e.type)).toEqual(["payment.succeeded"]);
	});

	test("a capture PayPal is still processing: nothing settled yet, the next return captures", async () => {
		h = await paypalHarness();
		const payment = await start();
		h.fake.scenario(payment.reference, "in_progress");
		await approve(payment);
		expect(await h.gateway.captureReturn(payment.reference)).toEqual({
			status: "pending",
			captureId: null,
			event: null,
		});
		expect((await h.gateway.confirmReturn(payment.reference))?.type).toBe("payment.succeeded");
		expect(h.fake.charges).toBe(1);
	});

	test("two PayPal orders for one shop order: PayPal refuses the second capture (duplicate invoice)", async () => {
		h = await paypalHarness();
		const base = paymentRequest(undefined, 500);
		const orders = [];
		for (const [i, key] of ["paypal:a-key-0001", "paypal:b-key-0002"].entries()) {
			orders.push(
				await h.gateway.createPayment({ ...base, paymentId: `pay_01JTEST00000000000000000${i}X`, idempotencyKey: key }),
			);
		}
		for (const o of orders) await fetch(o.redirectUrl as string, { redirect: "manual" });
		expect((await h.gateway.captureReturn(orders[0]?.reference as string)).status).toBe("succeeded");
		const second = await h.gateway.captureReturn(orders[1]?.reference as string);
		expect(second).toMatchObject({ status: "failed", event: { type: "payment.failed" } });
		expect(h.fake.charges).toBe(1);
	});

	test("creating again with the same idempotency key gets the same PayPal order", async () => {
		h = await paypalHarness();
		const req = {
			...paymentRequest(undefined, 700),
			paymentId: "pay_01JTEST000000000000000000X",
			idempotencyKey: "paypal:k-1234567",
		};
		const a = await h.gateway.createPayment(req);
		const b = await h.gateway.createPayment(req);
		expect(b).toEqual(a);
		expect(h.fake.orders.size).toBe(1);
	});
});

describe("PayPal: refunds", () => {
	test("partial then full, through the admin path and PayPal's refund webhooks; over-refund refused", async () => {
		h = await paypalHarness();
		const payment = await paid(1000);
		const first = await h.payments.refund(payment.id, { amount: 300, currency: "USD" }, "refund-1");
		expect(first.status).toBe("succeeded");
		// The same key refunds once (PayPal-Request-Id).
		expect(await h.payments.refund(payment.id, { amount: 300, currency: "USD" }, "refund-1")).toEqual(first);
		expect(h.fake.eventsOf("PAYMENT.CAPTURE.REFUNDED")).toHaveLength(1);
		expect((await h.deliver(only("PAYMENT.CAPTURE.REFUNDED"))).body).toMatchObject({
			outcome: "applied",
			status: "partially_refunded",
		});
		expect(await h.payments.getPayment(payment.id)).toMatchObject({
			status: "partially_refunded",
			refundedAmount: 300,
		});

		await expect(h.payments.refund(payment.id, { amount: 701, currency: "USD" }, "refund-2")).rejects.toMatchObject({
			status: 422,
			message: expect.stringContaining("over-refund"),
		});
		await expect(h.payments.refund(payment.id, { amount: 100, currency: "EUR" }, "refund-3")).rejects.toMatchObject({
			status: 400,
		});
		await h.payments.refund(payment.id, { amount: 700, currency: "USD" }, "refund-4");
		const [, second] = h.fake.eventsOf("PAYMENT.CAPTURE.REFUNDED");
		expect((await h.deliver(second as FakeEvent)).body).toMatchObject({ outcome: "applied", status: "refunded" });
		expect(await h.payments.getPayment(payment.id)).toMatchObject({ status: "refunded", refundedAmount: 1000 });
		await expect(h.payments.refund(payment.id, { amount: 1, currency: "USD" }, "refund-5")).rejects.toMatchObject({
			status: 422,
		});
		expect(await h.payments.gatewayStatus(payment.id)).toMatchObject({ status: "succeeded", refundedAmount: 1000 });
		expect((await h.outbox()).map((e) => [e.type, e.data.refundedAmount])).toEqual([
			["payment.succeeded", undefined],
			["payment.refunded", 300],
			["payment.refunded", 1000],
		]);
	});

	test("a refund event without PayPal's running total: the total is read from the order", async () => {
		h = await paypalHarness({ fake: { omitRefundTotals: true } });
		const payment = await paid(1000);
		await h.payments.refund(payment.id, { amount: 250, currency: "USD" }, "refund-a");
		await h.payments.refund(payment.id, { amount: 250, currency: "USD" }, "refund-b");
		const [a] = h.fake.eventsOf("PAYMENT.CAPTURE.REFUNDED");
		// Read now, the order already shows both refunds: the cumulative total is what counts.
		expect((await h.deliver(a as FakeEvent)).body).toMatchObject({ outcome: "applied", status: "partially_refunded" });
		expect((await h.payments.getPayment(payment.id)).refundedAmount).toBe(500);
	});

	test("refunding a payment PayPal never captured is a conflict", async () => {
		h = await paypalHarness();
		const payment = await start();
		await expect(h.payments.refund(payment.id, { amount: 100, currency: "USD" }, "refund-x")).rejects.toMatchObject({
			status: 409,
		});
	});
});

describe("PayPal: webhooks at least once and out of order", () => {
	test("the capture webhook replayed ten times → one state change, one bus event", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const payment = await start();
		await approve(payment);
		await h.gateway.captureReturn(payment.reference);
		const event = only("PAYMENT.CAPTURE.COMPLETED");
		const outcomes = [];
		for (let i = 0; i < 10; i++) {
			const res = await h.deliver(event);
			expect(res.status).toBe(200);
			outcomes.push(res.body.outcome);
		}
		expect(outcomes).toEqual(["applied", ...Array(9).fill("duplicate")]);
		expect(await status(payment)).toBe("succeeded");
		expect((await h.outbox()).map((e) => e.type)).toEqual(["payment.succeeded"]);
	});

	test("a refund before the success is stale; a success after refunds does not go backwards", async () => {
		h = await paypalHarness();
		const payment = await start(1000);
		await approve(payment);
		await h.gateway.captureReturn(payment.reference);
		await h.payments.refund(payment.id, { amount: 400, currency: "USD" }, "refund-1");
		await h.payments.refund(payment.id, { amount: 600, currency: "USD" }, "refund-2");
		const [r1, r2] = h.fake.eventsOf("PAYMENT.CAPTURE.REFUNDED") as [FakeEvent, FakeEvent];

		expect((await h.deliver(r1)).body).toMatchObject({ outcome: "stale", status: "requires_action" });
		expect((await h.deliver(only("PAYMENT.CAPTURE.COMPLETED"))).body).toMatchObject({
			outcome: "applied",
			status: "succeeded",
		});
		// The later refund (running total 1000) arrives before nothing else could move it back.
		expect((await h.deliver(r2)).body).toMatchObject({ outcome: "applied", status: "refunded" });
		// A late success (the approval, whose capture finds the order captured) cannot undo them.
		expect((await h.deliver(only("CHECKOUT.ORDER.APPROVED"))).body).toMatchObject({
			outcome: "stale",
			status: "refunded",
		});
		expect(await h.payments.getPayment(payment.id)).toMatchObject({ status: "refunded", refundedAmount: 1000 });
		expect((await h.outbox()).map((e) => e.type)).toEqual(["payment.succeeded", "payment.refunded"]);
	});

	test("refund totals arriving out of order: the smaller, older total is stale", async () => {
		h = await paypalHarness();
		const payment = await paid(1000);
		await h.payments.refund(payment.id, { amount: 300, currency: "USD" }, "refund-1");
		await h.payments.refund(payment.id, { amount: 200, currency: "USD" }, "refund-2");
		const [r1, r2] = h.fake.eventsOf("PAYMENT.CAPTURE.REFUNDED") as [FakeEvent, FakeEvent];
		expect((await h.deliver(r2)).body).toMatchObject({ outcome: "applied", status: "partially_refunded" });
		expect((await h.deliver(r1)).body).toMatchObject({ outcome: "stale" });
		expect((await h.payments.getPayment(payment.id)).refundedAmount).toBe(500);
	});
});

describe("PayPal on the checkout page", () => {
	test("offered as a redirect to PayPal's own site, whose origin the page's CSP must allow", async () => {
		h = await paypalHarness();
		expect(h.gateway.describe()).toEqual({
			name: "paypal",
			label: "PayPal",
			flow: "redirect",
			publishableKey: null,
			origins: ["https://www.sandbox.paypal.com"],
		});
		const live = new PayPalGateway({ ...h.fake, apiUrl: h.fake.url, mode: "live" });
		expect(live.describe().origins).toEqual(["https://www.paypal.com"]);
	});
});
