import { resolve } from "node:path";
import { z } from "zod";
import type { BazaarEnv } from "../config";
import { webhookSecret } from "../lib/webhook-secret";
import { loadPayPalConfig, type PayPalConfig } from "./paypal/config";
import { loadStripeConfig, type StripeConfig } from "./stripe/config";

// The payment module's settings. Every one has a default; Stripe and PayPal are off until their keys are set.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const PaymentEnv = z.object({
	DATABASE_URL_PAYMENT: z.preprocess(blankIsUnset, z.string().optional()),
	/**
	 * HMAC key of the sandbox's webhooks. Required in production; elsewhere derived from
	 * BAZAAR_SIGNING_SECRET when unset.
	 */
	SANDBOX_WEBHOOK_SECRET: z.preprocess(blankIsUnset, z.string().min(16).optional()),
	/** Where the shopper's browser reaches the hosted page: the edge proxies /sandbox-pay/* to the core. */
	SANDBOX_PAGE_URL: z.preprocess(blankIsUnset, z.url().optional()),
	/** Where the sandbox POSTs its webhooks (the core's own public route). */
	SANDBOX_WEBHOOK_URL: z.preprocess(blankIsUnset, z.url().optional()),
});

export interface PaymentConfig {
	url: string;
	sandbox: { webhookSecret: string; pageBaseUrl: string; webhookUrl: string };
	/** null: not configured (the gateway stays off). */
	stripe: StripeConfig | null;
	paypal: PayPalConfig | null;
}

export function loadPaymentConfig(
	opts: { dataDir: string; edgeUrl: string; corePort: number; signingSecret: string; env: BazaarEnv },
	env: Record<string, string | undefined> = process.env,
): PaymentConfig {
	const e = PaymentEnv.parse(env);
	const sandboxSecret = webhookSecret(e.SANDBOX_WEBHOOK_SECRET, {
		env: opts.env,
		signingSecret: opts.signingSecret,
		purpose: "bazaar sandbox webhooks",
	});
	if (sandboxSecret === null) throw new Error("SANDBOX_WEBHOOK_SECRET is required in production");
	return {
		url: e.DATABASE_URL_PAYMENT ?? `file:${resolve(opts.dataDir, "payment.db")}`,
		sandbox: {
			webhookSecret: sandboxSecret,
			pageBaseUrl: e.SANDBOX_PAGE_URL ?? `${opts.edgeUrl.replace(/\/$/, "")}/sandbox-pay`,
			webhookUrl: e.SANDBOX_WEBHOOK_URL ?? `http://127.0.0.1:${opts.corePort}/payment/webhooks/sandbox`,
		},
		stripe: loadStripeConfig(env),
		paypal: loadPayPalConfig(env),
	};
}
