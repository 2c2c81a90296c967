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
	/** Called after a commit that wrote outbox rows (the lead passes `() => relay.kick()`). */
	onEvents: () => void;
}

export interface OrderContextOptions {
	url: string;
	migrate?: boolean;
	paymentTtlMs?: number;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
	onEvents?: () => void;
}

export async function openOrderContext(options: OrderContextOptions): Promise<OrderContext> {
	const database = await openDatabase(options.url, orderSchema);
	if (options.migrate !== false) await migrateDatabase(database, ORDER_MIGRATIONS);
	return {
		database,
		now: options.now ?? Date.now,
		paymentTtlMs: options.paymentTtlMs ?? DEFAULT_PAYMENT_TTL_MS,
		onEvents: options.onEvents ?? (() => {}),
	};
}

/** BEGIN IMMEDIATE, in turn with this process's other writers on the file; events kicked after commit. */
export async function orderWrite<T>(ctx: OrderContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	const result = await ctx.database.write(fn);
	ctx.onEvents();
	return result;
}

export const iso = (ms: number) => new Date(ms).toISOString();
