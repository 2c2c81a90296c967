import { resolve } from "node:path";
import { z } from "zod";

// The inventory's settings, for the lead to fold into core/src/config.ts. Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const InventoryEnv = z.object({
	DATABASE_URL_INVENTORY: z.preprocess(blankIsUnset, z.string().optional()),
	/** How long an unpaid reservation holds its stock (the default: 15 minutes). */
	INVENTORY_RESERVATION_TTL_SECONDS: z.preprocess(
		blankIsUnset,
		z.coerce.number().int().min(1).max(86_400).default(900),
	),
	/** How often the sweeper releases expired reservations. */
	INVENTORY_SWEEP_MS: z.preprocess(blankIsUnset, z.coerce.number().int().min(50).max(600_000).default(1_000)),
});

export interface InventoryConfig {
	url: string;
	defaultTtlMs: number;
	sweepIntervalMs: number;
}

export function loadInventoryConfig(
	dataDir: string,
	env: Record<string, string | undefined> = process.env,
): InventoryConfig {
	const e = InventoryEnv.parse(env);
	return {
		url: e.DATABASE_URL_INVENTORY ?? `file:${resolve(dataDir, "inventory.db")}`,
		defaultTtlMs: e.INVENTORY_RESERVATION_TTL_SECONDS * 1000,
		sweepIntervalMs: e.INVENTORY_SWEEP_MS,
	};
}
