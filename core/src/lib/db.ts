import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient, type Transaction } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { errorChain } from "./errors";

// One libSQL client per module database (DESIGN.md: each module owns its own database).

export interface Database<TSchema extends Record<string, unknown>> {
	url: string;
	client: Client;
	db: LibSQLDatabase<TSchema>;
	close(): void;
}

const BUSY_TIMEOUT_MS = 5_000;

export async function openDatabase<TSchema extends Record<string, unknown>>(
	url: string,
	schema: TSchema,
): Promise<Database<TSchema>> {
	const local = url.startsWith("file:");
	if (local) mkdirSync(dirname(filePath(url)), { recursive: true });
	const client = createClient({ url, timeout: BUSY_TIMEOUT_MS });
	if (local) {
		// WAL lets readers run beside the one writer; it is a property of the file, so setting
		// it once here holds for every pooled connection. busy_timeout is per connection and is
		// applied by the client's `timeout` option to each one it opens. synchronous stays FULL
		// (the default): an acknowledged write must survive a power cut (DESIGN.md), and hot
		// paths get their throughput from group commit, not from skipping fsync.
		await client.execute("PRAGMA journal_mode = WAL");
		lockKeys.set(client, filePath(url));
	}
	const db = drizzle(client, { schema });
	return { url, client, db, close: () => client.close() };
}

function filePath(url: string): string {
	const rest = url.slice("file:".length).split("?")[0] ?? "";
	return rest.startsWith("//") ? fileURLToPath(url.split("?")[0] ?? url) : rest;
}

export async function migrateDatabase(database: Database<Record<string, unknown>>, migrationsFolder: string) {
	await migrate(database.db, { migrationsFolder });
}

export type TxDb = LibSQLDatabase<Record<string, never>>;

export interface WriteOptions {
	/** Attempts before SQLITE_BUSY is given up on. */
	attempts?: number;
}

/**
 * Runs `fn` in a write transaction that takes the write lock up front (BEGIN IMMEDIATE), so it
 * never fails half-way on a lock upgrade. A busy database (another process writing past the
 * busy timeout) is retried with jittered exponential backoff; every other error rolls back and
 * propagates.
 */
// One writer at a time per client, in this process. The local libSQL driver waits for a lock
// synchronously: a write on one connection while another connection of the same process holds a
// write transaction blocks the whole event loop for the busy timeout, during which the holder
// cannot finish, and then fails with SQLITE_BUSY. (client.transaction() takes the client's
// connection and later statements open a new one.) So every write to a database queues here;
// SQLite's busy timeout then only ever waits for other processes. Not re-entrant: never call
// writeTransaction or withWriteLock from inside one on the same client.
// Keyed by the database file, so two clients on one file (a module and a test, the bus relay)
// queue together too; a remote database (libsql://) keys on its client.
const lockKeys = new WeakMap<Client, string>();
const fileTails = new Map<string, Promise<unknown>>();
const clientTails = new WeakMap<Client, Promise<unknown>>();

export function withWriteLock<T>(client: Client, fn: () => Promise<T>): Promise<T> {
	const file = lockKeys.get(client);
	const previous = (file ? fileTails.get(file) : clientTails.get(client)) ?? Promise.resolve();
	const run = previous.then(fn, fn);
	const tail = run.catch(() => undefined);
	if (file) fileTails.set(file, tail);
	else clientTails.set(client, tail);
	return run;
}

export function writeTransaction<T>(
	client: Client,
	fn: (tx: TxDb) => Promise<T>,
	options: WriteOptions = {},
): Promise<T> {
	return withWriteLock(client, () => writeTransactionUnlocked(client, fn, options));
}

async function writeTransactionUnlocked<T>(
	client: Client,
	fn: (tx: TxDb) => Promise<T>,
	options: WriteOptions,
): Promise<T> {
	const attempts = options.attempts ?? 8;
	for (let attempt = 1; ; attempt++) {
		let tx: Transaction | undefined;
		try {
			tx = await client.transaction("write");
			// A drizzle facade over the transaction's own connection: queries issued through it
			// run inside the transaction, typed like any other drizzle query.
			const result = await fn(drizzle(tx as unknown as Client));
			await tx.commit();
			return result;
		} catch (err) {
			if (tx && !tx.closed) {
				try {
					await tx.rollback();
				} catch {
					// the connection already rolled back (e.g. SQLITE_BUSY on COMMIT)
				}
			}
			if (!isBusy(err) || attempt >= attempts) throw err;
			await Bun.sleep(Math.min(1_000, 10 * 2 ** attempt) * (0.5 + Math.random()));
		} finally {
			tx?.close();
		}
	}
}

export function isBusy(err: unknown): boolean {
	return errorChain(err).some(
		(e) =>
			e.code === "SQLITE_BUSY" ||
			e.code === "SQLITE_LOCKED" ||
			e.rawCode === 5 ||
			e.rawCode === 6 ||
			(typeof e.message === "string" && /SQLITE_BUSY|database is locked/.test(e.message)),
	);
}
