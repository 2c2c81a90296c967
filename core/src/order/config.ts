import { resolve } from "node:path";
import { z } from "zod";

// The order module's settings, for the lead to fold into core/src/config.ts. Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const OrderEnv = z.object({
	DATABASE_URL_ORDER: z.preprocess(blankIsUnset, z.string().optional()),
	/** How long an order waits for its payment before it expires (the default: 15 minutes). */
	ORDER_PAYMENT_TTL_SECONDS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(86_400).default(900)),
	/** How often the sweeper expires unpaid orders. */
	ORDER_SWEEP_MS: z.preprocess(blankIsUnset, z.coerce.number().int().min(50).max(600_000).default(5_000)),
});

export interface OrderConfig {
	url: string;
	paymentTtlMs: number;
	sweepIntervalMs: number;
}

export function loadOrderConfig(dataDir: string, env: Record<string, string | undefined> = process.env): OrderConfig {
	const e = OrderEnv.parse(env);
	return {
		url: e.DATABASE_URL_ORDER ?? `file:${resolve(dataDir, "order.db")}`,
		paymentTtlMs: e.ORDER_PAYMENT_TTL_SECONDS * 1000,
		sweepIntervalMs: e.ORDER_SWEEP_MS,
	};
}
