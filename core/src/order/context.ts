import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type OrderSchema, orderSchema } from "./schema";

export const ORDER_MIGRATIONS = resolve(import.meta.dir, "migrations");
export const DEFAULT_PAYMENT_TTL_MS = 15 * 60_000;

/** Everything an order verb needs. */
export interface OrderContext {
	database: Database<OrderSchema>;
	now: () => number;
	/** How long a new order waits for its payment. */
	paymentTtlMs: number;
	/** Keys guest orders' links (guest-orders.ts). */
	guestLinkSecret: string;
}

export interface OrderContextOptions {
	url: string;
	migrate?: boolean;
	paymentTtlMs?: number;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
	/** Keys guest orders' links; without one (tests of other verbs) a random one per process. */
	guestLinkSecret?: string;
}

export async function openOrderContext(options: OrderContextOptions): Promise<OrderContext> {
	const database = await openDatabase(options.url, orderSchema);
	if (options.migrate !== false) await migrateDatabase(database, ORDER_MIGRATIONS);
	return {
		database,
		now: options.now ?? Date.now,
		paymentTtlMs: options.paymentTtlMs ?? DEFAULT_PAYMENT_TTL_MS,
		guestLinkSecret: options.guestLinkSecret ?? randomBytes(32).toString("hex"),
	};
}

/** The one way the order module writes: a unit of its database's group commit. */
export function orderWrite<T>(ctx: OrderContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
