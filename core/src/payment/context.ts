import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb, withWriteLock, writeTransaction } from "../lib/db";
import type { PaymentGateway } from "./gateway";
import { type PaymentSchema, paymentSchema } from "./schema";

export const PAYMENT_MIGRATIONS = resolve(import.meta.dir, "migrations");

/** Everything a payment verb needs. */
export interface PaymentContext {
	database: Database<PaymentSchema>;
	gateways: Map<string, PaymentGateway>;
	/** null when no gateway is enabled at all. */
	defaultGateway: string | null;
	now: () => number;
	/** Called after a commit that wrote outbox rows (the lead passes `() => relay.kick()`). */
	onEvents: () => void;
}

export async function openPaymentDatabase(url: string, migrate = true): Promise<Database<PaymentSchema>> {
	const database = await openDatabase(url, paymentSchema);
	if (migrate) await withWriteLock(database.client, () => migrateDatabase(database, PAYMENT_MIGRATIONS));
	return database;
}

export async function paymentWrite<T>(ctx: PaymentContext, fn: (tx: TxDb) => Promise<T>): Promise<T> {
	const result = await writeTransaction(ctx.database.client, fn);
	ctx.onEvents();
	return result;
}

export const iso = (ms: number) => new Date(ms).toISOString();
