import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import type { InventoryEvent } from "./contracts";
import { type InventorySchema, inventorySchema } from "./schema";

export const INVENTORY_MIGRATIONS = resolve(import.meta.dir, "migrations");
export const DEFAULT_TTL_MS = 15 * 60_000;

/**
 * The seam for the message bus (core/src/bus, not wired yet): called inside the write
 * transaction of the change, with that transaction, so an outbox row commits or rolls back
 * with the change itself. It must only write through `tx`.
 */
export type InventoryEmit = (tx: TxDb, event: InventoryEvent) => Promise<void> | void;

/** Everything an inventory verb needs. */
export interface InventoryContext {
	database: Database<InventorySchema>;
	now: () => number;
	defaultTtlMs: number;
	emit: InventoryEmit | null;
}

export interface InventoryContextOptions {
	url: string;
	migrate?: boolean;
	defaultTtlMs?: number;
	emit?: InventoryEmit | null;
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
		emit: options.emit ?? null,
	};
}

/** The one way the inventory writes: a unit of the database's group commit. */
export function inventoryWrite<T>(ctx: InventoryContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
