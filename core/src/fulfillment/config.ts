import { createHmac } from "node:crypto";
import { resolve } from "node:path";
import { z } from "zod";

// The fulfillment module's settings (folded into core/src/config.ts). Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const FulfillmentEnv = z.object({
	DATABASE_URL_FULFILLMENT: z.preprocess(blankIsUnset, z.string().optional()),
	/** HMAC key of carrier webhooks. Default: derived from BAZAAR_SIGNING_SECRET (like the sandbox's). */
	CARRIER_WEBHOOK_SECRET: z.preprocess(blankIsUnset, z.string().min(16).optional()),
});

export interface FulfillmentConfig {
	url: string;
	carrierWebhookSecret: string;
}

export function loadFulfillmentConfig(
	opts: { dataDir: string; signingSecret: string },
	env: Record<string, string | undefined> = process.env,
): FulfillmentConfig {
	const e = FulfillmentEnv.parse(env);
	return {
		url: e.DATABASE_URL_FULFILLMENT ?? `file:${resolve(opts.dataDir, "fulfillment.db")}`,
		carrierWebhookSecret:
			e.CARRIER_WEBHOOK_SECRET ??
			createHmac("sha256", opts.signingSecret).update("bazaar carrier webhooks").digest("hex"),
	};
}
