import { afterEach, describe, expect, test } from "bun:test";
import { Payment, WebhookResult } from "@bazaar/contracts/payment";
import { json } from "../../testing/harness";
import { realGateways } from "../gateways";
import { type PaymentHarness, paymentHarness, paymentRequest } from "../testing/fixtures";
import { loadStripeConfig } from "./config";
import { STRIPE_GATEWAY_NAMES } from "./gateway";
import { type FakeStripe, startFakeStripe } from "./testing/fake-stripe";

// Stripe has one webhook URL per account — POST <storefront>/webhooks/payment/stripe, which the
// edge forwards to the core's /payment/webhooks/stripe — whatever flows STRIPE_FLOWS enables.
// Each configuration is built from env as the core builds it (realGateways), and Stripe's own
// signed events settle a payment of each enabled flow through that one URL.

const WEBHOOK_SECRET = "whsec_test_endpoint_0123456789abcdef";

let h: PaymentHarness;
let fake: FakeStripe;
afterEach(async () => {
	await h?.close();
	fake?.stop();
});

async function setup(flows: string) {
	fake = startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
	const stripe = loadStripeConfig({
		STRIPE_SECRET_KEY: "sk_test_endpoint0123456789",
		STRIPE_PUBLISHABLE_KEY: "pk_test_endpoint0123456789",
		STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
		STRIPE_FLOWS: flows,
		STRIPE_API_URL: fake.url,
	});
	h = await paymentHarness({ gateways: () => realGateways({ stripe, paypal: null }) });
	// Where Stripe's dashboard points: the one URL of the account.
	fake.webhookUrl = `${h.base}/payment/webhooks/stripe`;
}

async function create(gateway: string) {
	const res = await h.call("POST", "/payment/payments", { body: { ...paymentRequest(), gateway } });
	expect(res.status).toBe(201);
	return Payment.parse(await json(res));
}

describe("the one Stripe webhook URL", () => {
	for (const flows of ["checkout", "elements", "checkout,elements", "elements,checkout"]) {
		test(`STRIPE_FLOWS=${flows}: every enabled flow's payment is settled through /payment/webhooks/stripe`, async () => {
			await setup(flows);
			for (const flow of flows.split(",") as ("checkout" | "elements")[]) {
				const payment = await create(STRIPE_GATEWAY_NAMES[flow]);
				const [delivered] = await fake.succeed(payment.reference, { silent: true });
				const res = await fake.deliver(delivered as Record<string, unknown>);
				expect({ flows, flow, status: res.status }).toEqual({ flows, flow, status: 200 });
				expect(WebhookResult.parse(await res.json())).toMatchObject({ outcome: "applied", status: "succeeded" });
				expect((await h.payments.getPayment(payment.id)).status).toBe("succeeded");
				// The same event again is a duplicate, not a second change.
				const again = await fake.deliver(delivered as Record<string, unknown>);
				expect(WebhookResult.parse(await again.json()).outcome).toBe("duplicate");
			}
			// A forged event at the same URL is refused, whichever flows are on.
			const forged = await fake.deliver(fake.event("payment_intent.succeeded", { id: "pi_forged" }), {
				secret: "whsec_not_the_secret",
			});
			expect(forged.status).toBe(400);
			// The gateway names of the flows are no webhook URLs of their own.
			const named = await h.http(`/payment/webhooks/${STRIPE_GATEWAY_NAMES.checkout}`, { method: "POST", body: "{}" });
			expect(named.status).toBe(404);
		});
	}
});
