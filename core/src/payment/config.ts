import { resolve } from "node:path";
import { z } from "zod";
import type { BazaarEnv } from "../config";
import { webhookSecret } from "../lib/webhook-secret";
import { loadPayPalConfig, type PayPalConfig } from "./paypal/config";
import { loadStripeConfig, type StripeConfig } from "./stripe/config";

// The payment module's settings. Every one has a default; Stripe and PayPal are off until their
// keys are set, and the built-in sandbox gateway (a development convenience: anyone who reaches
// its page can "pay" without money) is off unless PAYMENT_SANDBOX=on — `npm start` and the test
// launchers switch it on. It never runs beside a live gateway: a shop taking real money must not
// also offer a button that marks orders paid for free.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const PaymentEnv = z.object({
	DATABASE_URL_PAYMENT: z.preprocess(blankIsUnset, z.string().optional()),
	/** The built-in sandbox gateway: `on` in local stacks and tests only. */
	PAYMENT_SANDBOX: z.preprocess(blankIsUnset, z.enum(["on", "off"]).default("off")),
	/**
	 * HMAC key of the sandbox's webhooks. Required in production when the sandbox is on;
	 * elsewhere derived from BAZAAR_SIGNING_SECRET when unset.
	 */
	SANDBOX_WEBHOOK_SECRET: z.preprocess(blankIsUnset, z.string().min(16).optional()),
	/** Where the shopper's browser reaches the hosted page: the edge proxies /sandbox-pay/* to the core. */
	SANDBOX_PAGE_URL: z.preprocess(blankIsUnset, z.url().optional()),
	/** Where the sandbox POSTs its webhooks (the core's own public route). */
	SANDBOX_WEBHOOK_URL: z.preprocess(blankIsUnset, z.url().optional()),
});

export interface PaymentConfig {
	url: string;
	/** null: PAYMENT_SANDBOX is off (the default), the sandbox gateway does not exist. */
	sandbox: { webhookSecret: string; pageBaseUrl: string; webhookUrl: string } | null;
	/** null: not configured (the gateway stays off). */
	stripe: StripeConfig | null;
	paypal: PayPalConfig | null;
}

export function loadPaymentConfig(
	opts: { dataDir: string; edgeUrl: string; corePort: number; signingSecret: string; env: BazaarEnv },
	env: Record<string, string | undefined> = process.env,
): PaymentConfig {
	const e = PaymentEnv.parse(env);
	const stripe = loadStripeConfig(env);
	const paypal = loadPayPalConfig(env);
	const sandbox = e.PAYMENT_SANDBOX === "on";
	if (sandbox && (stripe?.mode === "live" || paypal?.mode === "live")) {
		const live = [
			...(stripe?.mode === "live" ? ["STRIPE_SECRET_KEY is a live key"] : []),
			...(paypal?.mode === "live" ? ["PAYPAL_MODE is live"] : []),
		];
		throw new SandboxWithLiveGatewayError(
			`PAYMENT_SANDBOX=on cannot run beside a live gateway (${live.join(", ")}): unset PAYMENT_SANDBOX or use test keys.`,
		);
	}
	const sandboxSecret = sandbox
		? webhookSecret(e.SANDBOX_WEBHOOK_SECRET, {
				env: opts.env,
				signingSecret: opts.signingSecret,
				purpose: "bazaar sandbox webhooks",
			})
		: null;
	if (sandbox && sandboxSecret === null) throw new Error("SANDBOX_WEBHOOK_SECRET is required in production");
	return {
		url: e.DATABASE_URL_PAYMENT ?? `file:${resolve(opts.dataDir, "payment.db")}`,
		sandbox:
			sandbox && sandboxSecret !== null
				? {
						webhookSecret: sandboxSecret,
						pageBaseUrl: e.SANDBOX_PAGE_URL ?? `${opts.edgeUrl.replace(/\/$/, "")}/sandbox-pay`,
						webhookUrl: e.SANDBOX_WEBHOOK_URL ?? `http://127.0.0.1:${opts.corePort}/payment/webhooks/sandbox`,
					}
				: null,
		stripe,
		paypal,
	};
}

/** The core refuses to start: the sandbox was switched on while a gateway takes real money. */
export class SandboxWithLiveGatewayError extends Error {}
