import { afterEach, describe, expect, test } from "bun:test";
import { Payment, WebhookResult } from "@bazaar/contracts/payment";
import { json } from "../../testing/harness";
import { rows } from "../../testing/sql";
import { type PaymentHarness, paymentHarness, paymentRequest } from "../testing/fixtures";
import { checkoutExpiresAt, STRIPE_GATEWAY_NAMES, StripeGateway } from "./gateway";
import { type FakeStripe, startFakeStripe } from "./testing/fake-stripe";

// The Stripe gateway through the official SDK against a local server that speaks Stripe's
// documented API, with webhooks signed by the SDK's own test-header helper and received over
// HTTP by the real payment routes on a real libSQL file.

const WEBHOOK_SECRET = "whsec_test_stripe_0123456789abcdef";
const SECRET_KEY = "sk_test_51BazaarSecretKeyNeverLogged0123456789";

let h: PaymentHarness;
let fake: FakeStripe;
afterEach(async () => {
	await h?.close();
	fake?.stop();
});

async function setup() {
	fake = startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
	const options = { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, api: fake.api };
	h = await paymentHarness({
		gateways: () => [
			new StripeGateway({ ...options, flow: "elements" }),
			new StripeGateway({ ...options, flow: "checkout" }),
		],
	});
	fake.webhookUrl = `${h.base}/payment/webhooks/stripe`;
}

async function create(gateway: string, amount = 25_00, orderId?: string) {
	const res = await h.call("POST", "/payment/payments", { body: { ...paymentRequest(orderId, amount), gateway } });
	expect(res.status).toBe(201);
	return Payment.parse(await json(res));
}

const outbox = async () =>
	(await rows(h.payments.context.database, "SELECT type FROM bus_outbox ORDER BY seq")).map((r) => String(r.type));

describe("Stripe Checkout (hosted page, redirect)", () => {
	test("the session expires with its order, within the 30 minutes to 24 hours Stripe allows", async () => {
		await setup();
		const create = async (expiresInMs: number) => {
			const res = await h.call("POST", "/payment/payments", {
				body: {
					...paymentRequest(),
					gateway: STRIPE_GATEWAY_NAMES.checkout,
					expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
				},
			});
			expect(res.status).toBe(201);
			const payment = Payment.parse(await json(res));
			return { payment, expiresAt: Number(fake.sessions.get(payment.reference)?.expires_at) };
		};
		const soon = Math.floor(Date.now() / 1000);
		// An order waiting two hours: the session closes when it does.
		const twoHours = await create(2 * 3600_000);
		expect(twoHours.expiresAt).toBe(Math.ceil(Date.parse(twoHours.payment.expiresAt as string) / 1000));
		// The default 15 minutes is shorter than Stripe's floor: the session lives its 30 minutes
		// (and a minute's margin); a payment in that gap lands on an expired order.
		const fifteen = await create(15 * 60_000);
		expect(fifteen.expiresAt - soon).toBeGreaterThanOrEqual(31 * 60);
		expect(fifteen.expiresAt - soon).toBeLessThan(33 * 60);
		// Longer than Stripe's ceiling: 24 hours (less the margin).
		const twoDays = await create(2 * 86_400_000);
		expect(twoDays.expiresAt - soon).toBeLessThanOrEqual(24 * 3600);
		expect(twoDays.expiresAt - soon).toBeGreaterThan(24 * 3600 - 3 * 60);
		expect(checkoutExpiresAt(Date.parse("2026-11-11T02:00:00Z"), Date.parse("2026-11-11T00:00:00Z"))).toBe(
			Date.parse("2026-11-11T02:00:00Z") / 1000,
		);
	});

	test("pay: redirect to Stripe's page → pay → back to the shop → verified webhook → succeeded", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.checkout, 42_50);
		expect(payment.reference).toStartWith("cs_test_");
		expect(payment.redirectUrl).toBe(`${fake.url}/c/pay/${payment.reference}`);
		expect(payment.clientSecret).toBeNull();
		// Our id travels in the session's and its PaymentIntent's metadata.
		expect(fake.sessions.get(payment.reference)?.metadata).toMatchObject({ bazaar_payment_id: payment.id });
		// The creating call carried an idempotency key derived from ours.
		expect(fake.requests.find((r) => r.path === "/v1/checkout/sessions")?.idempotencyKey).toContain(payment.orderId);

		const page = await fetch(payment.redirectUrl as string);
		expect(await page.text()).toContain("Pay 42.50 USD");
		const back = await fetch(`${payment.redirectUrl}/pay`, { method: "POST", redirect: "manual" });
		expect(back.status).toBe(303);
		expect(back.headers.get("location")).toStartWith("http://shop.test/checkout/return");

		expect((await h.payments.getPayment(payment.id)).status).toBe("succeeded");
		expect(await outbox()).toEqual(["payment.succeeded"]);
		expect(await h.payments.gatewayStatus(payment.id)).toEqual({
			status: "succeeded",
			amount: { amount: 42_50, currency: "USD" },
			refundedAmount: 0,
		});
	});

	test("abandon: the session expires → cancelled; the shopper's Back lands on the cancel URL", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.checkout);
		const back = await fetch(`${payment.redirectUrl}/back`, { method: "POST", redirect: "manual" });
		expect(back.headers.get("location")).toBe("http://shop.test/checkout/cancelled");
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("requires_action");
		await fake.expire(payment.reference);
		expect((await h.payments.getPayment(payment.id)).status).toBe("cancelled");
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("cancelled");
	});

	test("partial then full refund, recorded from Stripe's charge.refunded; over-refund refused", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.checkout, 30_00);
		await fake.succeed(payment.reference);

		const first = await h.payments.refund(payment.id, { amount: 10_00, currency: "USD" }, "refund-1");
		expect(first.status).toBe("succeeded");
		await waitFor(async () => (await h.payments.getPayment(payment.id)).status === "partially_refunded");
		expect((await h.payments.getPayment(payment.id)).refundedAmount).toBe(10_00);

		// The same idempotency key refunds once.
		const again = await h.payments.refund(payment.id, { amount: 10_00, currency: "USD" }, "refund-1");
		expect(again.refundId).toBe(first.refundId);

		await expect(h.payments.refund(payment.id, { amount: 25_00, currency: "USD" }, "refund-2")).rejects.toMatchObject({
			status: 422,
		});
		await h.payments.refund(payment.id, { amount: 20_00, currency: "USD" }, "refund-3");
		await waitFor(async () => (await h.payments.getPayment(payment.id)).status === "refunded");
		expect((await h.payments.getPayment(payment.id)).refundedAmount).toBe(30_00);
		expect(await outbox()).toEqual(["payment.succeeded", "payment.refunded", "payment.refunded"]);
	});
});

describe("Stripe PaymentIntents (Payment Element)", () => {
	test("3-D Secure: requires_action until the bank's redirect completes, then succeeded", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.elements, 19_99);
		expect(payment.reference).toStartWith("pi_");
		expect(payment.clientSecret).toStartWith(`${payment.reference}_secret_`);
		expect(payment.redirectUrl).toBeNull();

		fake.requireAction(payment.reference);
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("requires_action");
		await fake.succeed(payment.reference);
		expect((await h.payments.getPayment(payment.id)).status).toBe("succeeded");
	});

	test("decline → failed with Stripe's reason; a later success still counts (money taken is never ignored)", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.elements);
		await fake.decline(payment.reference, "Your card has insufficient funds.");
		const failed = await h.payments.getPayment(payment.id);
		expect(failed.status).toBe("failed");
		expect(failed.failureReason).toBe("Your card has insufficient funds.");
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("failed");
		await fake.succeed(payment.reference);
		expect((await h.payments.getPayment(payment.id)).status).toBe("succeeded");
	});

	test("a webhook replayed 10× changes the payment once", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.elements);
		const [event] = await fake.succeed(payment.reference);
		const outcomes = [];
		for (let i = 0; i < 10; i++) {
			const res = await fake.deliver(event as Record<string, unknown>);
			expect(res.status).toBe(200);
			outcomes.push(WebhookResult.parse(await res.json()).outcome);
		}
		expect(outcomes).toEqual(Array(10).fill("duplicate"));
		expect(await outbox()).toEqual(["payment.succeeded"]);
	});

	test("out of order: a refund before the success is stale; a failure after the success changes nothing", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.elements, 10_00);
		const pi = fake.intents.get(payment.reference) as Record<string, unknown>;
		// charge.refunded arriving first: the payment is not succeeded yet, so it cannot be refunded.
		fake.intents.set(payment.reference, pi);
		const early = fake.event("charge.refunded", {
			id: "ch_early",
			object: "charge",
			amount: 10_00,
			amount_refunded: 10_00,
			payment_intent: payment.reference,
		});
		expect(WebhookResult.parse(await (await fake.deliver(early)).json()).outcome).toBe("stale");

		await fake.succeed(payment.reference);
		const lateFailure = fake.event("payment_intent.payment_failed", {
			...pi,
			status: "requires_payment_method",
			last_payment_error: { message: "late" },
		});
		expect(WebhookResult.parse(await (await fake.deliver(lateFailure)).json()).outcome).toBe("stale");
		expect((await h.payments.getPayment(payment.id)).status).toBe("succeeded");
	});

	test("forged or stale signatures are refused with 400 and change nothing", async () => {
		await setup();
		const payment = await create(STRIPE_GATEWAY_NAMES.elements);
		const event = fake.event("payment_intent.succeeded", {
			...(fake.intents.get(payment.reference) as Record<string, unknown>),
			status: "succeeded",
		});
		const forged = await fake.deliver(event, { secret: "whsec_attacker_guess_0000000000" });
		expect(forged.status).toBe(400);
		expect(((await forged.json()) as { detail: string }).detail).toContain("rejected");
		const stale = await fake.deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
		expect(stale.status).toBe(400);
		const unsigned = await fetch(fake.webhookUrl, { method: "POST", body: JSON.stringify(event) });
		expect(unsigned.status).toBe(400);
		const tampered = await fetch(fake.webhookUrl, {
			method: "POST",
			headers: { "stripe-signature": "t=1,v1=00" },
			body: "{not json",
		});
		expect(tampered.status).toBe(400);
		expect((await h.payments.getPayment(payment.id)).status).toBe("requires_action");
		expect(await outbox()).toEqual([]);
	});

	test("double click / two tabs: one PaymentIntent, one charge", async () => {
		await setup();
		const body = { ...paymentRequest(undefined, 15_00), gateway: STRIPE_GATEWAY_NAMES.elements };
		const [a, b] = await Promise.all([
			h.call("POST", "/payment/payments", { body }),
			h.call("POST", "/payment/payments", { body }),
		]);
		const pa = Payment.parse(await json(a));
		const pb = Payment.parse(await json(b));
		expect(pa.id).toBe(pb.id);
		expect(pa.reference).toBe(pb.reference);
		expect(fake.intents.size).toBe(1);
		await fake.succeed(pa.reference);
		// The order is paid: a further attempt is refused rather than charged again.
		const third = await h.call("POST", "/payment/payments", { body: { ...body, idempotencyKey: "another-key-123" } });
		expect(third.status).toBe(409);
		expect(fake.intents.size).toBe(1);
	});

	test("a genuine event of a type we do not act on is acknowledged and ignored", async () => {
		await setup();
		const res = await fake.deliver(fake.event("customer.created", { id: "cus_1", object: "customer" }));
		expect(res.status).toBe(200);
		expect(WebhookResult.parse(await res.json()).outcome).toBe("ignored");
	});

	test("the secret key never reaches a log or an error, even when Stripe refuses it", async () => {
		await setup();
		const logged: string[] = [];
		const original = { error: console.error, warn: console.warn, log: console.log };
		for (const k of ["error", "warn", "log"] as const)
			console[k] = (...args: unknown[]) => logged.push(args.map(String).join(" "));
		try {
			const refused = new StripeGateway({
				secretKey: "rk_live_WrongKeyShapeThatTheFakeRefuses123",
				webhookSecret: WEBHOOK_SECRET,
				flow: "elements",
				api: fake.api,
			});
			const err = await refused
				.createPayment({
					paymentId: "pay_01ARZ3NDEKTSV4RRFFQ69G5FAV",
					orderId: "ord_01ARZ3NDEKTSV4RRFFQ69G5FAV",
					amount: { amount: 100, currency: "USD" },
					returnUrl: "http://shop.test/r",
					cancelUrl: "http://shop.test/c",
					idempotencyKey: "k-123456",
				})
				.catch((e: unknown) => e);
			expect(err).toBeInstanceOf(Error);
			const text = `${String(err)} ${JSON.stringify(err)} ${logged.join("\n")}`;
			expect(text).not.toContain("WrongKeyShapeThatTheFakeRefuses");
			expect(text).not.toContain(SECRET_KEY);
			expect(text).not.toContain(WEBHOOK_SECRET);
		} finally {
			Object.assign(console, original);
		}
	});
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > until) throw new Error("condition not met in time");
		await Bun.sleep(20);
	}
}
