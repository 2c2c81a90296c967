import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type FlashSchema, flashSchema } from "./schema";

export const FLASH_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a flash verb needs. */
export interface FlashContext {
	database: Database<FlashSchema>;
	now: () => number;
}

export interface FlashContextOptions {
	url: string;
	migrate?: boolean;
	now?: () => number;
}

export async function openFlashContext(options: FlashContextOptions): Promise<FlashContext> {
	const database = await openDatabase(options.url, flashSchema);
	if (options.migrate !== false) await migrateDatabase(database, FLASH_MIGRATIONS);
	return { database, now: options.now ?? Date.now };
}

/** The one way the flash module writes: a unit of its database's group commit. */
export function flashWrite<T>(ctx: FlashContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
