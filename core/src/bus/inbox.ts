import { sql } from "drizzle-orm";
import { type Database, prepared, type TxDb } from "../lib/db";
import { busInbox } from "./schema";

// Every consumed event claims its inbox row: built once per connection.
const statements = prepared((tx: TxDb) => ({
	claim: tx
		.insert(busInbox)
		.values({
			consumer: sql.placeholder("consumer"),
			eventId: sql.placeholder("eventId"),
			processedAt: sql.placeholder("processedAt"),
		})
		.onConflictDoNothing()
		.returning({ eventId: busInbox.eventId })
		.prepare(),
}));

export type HandleOnceResult<T> = { applied: true; result: T } | { applied: false };

export interface HandleOnceOptions {
	/**
	 * Who applies it; defaults to "default". Give each consumer group its own name when several
	 * groups that consume the same event share one database.
	 */
	consumer?: string;
}

/**
 * Applies `fn` at most once per event id (idempotent consumer): the inbox row and the change
 * `fn` makes commit together in the CONSUMER's own database, or neither does. A redelivered
 * event finds its id in the inbox and changes nothing; the bus then simply acknowledges it.
 * `fn` may also `emit()` follow-up events in the same transaction.
 */
export async function handleOnce<T>(
	database: Database<Record<string, unknown>>,
	eventId: string,
	fn: (tx: TxDb) => T | Promise<T>,
	options: HandleOnceOptions = {},
): Promise<HandleOnceResult<T>> {
	const consumer = options.consumer ?? "default";
	return database.write(async (tx) => {
		const claimed = await statements(tx).claim.all({ consumer, eventId, processedAt: new Date().toISOString() });
		if (claimed.length === 0) return { applied: false } as const;
		return { applied: true, result: await fn(tx) } as const;
	});
}

/** Whether the consumer already applied the event (tests, admin). */
export async function wasHandled(database: Database<Record<string, unknown>>, eventId: string, consumer = "default") {
	const rows = await database.db.all(
		sql`SELECT 1 FROM bus_inbox WHERE consumer = ${consumer} AND event_id = ${eventId}`,
	);
	return rows.length > 0;
}
