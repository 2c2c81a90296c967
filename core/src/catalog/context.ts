import { resolve } from "node:path";
import type { CatalogEvent, CatalogEventType } from "@bazaar/contracts";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type CatalogSchema, catalogMeta, catalogSchema, outbox } from "./schema";

export const CATALOG_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a catalog service verb needs: its database, where images live, and a hook. */
export interface Catalog {
	database: Database<CatalogSchema>;
	imagesDir: string;
	/**
	 * Runs after every committed write, before the write is acknowledged (the outbox relay
	 * publishes the new events here, so this instance reads its own writes).
	 */
	afterCommit: Array<() => Promise<void>>;
}

export async function openCatalog(options: { url: string; imagesDir: string; migrate?: boolean }): Promise<Catalog> {
	const database = await openDatabase(options.url, catalogSchema);
	if (options.migrate !== false) await migrateDatabase(database, CATALOG_MIGRATIONS);
	return { database, imagesDir: options.imagesDir, afterCommit: [] };
}

const OUTBOX_CHUNK = 500;

export type EventData = CatalogEvent["data"];
export type Emit = (type: CatalogEventType, data: EventData) => void;

export const nowIso = () => new Date().toISOString();

/**
 * The one way the catalog writes. In a single write transaction: the change itself, a bump of
 * the catalog version, and one outbox row per event carrying that version. Either all of it
 * commits or none of it does, so caches can never miss a change that became visible.
 */
export async function catalogWrite<T>(catalog: Catalog, fn: (tx: TxDb, emit: Emit) => Promise<T>): Promise<T> {
	const result = await catalog.database.write(async (tx) => {
		const pending: { type: CatalogEventType; data: EventData }[] = [];
		const value = await fn(tx, (type, data) => pending.push({ type, data }));
		if (pending.length > 0) {
			const [row] = await tx
				.update(catalogMeta)
				.set({ version: sql`${catalogMeta.version} + 1` })
				.where(sql`${catalogMeta.id} = 1`)
				.returning({ version: catalogMeta.version });
			if (!row) throw new Error("catalog_meta row is missing; run the migrations");
			const occurredAt = nowIso();
			const rows = pending.map((e) => {
				const event: CatalogEvent = { id: newId("evt"), type: e.type, occurredAt, version: row.version, data: e.data };
				return { id: event.id, type: event.type, payload: JSON.stringify(event), createdAt: occurredAt };
			});
			// A seed emits thousands of events; SQLite caps the bound parameters of one statement.
			for (let i = 0; i < rows.length; i += OUTBOX_CHUNK) {
				await tx.insert(outbox).values(rows.slice(i, i + OUTBOX_CHUNK));
			}
		}
		return value;
	});
	for (const hook of catalog.afterCommit) {
		try {
			await hook();
		} catch (err) {
			// The write is committed and the outbox holds its events; the relay's next pass
			// delivers them, so a failing hook must not turn a success into an error.
			console.error("catalog afterCommit hook failed:", err);
		}
	}
	return result;
}

export async function readVersion(catalog: Catalog): Promise<number> {
	const rows = await catalog.database.db.select({ version: catalogMeta.version }).from(catalogMeta).limit(1);
	return rows[0]?.version ?? 0;
}
