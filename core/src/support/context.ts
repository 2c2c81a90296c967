import { resolve } from "node:path";
import type { OrderSummary } from "@bazaar/contracts/order";
import type { Money } from "@bazaar/money";
import type { RateLimiter } from "../identity/rate-limit";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type SupportSchema, supportSchema } from "./schema";

export const SUPPORT_MIGRATIONS = resolve(import.meta.dir, "migrations");

/**
 * What the support module asks of other modules; the composition root wires each to the owning
 * module's verb (workflows/support-ports.ts), so this module never reads their tables.
 */
export interface SupportPorts {
	orders: {
		/** The customer's newest orders. */
		recent(customerId: string, limit: number): Promise<OrderSummary[]>;
		/** The order when it is the customer's own, else null (someone else's is not told apart from none). */
		own(orderId: string, customerId: string): Promise<OrderSummary | null>;
	};
	products: {
		/** The catalog's full-text search, best first. */
		search(text: string, limit: number): Promise<ProductHit[]>;
	};
	people: {
		customerIdByEmail(email: string): Promise<string | null>;
		emailOf(customerId: string): Promise<string | null>;
	};
	/** The core's one rate limiter (identity's buckets, or Redis). */
	limiter: RateLimiter;
}

export interface ProductHit {
	productId: string;
	slug: string;
	title: string;
	price: Money;
}

/** Everything a support verb needs. */
export interface SupportContext extends SupportPorts {
	database: Database<SupportSchema>;
	now: () => number;
}

export interface SupportContextOptions extends SupportPorts {
	url: string;
	migrate?: boolean;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
}

export async function openSupportContext(options: SupportContextOptions): Promise<SupportContext> {
	const database = await openDatabase(options.url, supportSchema);
	if (options.migrate !== false) await migrateDatabase(database, SUPPORT_MIGRATIONS);
	return {
		database,
		orders: options.orders,
		products: options.products,
		people: options.people,
		limiter: options.limiter,
		now: options.now ?? Date.now,
	};
}

/** The one way the support module writes: a unit of its database's group commit. */
export function supportWrite<T>(ctx: SupportContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
