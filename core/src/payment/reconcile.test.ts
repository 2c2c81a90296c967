import { afterEach, expect, test } from "bun:test";
import { Payment, WebhookResult } from "@bazaar/contracts/payment";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { reconcile } from "./reconcile";
import { STRIPE_GATEWAY_NAMES, StripeGateway } from "./stripe/gateway";
import { type FakeStripe, startFakeStripe } from "./stripe/testing/fake-stripe";
import { type PaymentHarness, paymentHarness, paymentRequest } from "./testing/fixtures";

// Missed webhooks: Stripe took the money (or declined) but its webhook never reached us.
// Reconciliation asks Stripe, settles from its answer, logs the run, and the webhook arriving late
// changes nothing more.

const WEBHOOK_SECRET = "whsec_test_reconcile_0123456789";
let h: PaymentHarness;
let fake: FakeStripe;
afterEach(async () => {
	await h?.close();
	fake?.stop();
});

async function create(amount: number) {
	const res = await h.call("POST", "/payment/payments", {
		body: { ...paymentRequest(undefined, amount), gateway: STRIPE_GATEWAY_NAMES.elements },
	});
	expect(res.status).toBe(201);
	return Payment.parse(await json(res));
}

const outboxTypes = async () =>
	(await rows(h.payments.context.database, "SELECT type FROM bus_outbox ORDER BY seq")).map((r) => String(r.type));

test("payments whose webhooks were lost are settled from the gateway's answer; the run is logged for admins", async () => {
	fake = startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
	h = await paymentHarness({
		gateways: () => [
			new StripeGateway({
				secretKey: "sk_test_reconcile",
				webhookSecret: WEBHOOK_SECRET,
				flow: "elements",
				api: fake.api,
			}),
		],
	});
	fake.webhookUrl = `${h.base}/payment/webhooks/stripe`;
	const paid = await create(10_00);
	const declined = await create(20_00);
	const open = await create(30_00);
	const [lostSuccess] = await fake.succeed(paid.reference, { silent: true });
	await fake.decline(declined.reference, "Do not honour", { silent: true });

	// Too young: the webhook may still be on its way.
	const early = await reconcile(h.payments.context, { olderThanMs: 60_000 });
	expect(early.checked).toBe(0);

	const res = await h.call("POST", "/payment/admin/reconcile");
	expect(res.status).toBe(200);
	// The admin's run uses the module's grace period (10 min): nothing is old enough yet either.
	expect(((await json(res)) as { checked: number }).checked).toBe(0);

	const run = await reconcile(h.payments.context, { olderThanMs: 0, trigger: "admin" });
	expect(run).toMatchObject({ checked: 3, settled: 2, stillPending: 1, errors: 0 });
	expect((await h.payments.getPayment(paid.id)).status).toBe("succeeded");
	expect((await h.payments.getPayment(declined.id)).status).toBe("failed");
	expect((await h.payments.getPayment(open.id)).status).toBe("requires_action");
	expect(await outboxTypes()).toEqual(["payment.succeeded", "payment.failed"]);

	// The lost webhook finally arrives: acknowledged, nothing changes twice.
	const late = await fake.deliver(lostSuccess as Record<string, unknown>);
	expect(late.status).toBe(200);
	expect(WebhookResult.parse(await late.json()).outcome).toBe("stale");
	// A second run asks only about what is still open.
	expect(await reconcile(h.payments.context, { olderThanMs: 0 })).toMatchObject({ checked: 1, settled: 0 });
	expect(await outboxTypes()).toEqual(["payment.succeeded", "payment.failed"]);

	const runs = await h.call("GET", "/payment/admin/reconciliation-runs");
	expect(runs.status).toBe(200);
	const { items } = (await json(runs)) as { items: { trigger: string; checked: number; details: unknown[] }[] };
	expect(items.map((r) => [r.trigger, r.checked])).toEqual([
		["schedule", 1],
		["admin", 3],
		["admin", 0],
	]);
	expect(items[1]?.details).toContainEqual({
		paymentId: paid.id,
		gateway: "stripe",
		outcome: "settled",
		detail: "succeeded (applied)",
	});
});

test("a gateway that cannot be reached is an error line, not a failed run", async () => {
	fake = startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
	h = await paymentHarness({
		gateways: () => [
			new StripeGateway({
				secretKey: "sk_test_reconcile",
				webhookSecret: WEBHOOK_SECRET,
				flow: "elements",
				api: fake.api,
			}),
		],
	});
	const payment = await create(5_00);
	fake.stop();
	const run = await reconcile(h.payments.context, { olderThanMs: 0 });
	expect(run).toMatchObject({ checked: 1, settled: 0, errors: 1 });
	expect((await h.payments.getPayment(payment.id)).status).toBe("requires_action");
});
