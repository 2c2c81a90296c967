import { z } from "zod";
import type { StripeFlow } from "./gateway";

// Stripe's settings, from env only. Stripe is on when STRIPE_SECRET_KEY is set; the webhook
// secret is then required (without it no payment could ever be confirmed), and the publishable
// key too when the Payment Element flow is enabled. Errors name variables, never their values.

const blankIsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());

export const StripeEnv = z.object({
	STRIPE_SECRET_KEY: optional(z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/)),
	STRIPE_PUBLISHABLE_KEY: optional(z.string().regex(/^pk_(test|live)_[A-Za-z0-9]+$/)),
	STRIPE_WEBHOOK_SECRET: optional(z.string().regex(/^whsec_[A-Za-z0-9_]+$/)),
	/** Which flows the shopper may choose: checkout (hosted page), elements (Payment Element). */
	STRIPE_FLOWS: optional(z.string().regex(/^(checkout|elements)(,(checkout|elements))*$/)),
	/** Overrides api.stripe.com (tests point it at a local fake): http(s)://host:port. */
	STRIPE_API_URL: optional(z.url({ protocol: /^https?$/ })),
});

export interface StripeConfig {
	secretKey: string;
	publishableKey: string | null;
	webhookSecret: string;
	flows: StripeFlow[];
	api: { host: string; port: number; protocol: "http" | "https" } | null;
	/** Keys say which: sk_live_ / sk_test_. */
	mode: "live" | "test";
}

export class StripeConfigError extends Error {}

export function loadStripeConfig(env: Record<string, string | undefined> = process.env): StripeConfig | null {
	const parsed = StripeEnv.safeParse(env);
	if (!parsed.success) {
		const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
		throw new StripeConfigError(`Stripe settings are invalid: ${names.join(", ")}.`);
	}
	const e = parsed.data;
	if (!e.STRIPE_SECRET_KEY) return null;
	if (!e.STRIPE_WEBHOOK_SECRET)
		throw new StripeConfigError("STRIPE_SECRET_KEY is set, so STRIPE_WEBHOOK_SECRET must be set too.");
	const flows = [...new Set((e.STRIPE_FLOWS ?? "checkout,elements").split(","))] as StripeFlow[];
	if (flows.includes("elements") && !e.STRIPE_PUBLISHABLE_KEY) {
		throw new StripeConfigError(
			"The Payment Element flow needs STRIPE_PUBLISHABLE_KEY (or set STRIPE_FLOWS=checkout).",
		);
	}
	const mode = e.STRIPE_SECRET_KEY.includes("_live_") ? "live" : "test";
	if (e.STRIPE_PUBLISHABLE_KEY && e.STRIPE_PUBLISHABLE_KEY.includes("_live_") !== (mode === "live")) {
		throw new StripeConfigError("STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are from different modes (live/test).");
	}
	let api: StripeConfig["api"] = null;
	if (e.STRIPE_API_URL) {
		const u = new URL(e.STRIPE_API_URL);
		const protocol = u.protocol === "http:" ? "http" : "https";
		api = { host: u.hostname, port: Number(u.port || (protocol === "http" ? 80 : 443)), protocol };
	}
	return {
		secretKey: e.STRIPE_SECRET_KEY,
		publishableKey: e.STRIPE_PUBLISHABLE_KEY ?? null,
		webhookSecret: e.STRIPE_WEBHOOK_SECRET,
		flows,
		api,
		mode,
	};
}
