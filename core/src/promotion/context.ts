import { resolve } from "node:path";
import type { RateLimiter } from "../identity/rate-limit";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type PromotionSchema, promotionSchema } from "./schema";

export const PROMOTION_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a promotion verb needs. */
export interface PromotionContext {
	database: Database<PromotionSchema>;
	now: () => number;
	/** The core's one rate limiter (identity's buckets, or Redis): coupon attempts take from it. */
	limiter: RateLimiter;
}

export interface PromotionContextOptions {
	url: string;
	limiter: RateLimiter;
	migrate?: boolean;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
}

export async function openPromotionContext(options: PromotionContextOptions): Promise<PromotionContext> {
	const database = await openDatabase(options.url, promotionSchema);
	if (options.migrate !== false) await migrateDatabase(database, PROMOTION_MIGRATIONS);
	return { database, now: options.now ?? Date.now, limiter: options.limiter };
}

/** The one way the promotion module writes: a unit of its database's group commit. */
export function promotionWrite<T>(ctx: PromotionContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
