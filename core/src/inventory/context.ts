import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type InventorySchema, inventorySchema } from "./schema";

export const INVENTORY_MIGRATIONS = resolve(import.meta.dir, "migrations");
export const DEFAULT_TTL_MS = 15 * 60_000;

/** Everything an inventory verb needs. */
export interface InventoryContext {
	database: Database<InventorySchema>;
	now: () => number;
	defaultTtlMs: number;
}

export interface InventoryContextOptions {
	url: string;
	migrate?: boolean;
	defaultTtlMs?: number;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
}

export async function openInventoryContext(options: InventoryContextOptions): Promise<InventoryContext> {
	const database = await openDatabase(options.url, inventorySchema);
	if (options.migrate !== false) await migrateDatabase(database, INVENTORY_MIGRATIONS);
	return {
		database,
		now: options.now ?? Date.now,
		defaultTtlMs: options.defaultTtlMs ?? DEFAULT_TTL_MS,
	};
}

/** The one way the inventory writes: a unit of the database's group commit. */
export function inventoryWrite<T>(ctx: InventoryContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
