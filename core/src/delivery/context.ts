import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type DeliverySchema, deliverySchema } from "./schema";

export const DELIVERY_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a delivery verb needs. */
export interface DeliveryContext {
	database: Database<DeliverySchema>;
	now: () => number;
	linkSecret: string;
	linkTtlMs: number;
	maxDownloads: number;
}

export interface DeliveryContextOptions {
	url: string;
	linkSecret: string;
	linkTtlMs: number;
	maxDownloads: number;
	migrate?: boolean;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
}

export async function openDeliveryContext(options: DeliveryContextOptions): Promise<DeliveryContext> {
	const database = await openDatabase(options.url, deliverySchema);
	if (options.migrate !== false) await migrateDatabase(database, DELIVERY_MIGRATIONS);
	return {
		database,
		now: options.now ?? Date.now,
		linkSecret: options.linkSecret,
		linkTtlMs: options.linkTtlMs,
		maxDownloads: options.maxDownloads,
	};
}

/** The one way the delivery module writes: a unit of its database's group commit. */
export function deliveryWrite<T>(ctx: DeliveryContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
