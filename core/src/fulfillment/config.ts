import { resolve } from "node:path";
import { z } from "zod";
import type { BazaarEnv } from "../config";
import { webhookSecret } from "../lib/webhook-secret";

// The fulfillment module's settings (folded into core/src/config.ts). Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const FulfillmentEnv = z.object({
	DATABASE_URL_FULFILLMENT: z.preprocess(blankIsUnset, z.string().optional()),
	/**
	 * HMAC key of carrier webhooks. In production, unset means the carrier webhook is off (404):
	 * nothing derived from another secret is accepted there. Elsewhere derived from BAZAAR_SIGNING_SECRET.
	 */
	CARRIER_WEBHOOK_SECRET: z.preprocess(blankIsUnset, z.string().min(16).optional()),
});

export interface FulfillmentConfig {
	url: string;
	/** null: carrier webhooks are off (production without CARRIER_WEBHOOK_SECRET). */
	carrierWebhookSecret: string | null;
}

export function loadFulfillmentConfig(
	opts: { dataDir: string; signingSecret: string; env: BazaarEnv },
	env: Record<string, string | undefined> = process.env,
): FulfillmentConfig {
	const e = FulfillmentEnv.parse(env);
	return {
		url: e.DATABASE_URL_FULFILLMENT ?? `file:${resolve(opts.dataDir, "fulfillment.db")}`,
		carrierWebhookSecret: webhookSecret(e.CARRIER_WEBHOOK_SECRET, {
			env: opts.env,
			signingSecret: opts.signingSecret,
			purpose: "bazaar carrier webhooks",
		}),
	};
}
