import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb, withWriteLock, writeTransaction } from "../lib/db";
import { type FulfillmentSchema, fulfillmentSchema } from "./schema";

export const FULFILLMENT_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a fulfillment verb needs. */
export interface FulfillmentContext {
	database: Database<FulfillmentSchema>;
	now: () => number;
	/** Verifies carrier webhooks (CARRIER_WEBHOOK_SECRET); null: the carrier webhook is off. */
	carrierWebhookSecret: string | null;
	/** Called after a commit that may have written outbox rows (compose passes `() => relay.kick()`). */
	onEvents: () => void;
}

export interface FulfillmentContextOptions {
	url: string;
	carrierWebhookSecret: string | null;
	migrate?: boolean;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
	onEvents?: () => void;
}

export async function openFulfillmentContext(options: FulfillmentContextOptions): Promise<FulfillmentContext> {
	const database = await openDatabase(options.url, fulfillmentSchema);
	if (options.migrate !== false) {
		// Two boots on one fresh file in this process would race to create the tables.
		await withWriteLock(database.client, () => migrateDatabase(database, FULFILLMENT_MIGRATIONS));
	}
	return {
		database,
		now: options.now ?? Date.now,
		carrierWebhookSecret: options.carrierWebhookSecret,
		onEvents: options.onEvents ?? (() => {}),
	};
}

/** BEGIN IMMEDIATE, in turn with this process's other writers on the file; events kicked after commit. */
export async function fulfillmentWrite<T>(ctx: FulfillmentContext, fn: (tx: TxDb) => Promise<T>): Promise<T> {
	const result = await writeTransaction(ctx.database.client, fn);
	ctx.onEvents();
	return result;
}

export const iso = (ms: number) => new Date(ms).toISOString();
