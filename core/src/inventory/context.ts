import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb, writeTransaction } from "../lib/db";
import type { InventoryEvent } from "./contracts";
import { type InventorySchema, inventorySchema } from "./schema";
import { gateKey, withWriteGate } from "./write-gate";

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
	/** Write transactions on the same file take turns in this process (see write-gate.ts). */
	gate: string;
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
	const gate = gateKey(options.url);
	if (options.migrate !== false) {
		// Two processes booting on one fresh file would race to create the tables.
		await withWriteGate(gate, () => migrateDatabase(database, INVENTORY_MIGRATIONS));
	}
	return {
		database,
		gate,
		now: options.now ?? Date.now,
		defaultTtlMs: options.defaultTtlMs ?? DEFAULT_TTL_MS,
		emit: options.emit ?? null,
	};
}

/** The one way the inventory writes: BEGIN IMMEDIATE, in turn with this process's other writers. */
export function inventoryWrite<T>(ctx: InventoryContext, fn: (tx: TxDb) => Promise<T>): Promise<T> {
	return withWriteGate(ctx.gate, () => writeTransaction(ctx.database.client, fn));
}

export const iso = (ms: number) => new Date(ms).toISOString();
