import { createHmac } from "node:crypto";
import { resolve } from "node:path";
import { z } from "zod";

// The delivery module's settings (folded into core/src/config.ts). Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const DeliveryEnv = z.object({
	DATABASE_URL_DELIVERY: z.preprocess(blankIsUnset, z.string().optional()),
	/** How long a paid order's download links work. */
	DOWNLOAD_LINK_TTL_HOURS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(8_760).default(168)),
	/** How many downloads one link allows per unit bought. */
	DOWNLOAD_LINK_MAX_DOWNLOADS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(100).default(5)),
});

export interface DeliveryConfig {
	url: string;
	linkTtlMs: number;
	maxDownloads: number;
	/**
	 * The key download tokens are signed with: derived from BAZAAR_SIGNING_SECRET for this one
	 * purpose (only the core signs and checks them, so no second secret to deploy; a token never
	 * verifies as an edge signature or the other way round). Rotating that secret ends every link.
	 */
	linkSecret: string;
}

export function loadDeliveryConfig(
	opts: { dataDir: string; signingSecret: string },
	env: Record<string, string | undefined> = process.env,
): DeliveryConfig {
	const e = DeliveryEnv.parse(env);
	return {
		url: e.DATABASE_URL_DELIVERY ?? `file:${resolve(opts.dataDir, "delivery.db")}`,
		linkTtlMs: e.DOWNLOAD_LINK_TTL_HOURS * 3_600_000,
		maxDownloads: e.DOWNLOAD_LINK_MAX_DOWNLOADS,
		linkSecret: createHmac("sha256", opts.signingSecret).update("bazaar download links").digest("hex"),
	};
}
