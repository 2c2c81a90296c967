import { resolve } from "node:path";
import type { CatalogEvent, CatalogEventType } from "@bazaar/contracts";
import { sql } from "drizzle-orm";
import { emit as busEmit } from "../bus/emit";
import { type Database, migrateDatabase, openDatabase, type ReplicaOptions, type TxDb } from "../lib/db";
import { type CatalogSchema, catalogMeta, catalogSchema } from "./schema";

export const CATALOG_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a catalog service verb needs: its database, where images live, and a hook. */
export interface Catalog {
	database: Database<CatalogSchema>;
	imagesDir: string;
	/**
	 * Told the new catalog version after every committed write that changed it, before the write
	 * is acknowledged (the read cache moves on here, so this instance reads its own writes).
	 */
	afterCommit: Array<(version: number) => void>;
}

export async function openCatalog(options: {
	url: string;
	imagesDir: string;
	migrate?: boolean;
	/** Reads from an embedded replica of a remote catalog database (writes go to the server). */
	replica?: ReplicaOptions | null;
}): Promise<Catalog> {
	const database = await openDatabase(options.url, catalogSchema, options.replica ? { replica: options.replica } : {});
	if (options.migrate !== false) await migrateDatabase(database, CATALOG_MIGRATIONS);
	return { database, imagesDir: options.imagesDir, afterCommit: [] };
}

export type EventData = CatalogEvent["data"];
export type Emit = (type: CatalogEventType, data: EventData) => void;

export const nowIso = () => new Date().toISOString();

/**
 * The one way the catalog writes. In a single unit of its database's group commit: the change
 * itself, a bump of the catalog version, and one bus event per change carrying that version
 * (the bus's outbox). Either all of it commits or none of it does, so caches can never miss a
 * change that became visible. Every catalog event has the key `catalog`: one lane, in order.
 */
export async function catalogWrite<T>(catalog: Catalog, fn: (tx: TxDb, emit: Emit) => Promise<T>): Promise<T> {
	const { value, version } = await catalog.database.write(async (tx) => {
		const pending: { type: CatalogEventType; data: EventData }[] = [];
		const value = await fn(tx, (type, data) => pending.push({ type, data }));
		if (pending.length === 0) return { value, version: null };
		const [row] = await tx
			.update(catalogMeta)
			.set({ version: sql`${catalogMeta.version} + 1` })
			.where(sql`${catalogMeta.id} = 1`)
			.returning({ version: catalogMeta.version });
		if (!row) throw new Error("catalog_meta row is missing; run the migrations");
		const occurredAt = nowIso();
		for (const e of pending) {
			await busEmit(tx, {
				type: e.type,
				source: "catalog",
				key: "catalog",
				occurredAt,
				data: { ...e.data, version: row.version },
			});
		}
		return { value, version: row.version };
	});
	if (version !== null) {
		for (const hook of catalog.afterCommit) {
			try {
				hook(version);
			} catch (err) {
				// The write is committed and its events are on the bus; a failing hook must not turn a
				// success into an error (the cache's periodic version check catches up).
				console.error("catalog afterCommit hook failed:", err);
			}
		}
	}
	return value;
}

export async function readVersion(catalog: Catalog): Promise<number> {
	const rows = await catalog.database.db.select({ version: catalogMeta.version }).from(catalogMeta).limit(1);
	return rows[0]?.version ?? 0;
}
