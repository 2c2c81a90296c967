import { z } from "zod";

// PayPal's settings, from env only. PayPal is enabled when PAYPAL_CLIENT_ID is set; then the
// secret and the webhook id are required too (a half-configured gateway would take payments it
// can never confirm). Errors name the missing variables, never their values.

export const PAYPAL_API_URLS = {
	sandbox: "https://api-m.sandbox.paypal.com",
	live: "https://api-m.paypal.com",
} as const;

const blankIsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());

export const PayPalEnv = z.object({
	PAYPAL_CLIENT_ID: optional(z.string().max(200)),
	PAYPAL_CLIENT_SECRET: optional(z.string().max(200)),
	/** The id PayPal gave the webhook subscription (verify-webhook-signature needs it). */
	PAYPAL_WEBHOOK_ID: optional(z.string().regex(/^[A-Za-z0-9]{1,100}$/)),
	PAYPAL_MODE: optional(z.enum(["sandbox", "live"])),
	/** Overrides the mode's API base (tests point it at a local fake). */
	PAYPAL_API_URL: optional(z.url({ protocol: /^https?$/ })),
});

export interface PayPalConfig {
	clientId: string;
	clientSecret: string;
	webhookId: string;
	mode: "sandbox" | "live";
	apiUrl: string;
}

export class PayPalConfigError extends Error {}

/** null when PayPal is not configured (the gateway stays off). */
export function loadPayPalConfig(env: Record<string, string | undefined> = process.env): PayPalConfig | null {
	const parsed = PayPalEnv.safeParse(env);
	if (!parsed.success) {
		// Only the names of the bad variables: an issue's message could quote what it received.
		const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
		throw new PayPalConfigError(`PayPal settings are invalid: ${names.join(", ")}.`);
	}
	const e = parsed.data;
	if (!e.PAYPAL_CLIENT_ID) return null;
	const missing = (["PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID"] as const).filter((k) => !e[k]);
	if (missing.length > 0) {
		throw new PayPalConfigError(`PAYPAL_CLIENT_ID is set, so ${missing.join(" and ")} must be set too.`);
	}
	const mode = e.PAYPAL_MODE ?? "sandbox";
	return {
		clientId: e.PAYPAL_CLIENT_ID,
		clientSecret: e.PAYPAL_CLIENT_SECRET as string,
		webhookId: e.PAYPAL_WEBHOOK_ID as string,
		mode,
		apiUrl: (e.PAYPAL_API_URL ?? PAYPAL_API_URLS[mode]).replace(/\/+$/, ""),
	};
}
