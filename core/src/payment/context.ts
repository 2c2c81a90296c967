import { resolve } from "node:path";
import { type Database, migrateDatabase, openDatabase, type TxDb } from "../lib/db";
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
}

export async function openPaymentDatabase(url: string, migrate = true): Promise<Database<PaymentSchema>> {
	const database = await openDatabase(url, paymentSchema);
	if (migrate) await migrateDatabase(database, PAYMENT_MIGRATIONS);
	return database;
}

/** The one way payment writes: a unit of its database's group commit. */
export function paymentWrite<T>(ctx: PaymentContext, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return ctx.database.write(fn);
}

export const iso = (ms: number) => new Date(ms).toISOString();
