import { resolve } from "node:path";
import { openLibsqlBus } from "./libsql-transport";
import { openRedisBus } from "./redis-transport";
import type { Bus } from "./transport";

// Picks the backend from the configuration (DESIGN.md: the embedded default is libSQL; setting
// REDIS_URL switches to Redis Streams). Both behave the same behind the Bus interface.

export interface BusConfig {
	/** Set: Redis Streams. Unset: the libSQL bus database. */
	redisUrl?: string | null;
	/** Where `bus.db` lives when no busDbUrl is given. */
	dataDir?: string;
	/** Overrides `file:<dataDir>/bus.db` (env DATABASE_URL_BUS), e.g. a libSQL server. */
	busDbUrl?: string | null;
	/** Redis key prefix (default `bazaar:bus`). */
	prefix?: string;
	dedupWindowMs?: number;
	retainMs?: number;
}

export async function createBus(config: BusConfig): Promise<Bus> {
	if (config.redisUrl) {
		return openRedisBus({
			url: config.redisUrl,
			prefix: config.prefix,
			dedupWindowMs: config.dedupWindowMs,
			retainMs: config.retainMs,
		});
	}
	const url = config.busDbUrl ?? `file:${resolve(config.dataDir ?? "data", "bus.db")}`;
	return openLibsqlBus({ url, retainMs: config.retainMs });
}
