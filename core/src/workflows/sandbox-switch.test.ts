import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { and, eq } from "drizzle-orm";
import { products, variantPrices, variants } from "../catalog/schema";
import { loadPaymentConfig } from "../payment/config";
import { type FakeStripe, startFakeStripe } from "../payment/stripe/testing/fake-stripe";
import { json, tempDir } from "../testing/harness";
import { freePort, startCore } from "./testing/core-process";
import { checkoutBody, registerCustomer, type Stack, stack } from "./testing/stack";

// The sandbox gateway is a development convenience: it exists only where PAYMENT_SANDBOX=on (the
// local stack and the test launchers), and never beside a live gateway. A core started without
// the switch has no sandbox: not offered, not choosable, its page and webhook are 404, and the
// first real gateway is the default; with no gateway at all checkout is a clear 409.

const CONFIG = {
	env: "test" as const,
	dataDir: "/tmp/none",
	edgeUrl: "http://shop.test",
	corePort: 4000,
	signingSecret: "x".repeat(32),
};
const STRIPE = {
	STRIPE_SECRET_KEY: "sk_test_sandboxswitch",
	STRIPE_WEBHOOK_SECRET: "whsec_sandbox_switch",
	STRIPE_FLOWS: "checkout",
};

describe("PAYMENT_SANDBOX", () => {
	test("off unless switched on; refused beside a live Stripe key or live PayPal, naming the variables only", () => {
		expect(loadPaymentConfig(CONFIG, {}).sandbox).toBeNull();
		expect(loadPaymentConfig(CONFIG, { PAYMENT_SANDBOX: "" }).sandbox).toBeNull();
		expect(loadPaymentConfig(CONFIG, { PAYMENT_SANDBOX: "off" }).sandbox).toBeNull();
		expect(loadPaymentConfig(CONFIG, { PAYMENT_SANDBOX: "on" }).sandbox).toMatchObject({
			pageBaseUrl: "http://shop.test/sandbox-pay",
		});
		// Test keys are fine beside it.
		expect(loadPaymentConfig(CONFIG, { PAYMENT_SANDBOX: "on", ...STRIPE }).sandbox).not.toBeNull();
		const liveKey = "sk_live_ThisIsAVeryRealLookingKey";
		const live = () => loadPaymentConfig(CONFIG, { PAYMENT_SANDBOX: "on", ...STRIPE, STRIPE_SECRET_KEY: liveKey });
		expect(live).toThrow(/PAYMENT_SANDBOX=on cannot run beside a live gateway \(STRIPE_SECRET_KEY is a live key\)/);
		expect(() => live()).not.toThrow(new RegExp(liveKey));
		// Without the sandbox, a live key is what production runs.
		expect(
			loadPaymentConfig(CONFIG, { ...STRIPE, STRIPE_SECRET_KEY: liveKey, STRIPE_FLOWS: "checkout" }).stripe?.mode,
		).toBe("live");
		const paypal = {
			PAYPAL_CLIENT_ID: "AclientId123",
			PAYPAL_CLIENT_SECRET: "EsecretValue-never-shown",
			PAYPAL_WEBHOOK_ID: "8PT597110X687430LKGECATA",
		};
		expect(() => loadPaymentConfig(CONFIG, { PAYMENT_SANDBOX: "on", ...paypal, PAYPAL_MODE: "live" })).toThrow(
			/PAYPAL_MODE is live/,
		);
		expect(() => loadPaymentConfig(CONFIG, { PAYMENT_SANDBOX: "maybe" })).toThrow();
	});

	test("the core process refuses to start with the sandbox on beside a live key, and says why", async () => {
		const core = startCore(tempDir("bazaar-sandbox-live-"), freePort(), {
			PAYMENT_SANDBOX: "on",
			STRIPE_SECRET_KEY: "sk_live_ThisIsAVeryRealLookingKey",
			STRIPE_WEBHOOK_SECRET: "whsec_live_secret",
			STRIPE_FLOWS: "checkout",
		});
		const ended = await core.ended();
		expect(ended).not.toBe(0);
		const log = core.lines.join("\n");
		expect(log).toContain("PAYMENT_SANDBOX=on cannot run beside a live gateway");
		expect(log).not.toContain("ThisIsAVeryRealLookingKey");
		expect(log).not.toContain("whsec_live_secret");
	});
});

let skip = 0;
/** A new customer with one stocked USD line in the cart. */
async function shopper(s: Stack): Promise<Caller> {
	const caller = await registerCustomer(s);
	const rows = await s.core.catalog.catalog.database.db
		.select({ id: variants.id, sku: variants.sku })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(and(eq(products.status, "active"), eq(products.kind, "physical"), eq(variants.inStock, true)));
	const row = rows[skip++];
	if (!row) throw new Error("no stocked variant left");
	expect((await s.call("POST", "/cart/lines", { caller, body: { variantId: row.id, quantity: 1 } })).status).toBe(200);
	return caller;
}

const checkout = (s: Stack, caller: Caller, key: string, body: Record<string, unknown> = {}) =>
	s.call("POST", "/checkout", { caller, body: checkoutBody(body), headers: { "idempotency-key": key } });

describe("a core started without PAYMENT_SANDBOX, Stripe configured", () => {
	let fake: FakeStripe;
	let s: Stack;
	beforeAll(async () => {
		fake = startFakeStripe({ webhookSecret: STRIPE.STRIPE_WEBHOOK_SECRET });
		s = await stack({ PAYMENT_SANDBOX: "", ...STRIPE, STRIPE_API_URL: fake.url });
	}, 60_000);
	afterAll(async () => {
		await s?.close();
		fake?.stop();
	});

	test("no sandbox offered; the first real gateway is the default; choosing the sandbox is a 422", async () => {
		const caller = await shopper(s);
		const list = await json<{ default: string; items: { name: string }[] }>(
			await s.call("GET", "/checkout/gateways", { caller }),
		);
		expect(list.items.map((g) => g.name)).toEqual(["stripe_checkout"]);
		expect(list.default).toBe("stripe_checkout");

		const chosen = await checkout(s, caller, "no-sandbox-choice-1", { gateway: "sandbox" });
		expect(chosen.status).toBe(422);
		expect(chosen.headers.get("content-type")).toContain("application/problem+json");
		expect(await chosen.text()).toContain("sandbox is not enabled");

		const placed = await checkout(s, caller, "no-sandbox-default-1");
		expect(placed.status).toBe(201);
		const answer = await json<{ payment: { gateway: string; redirectUrl: string } }>(placed);
		expect(answer.payment.gateway).toBe("stripe_checkout");
		expect(answer.payment.redirectUrl).toStartWith(fake.url);
	});

	test("its page and its webhook are 404", async () => {
		const caller = await shopper(s);
		const ref = "sbx_AAAAAAAAAAAAAAAAAAAAAAAA";
		expect((await s.call("GET", `/payment/sandbox/pay/${ref}`, { caller })).status).toBe(404);
		expect((await s.call("POST", `/payment/sandbox/pay/${ref}/approve`, { caller })).status).toBe(404);
		const hook = await s.http("/payment/webhooks/sandbox", {
			method: "POST",
			headers: { "content-type": "application/json", "sandbox-signature": "t=1,v1=00" },
			body: "{}",
		});
		expect(hook.status).toBe(404);
		expect(hook.headers.get("content-type")).toContain("application/problem+json");
	});
});

describe("a core with no gateway at all", () => {
	let s: Stack;
	beforeAll(async () => {
		s = await stack({ PAYMENT_SANDBOX: "off" });
	}, 60_000);
	afterAll(async () => {
		await s?.close();
	});

	test("checkout is a 409 problem that holds nothing; the gateway list is empty", async () => {
		const caller = await shopper(s);
		const list = await json<{ default: string | null; items: unknown[] }>(
			await s.call("GET", "/checkout/gateways", { caller }),
		);
		expect(list).toEqual({ default: null, items: [] });
		const res = await checkout(s, caller, "no-gateway-at-all-1");
		expect(res.status).toBe(409);
		expect(res.headers.get("content-type")).toContain("application/problem+json");
		expect(await res.text()).toContain("No payment gateway is configured");
		// Nothing was placed and the cart still holds its line.
		const orders = await json<{ items: unknown[] }>(await s.call("GET", "/orders", { caller }));
		expect(orders.items).toEqual([]);
		const cart = await json<{ lines: unknown[] }>(await s.call("GET", "/cart", { caller }));
		expect(cart.lines).toHaveLength(1);
	});
});
