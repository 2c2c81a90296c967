import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Database } from "../lib/db";

// The two tables every module that talks on the bus keeps in ITS OWN database:
//   bus_outbox — events written in the same transaction as the change they describe, moved to
//                the transport by a BusRelay after the commit;
//   bus_inbox  — ids of the events this module has already applied, written in the same
//                transaction as the consumer's change, so a redelivery changes nothing.
// Either spread `busTables` into the module's drizzle schema (drizzle-kit then generates the
// CREATE TABLE statements into the module's migrations), or paste `busMigrationSql()` into a
// hand-written migration. Both produce the same tables (a test checks it).

export const busOutbox = sqliteTable(
	"bus_outbox",
	{
		seq: integer("seq").primaryKey({ autoIncrement: true }),
		id: text("id").notNull(),
		type: text("type").notNull(),
		key: text("key").notNull(),
		/** The whole EventEnvelope as JSON. */
		payload: text("payload").notNull(),
		createdAt: text("created_at").notNull(),
		/** Epoch ms when the transport accepted the event; null while it still has to go out. */
		sentAt: integer("sent_at"),
		attempts: integer("attempts").notNull().default(0),
		/** Epoch ms until which one relay holds the row, so relays sharing the database don't race. */
		leaseUntil: integer("lease_until").notNull().default(0),
		lastError: text("last_error"),
	},
	(t) => [
		uniqueIndex("bus_outbox_id_uq").on(t.id),
		index("bus_outbox_unsent_idx").on(t.seq).where(sql`sent_at IS NULL`),
	],
);

export const busInbox = sqliteTable(
	"bus_inbox",
	{
		/** The consumer (group) that applied it: two consumers in one database each apply it once. */
		consumer: text("consumer").notNull(),
		eventId: text("event_id").notNull(),
		processedAt: text("processed_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);

export const busTables = { busOutbox, busInbox };

/** The same tables as SQL statements, idempotent (IF NOT EXISTS), for a hand-written migration. */
export function busMigrationSql(): string[] {
	return [
		`CREATE TABLE IF NOT EXISTS \`bus_outbox\` (
	\`seq\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	\`id\` text NOT NULL,
	\`type\` text NOT NULL,
	\`key\` text NOT NULL,
	\`payload\` text NOT NULL,
	\`created_at\` text NOT NULL,
	\`sent_at\` integer,
	\`attempts\` integer DEFAULT 0 NOT NULL,
	\`lease_until\` integer DEFAULT 0 NOT NULL,
	\`last_error\` text
)`,
		"CREATE UNIQUE INDEX IF NOT EXISTS `bus_outbox_id_uq` ON `bus_outbox` (`id`)",
		"CREATE INDEX IF NOT EXISTS `bus_outbox_unsent_idx` ON `bus_outbox` (`seq`) WHERE sent_at IS NULL",
		`CREATE TABLE IF NOT EXISTS \`bus_inbox\` (
	\`consumer\` text NOT NULL,
	\`event_id\` text NOT NULL,
	\`processed_at\` text NOT NULL,
	PRIMARY KEY(\`consumer\`, \`event_id\`)
)`,
	];
}

/** The statements joined with drizzle's breakpoint marker, ready to paste into a migration file. */
export function busMigrationSnippet(): string {
	return `${busMigrationSql().join(";\n--> statement-breakpoint\n")};\n`;
}

/** Creates the tables if missing (tests, scripts, modules without drizzle-kit migrations). */
export async function ensureBusTables(database: Database<Record<string, unknown>>) {
	await database.write(async (tx) => {
		for (const statement of busMigrationSql()) await tx.run(sql.raw(statement));
	});
}
