import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
import { type FulfillmentSchema, fulfillmentSchema } from "./schema";

export const FULFILLMENT_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a fulfillment verb needs. */
export interface FulfillmentContext {
	database: Database<FulfillmentSchema>;
	now: () => number;
	/** Verifies carrier webhooks (CARRIER_WEBHOOK_SECRET); null: the carrier webhook is off. */
	carrierWebhookSecret: string | null;
}

export interface FulfillmentContextOptions {
	url: string;
	carrierWebhookSecret: string | null;
	migrate?: boolean;
	/** The clock (ms since epoch); tests move time by passing their own. */
	now?: () => number;
}

export async function openFulfillmentContext(options: FulfillmentContextOptions): Promise<FulfillmentContext> {
	const database = await openDatabase(options.url, fulfillmentSchema);
	if (options.migrate !== false) await migrateDatabase(database, FULFILLMENT_MIGRATIONS);
	return {
		database,
		now: options.now ?? Date.now,
		carrierWebhookSecret: options.carrierWebhookSecret,
	};
}

/** The one way fulfillment writes: a unit of its database's group commit. */
export function fulfillmentWrite<T>(ctx: FulfillmentContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
