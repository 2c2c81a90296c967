import { Database as SqliteConnection, type Statement } from "bun:sqlite";
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient, type Transaction } from "@libsql/client";
import type { Span } from "@opentelemetry/api";
import { sql } from "drizzle-orm";
import { drizzle as drizzleBun } from "drizzle-orm/bun-sqlite";
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { LRUCache } from "lru-cache";
import { endWriteSpan, startWriteSpan } from "../observability/db-spans";
import { commitBatchSize, commitDuration, commitFailures } from "../observability/metrics";
import { captureContext } from "../observability/request-context";
import { errorChain, redactError } from "./errors";
import { redactUrl } from "./redact-url";

// One database per module (DESIGN.md), and exactly one way to write to it: the group-commit
// writer below. Callers queue units of work; the writer opens one transaction, runs each unit in
// its own SAVEPOINT (a failing unit is rolled back alone and its caller gets the error), commits
// once, and only then answers every caller whose unit committed. A batch takes whatever queued
// while the previous commit ran, so a lone write waits for nothing and, under load, one fsync
// serves hundreds of units. synchronous=FULL: an acknowledged write survives a power cut.
//
// Local files (`file:`) run on bun:sqlite: measured on this machine it executes a prepared
// statement 2–4× faster than the `libsql` native binding and ~15× faster than @libsql/client's
// async API (bench/README.md). `libsql://` / `http(s)://` URLs (a libSQL server, Turso) go through
// @libsql/client with the same drizzle queries and the same writer (one interactive transaction
// per batch, savepoints per unit).

/** A drizzle database over either driver: `await` every query (a local one resolves at once). */
export type Db<TSchema extends Record<string, unknown> = Record<string, never>> = BaseSQLiteDatabase<
	"sync" | "async",
	unknown,
	TSchema
>;
/** What a unit of work writes through: the batch's transaction. */
export type TxDb = Db<Record<string, never>>;

/**
 * A unit of work. It runs inside the batch's transaction and must only touch the database
 * through `tx` — no network, no other database, no `write()` on this same database (that would
 * wait for the batch it is part of). Reads through `tx` see the batch's earlier units.
 */
export type WriteUnit<T> = (tx: TxDb) => Promise<T> | T;

export interface WriterStats {
	batches: number;
	units: number;
	failedUnits: number;
	largestBatch: number;
	/** Time spent inside BEGIN … COMMIT, all batches. */
	busyMs: number;
	/** BEGIN attempts that met another process's write lock. */
	lockWaits: number;
}

export interface Database<TSchema extends Record<string, unknown>> {
	url: string;
	local: boolean;
	/**
	 * Reads. For a local file this is a connection of its own, so a read never sees a batch in
	 * flight; it sees every write whose promise has resolved.
	 */
	db: Db<TSchema>;
	/** Queues `unit` for the next group commit; resolves with its result once the batch is durable. */
	write<T>(unit: WriteUnit<T>): Promise<T>;
	/** Brings the replica up to the server now (nothing to do without one). */
	sync(): Promise<void>;
	/** Called after every committed batch (the bus relay's kick); returns the unsubscribe. */
	afterCommit(fn: () => void): () => void;
	readonly stats: WriterStats;
	/** Waits for queued writes, then closes the connections. */
	close(): Promise<void>;
}

export interface OpenOptions {
	/** Most units one batch takes (bounds a batch's latency). */
	maxBatch?: number;
	/**
	 * Forces @libsql/client for a `file:` URL: the remote code path on a local file, so its tests
	 * need no libSQL server.
	 */
	driver?: "libsql-client";
	/** SQLite enforces foreign keys only when asked, per connection. */
	foreignKeys?: boolean;
	/**
	 * Reads from a libSQL embedded replica of a remote database (a file kept in step with the
	 * server by libSQL's replication); writes still go to the server. Remote URLs only.
	 */
	replica?: ReplicaOptions;
}

export interface ReplicaOptions {
	/** The replica's local file. */
	path: string;
	/** How often it pulls the server's new frames (other instances' writes). */
	syncIntervalMs: number;
}

const BUSY_TIMEOUT_MS = 5_000;
/** How long a batch keeps retrying BEGIN while other processes hold the write lock. */
const LOCK_WAIT_LIMIT_MS = 30_000;
const DEFAULT_MAX_BATCH = 512;
const STATEMENT_CACHE = 2_000;

export async function openDatabase<TSchema extends Record<string, unknown>>(
	url: string,
	schema: TSchema,
	options: OpenOptions = {},
): Promise<Database<TSchema>> {
	return isLocal(url) && options.driver !== "libsql-client"
		? openLocal(url, schema, options)
		: openRemote(url, schema, options);
}

export function isLocal(url: string): boolean {
	return url.startsWith("file:");
}

/** The file a `file:` URL names, however it is spelled (one file, one writer key). */
export function filePath(url: string): string {
	const bare = url.split("?")[0] ?? url;
	if (bare.startsWith("file://")) return fileURLToPath(bare);
	return resolve(bare.slice("file:".length));
}

// ---------------------------------------------------------------------------------------------
// Local files: bun:sqlite

/**
 * One write connection and one writer per file in this process, whichever module or test opened
 * it: two connections of one process contending for the write lock would only fail each other.
 */
interface LocalFile {
	conn: SqliteConnection;
	writer: GroupCommitWriter;
	handles: number;
}
const localFiles = new Map<string, LocalFile>();

function openLocal<TSchema extends Record<string, unknown>>(
	url: string,
	schema: TSchema,
	options: OpenOptions,
): Database<TSchema> {
	const path = filePath(url);
	mkdirSync(dirname(path), { recursive: true });
	const readConn = connect(path, BUSY_TIMEOUT_MS, options);
	// WAL is a property of the file: readers run beside the one writer and never block it.
	pragma(readConn, "journal_mode = WAL");
	readConn.exec("PRAGMA query_only = ON");
	let file = localFiles.get(path);
	if (!file) {
		// No busy wait inside SQLite on the write connection: it would sleep on the event loop.
		// The writer waits for another process's batch itself, asynchronously.
		const conn = connect(path, 0, options);
		// COMMIT writes the WAL without syncing it; localSession's commit() then syncs it off the
		// event loop before anyone is answered. Checkpoints still sync the WAL before and the
		// database after (SQLite does that in NORMAL), so nothing acknowledged is ever unsynced.
		pragma(conn, "synchronous = NORMAL");
		const tx = drizzleBun(conn) as unknown as TxDb;
		file = {
			conn,
			writer: new GroupCommitWriter(
				localSession(conn, tx, `${path}-wal`),
				basename(path).replace(/\.db$/, ""),
				options.maxBatch,
			),
			handles: 0,
		};
		localFiles.set(path, file);
	}
	file.handles++;
	const { writer } = file;
	let closed = false;
	return {
		url,
		local: true,
		db: drizzleBun(readConn, { schema }) as unknown as Db<TSchema>,
		write: (unit) => writer.enqueue(unit),
		// A local file is its own primary: there is no replica to bring up to date.
		sync: async () => {},
		afterCommit: (fn) => writer.afterCommit(fn),
		stats: writer.stats,
		async close() {
			if (closed) return;
			closed = true;
			readConn.close();
			const shared = localFiles.get(path);
			if (!shared || --shared.handles > 0) return;
			localFiles.delete(path);
			await writer.idle();
			await writer.close();
			shared.conn.close();
		},
	};
}

/**
 * A PRAGMA at open. One that meets another process opening the same file at the same moment can
 * hit its WAL recovery (SQLITE_BUSY_RECOVERY), which no busy timeout waits out: retried briefly.
 */
function pragma(conn: SqliteConnection, statement: string): void {
	const deadline = Date.now() + BUSY_TIMEOUT_MS;
	for (let attempt = 0; ; attempt++) {
		try {
			conn.exec(`PRAGMA ${statement}`);
			return;
		} catch (err) {
			if (!isBusy(err) || Date.now() > deadline) throw err;
			Bun.sleepSync(Math.min(50, 2 ** attempt));
		}
	}
}

function connect(path: string, busyTimeoutMs: number, options: OpenOptions): SqliteConnection {
	const conn = new SqliteConnection(path, { create: true, readwrite: true, strict: false });
	conn.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
	pragma(conn, "synchronous = FULL");
	if (options.foreignKeys) conn.exec("PRAGMA foreign_keys = ON");
	const finalize = cacheStatements(conn, basename(path).replace(/\.db$/, ""));
	const close = conn.close.bind(conn);
	conn.close = (throwOnError?: boolean) => {
		finalize();
		close(throwOnError);
	};
	return conn;
}

/**
 * drizzle prepares every query it runs (`client.prepare(sql)`); SQLite's own parse and plan is a
 * large part of a small statement's cost. Statements are cached by their SQL text, so a query
 * built the same way twice is parsed once. Evicted entries are dropped, not finalized: a
 * `.prepare()`d drizzle query may still hold one and keeps it alive.
 */
function cacheStatements(conn: SqliteConnection, label: string): () => void {
	const prepare = conn.prepare.bind(conn);
	const cache = new LRUCache<string, Statement>({ max: STATEMENT_CACHE });
	// A connection with live statements only closes once they are finalized (SQLite's "zombie"
	// close), and only then folds its WAL back: close() finalizes whatever is still alive.
	const made = new Set<WeakRef<Statement>>();
	(conn as unknown as { prepare: (sql: string) => Statement }).prepare = (sql: string) => {
		let stmt = cache.get(sql);
		if (!stmt) {
			stmt = counted(prepare(sql), sql, label);
			cache.set(sql, stmt);
			made.add(new WeakRef(stmt));
			if (made.size > 4 * STATEMENT_CACHE) for (const ref of made) if (!ref.deref()) made.delete(ref);
		}
		return stmt;
	};
	return () => {
		for (const ref of made) ref.deref()?.finalize();
		made.clear();
		cache.clear();
	};
}

/** The transaction verbs the writer needs, over one driver. */
interface WriteSession {
	/** Opens the batch's transaction; false while another process holds the write lock. */
	begin(): Promise<TxDb | false>;
	savepoint(): void | Promise<void>;
	release(): void | Promise<void>;
	rollbackTo(): void | Promise<void>;
	commit(): void | Promise<void>;
	rollback(): void | Promise<void>;
	close?(): Promise<void>;
}

function localSession(conn: SqliteConnection, tx: TxDb, walPath: string): WriteSession {
	const run = (sql: string) => {
		const stmt = conn.prepare(sql);
		return () => void stmt.run();
	};
	const begin = run("BEGIN IMMEDIATE");
	const savepoint = run("SAVEPOINT unit");
	const release = run("RELEASE unit");
	const rollbackTo = run("ROLLBACK TO unit");
	const commit = run("COMMIT");
	const rollback = run("ROLLBACK");
	let wal: FileHandle | null = null;
	return {
		async begin() {
			try {
				begin();
				return tx;
			} catch (err) {
				if (isBusy(err)) return false;
				throw err;
			}
		},
		savepoint,
		release,
		rollbackTo,
		async commit() {
			commit();
			// The same durability as synchronous=FULL (the WAL synced after every transaction), but
			// the fdatasync runs on the thread pool: the event loop takes requests meanwhile and the
			// next batch grows. fsync is per file, so our own descriptor flushes SQLite's writes.
			wal ??= await open(walPath, "r");
			await wal.datasync();
		},
		rollback() {
			if (!conn.inTransaction) return;
			rollback();
		},
		async close() {
			await wal?.close();
			wal = null;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Remote: a libSQL server or Turso through @libsql/client

async function openRemote<TSchema extends Record<string, unknown>>(
	url: string,
	schema: TSchema,
	options: OpenOptions,
): Promise<Database<TSchema>> {
	if (isLocal(url)) mkdirSync(dirname(filePath(url)), { recursive: true });
	const authToken = process.env.LIBSQL_AUTH_TOKEN || undefined;
	const client = createClient({ url, authToken });
	const replica = options.replica ? await openReplica(url, authToken, options.replica) : null;
	const writer = new GroupCommitWriter(remoteSession(client, replica), url, options.maxBatch);
	return {
		url,
		local: false,
		db: drizzleLibsql(replica ?? client, { schema }) as unknown as Db<TSchema>,
		write: (unit) => writer.enqueue(unit),
		async sync() {
			await replica?.sync();
		},
		afterCommit: (fn) => writer.afterCommit(fn),
		stats: writer.stats,
		async close() {
			await writer.idle();
			client.close();
			replica?.close();
		},
	};
}

async function openReplica(url: string, authToken: string | undefined, options: ReplicaOptions): Promise<Client> {
	if (isLocal(url)) throw new Error("a replica needs a remote primary (libsql://, https:// or http://)");
	mkdirSync(dirname(options.path), { recursive: true });
	const replica = createClient({
		url: `file:${options.path}`,
		syncUrl: url,
		authToken,
		syncInterval: Math.max(0.1, options.syncIntervalMs / 1000),
	});
	await replica.sync();
	return replica;
}

/**
 * Batches as interactive transactions on the server. With a replica, a commit also pulls the new
 * frames into it before anyone is answered, so whoever wrote reads their write (an admin's edit
 * shows at once; other instances' replicas catch up within their sync interval).
 */
function remoteSession(client: Client, replica: Client | null): WriteSession {
	let tx: Transaction | null = null;
	const exec = async (sql: string) => {
		if (!tx) throw new Error("no open batch");
		await tx.execute(sql);
	};
	return {
		async begin() {
			try {
				tx = await client.transaction("write");
			} catch (err) {
				if (isBusy(err)) return false;
				throw err;
			}
			// A drizzle facade over the transaction's stream, so units' queries run inside it.
			return drizzleLibsql(tx as unknown as Client) as unknown as TxDb;
		},
		savepoint: () => exec("SAVEPOINT unit"),
		release: () => exec("RELEASE unit"),
		rollbackTo: () => exec("ROLLBACK TO unit"),
		async commit() {
			await tx?.commit();
			tx?.close();
			tx = null;
			// Committed either way; a failed pull only delays what this replica shows until its next sync.
			await replica?.sync().catch((err) => console.warn(`replica sync after commit failed: ${redactError(err)}`));
		},
		async rollback() {
			if (tx && !tx.closed) await tx.rollback().catch(() => undefined);
			tx?.close();
			tx = null;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// The group-commit writer

interface Queued {
	unit: WriteUnit<unknown>;
	resolve(value: unknown): void;
	reject(err: unknown): void;
	/** The caller's statement tally, when counting is on. */
	tally: Tally | undefined;
	/** Runs the unit as its caller (request id, trace), whichever request started the batch. */
	asCaller: <T>(fn: () => T) => T;
	/** Its span in the caller's trace, when the caller is traced. */
	span: Span | null;
}

class GroupCommitWriter {
	private queue: Queued[] = [];
	private running = false;
	private drained: (() => void)[] = [];
	private readonly listeners = new Set<() => void>();
	readonly stats: WriterStats = { batches: 0, units: 0, failedUnits: 0, largestBatch: 0, busyMs: 0, lockWaits: 0 };
	/** Its series in /metrics, labelled once. */
	private readonly metrics;
	private readonly metricLabel: string;

	constructor(
		private readonly session: WriteSession,
		/** The database's name in statement counts and metrics. */
		private readonly label: string,
		private readonly maxBatch = DEFAULT_MAX_BATCH,
	) {
		// A remote database is named by its URL: never with its token in a metric or a span.
		this.metricLabel = label.includes("://") ? redactUrl(label) : label;
		this.metrics = {
			size: commitBatchSize.labels(this.metricLabel),
			duration: commitDuration.labels(this.metricLabel),
			failures: commitFailures.labels(this.metricLabel),
		};
	}

	enqueue<T>(unit: WriteUnit<T>): Promise<T> {
		const span = startWriteSpan(this.metricLabel);
		return new Promise<T>((resolve, reject) => {
			this.queue.push({
				unit,
				resolve: resolve as (v: unknown) => void,
				reject,
				tally: tallies.getStore(),
				asCaller: captureContext(span),
				span,
			});
			if (!this.running) {
				this.running = true;
				// After this turn of the event loop, so every request that arrived with this one
				// has queued its unit too.
				setImmediate(() => void this.drain());
			}
		});
	}

	afterCommit(fn: () => void): () => void {
		this.listeners.add(fn);
		return () => this.listeners.delete(fn);
	}

	async close(): Promise<void> {
		await this.session.close?.();
	}

	/** Resolves once nothing is queued or running. */
	idle(): Promise<void> {
		if (!this.running) return Promise.resolve();
		return new Promise((resolve) => this.drained.push(resolve));
	}

	private async drain(): Promise<void> {
		try {
			while (this.queue.length > 0) {
				const batch = this.queue.splice(0, this.maxBatch);
				await this.run(batch);
			}
		} finally {
			this.running = false;
			for (const resolve of this.drained.splice(0)) resolve();
		}
	}

	private async run(batch: Queued[]): Promise<void> {
		let tx: TxDb | false;
		try {
			tx = await this.begin();
		} catch (err) {
			for (const q of batch) {
				endWriteSpan(q.span, batch.length, err);
				q.reject(err);
			}
			return;
		}
		const started = performance.now();
		const results: { ok: boolean; value: unknown }[] = [];
		// A lone unit needs no savepoint: if it fails, the whole transaction is rolled back.
		const alone = batch.length === 1;
		try {
			for (const q of batch) {
				if (!alone) await this.session.savepoint();
				try {
					const value = await q.asCaller(() =>
						q.tally ? tallies.run(q.tally, () => q.unit(tx as TxDb)) : q.unit(tx as TxDb),
					);
					if (!alone) await this.session.release();
					results.push({ ok: true, value });
				} catch (err) {
					if (!alone) {
						await this.session.rollbackTo();
						await this.session.release();
					}
					results.push({ ok: false, value: err });
				}
			}
			if (alone && !results[0]?.ok) await this.session.rollback();
			else await this.session.commit();
		} catch (err) {
			// The transaction itself failed (disk full, I/O error): nothing in it is durable.
			await Promise.resolve(this.session.rollback()).catch(() => undefined);
			this.metrics.failures.inc();
			this.stats.busyMs += performance.now() - started;
			for (const q of batch) {
				endWriteSpan(q.span, batch.length, err);
				q.reject(err);
			}
			return;
		}
		const busyMs = performance.now() - started;
		this.stats.busyMs += busyMs;
		this.metrics.size.observe(batch.length);
		this.metrics.duration.observe(busyMs / 1000);
		this.stats.batches++;
		this.stats.units += batch.length;
		if (batch.length > this.stats.largestBatch) this.stats.largestBatch = batch.length;
		batch.forEach((q, i) => {
			const r = results[i] as { ok: boolean; value: unknown };
			if (q.tally) q.tally.commits[this.label] = (q.tally.commits[this.label] ?? 0) + 1;
			endWriteSpan(q.span, batch.length, r.ok ? undefined : r.value);
			if (r.ok) q.resolve(r.value);
			else {
				this.stats.failedUnits++;
				q.reject(r.value);
			}
		});
		for (const fn of this.listeners) {
			try {
				fn();
			} catch (err) {
				console.error("afterCommit listener failed:", err);
			}
		}
	}

	/** BEGIN IMMEDIATE, waiting (asynchronously, with jitter) while another process writes. */
	private async begin(): Promise<TxDb> {
		const deadline = Date.now() + LOCK_WAIT_LIMIT_MS;
		for (let attempt = 0; ; attempt++) {
			const tx = await this.session.begin();
			if (tx) return tx;
			this.stats.lockWaits++;
			if (Date.now() > deadline) throw new Error("database is locked by another process (waited 30 s)");
			await Bun.sleep(Math.min(20, 0.5 * 1.5 ** Math.min(attempt, 10)) * (0.5 + Math.random()));
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Applies the drizzle-kit migrations in `migrationsFolder` that the database has not seen, as one
 * unit of the writer (so a migration never meets a batch, and two processes booting on one fresh
 * file take turns). Same bookkeeping as drizzle's migrators (`__drizzle_migrations`, by
 * `created_at`), so databases migrated by either carry on.
 */
export async function migrateDatabase(database: Database<Record<string, unknown>>, migrationsFolder: string) {
	const migrations = readMigrationFiles({ migrationsFolder });
	await database.write(async (tx) => {
		await tx.run(
			sql`CREATE TABLE IF NOT EXISTS __drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
		);
		const [last] = await tx.all<{ createdAt: number }>(
			sql`SELECT created_at AS createdAt FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
		);
		for (const migration of migrations) {
			if (last && Number(last.createdAt) >= migration.folderMillis) continue;
			for (const statement of migration.sql) if (statement.trim()) await tx.run(sql.raw(statement));
			await tx.run(
				sql`INSERT INTO __drizzle_migrations (hash, created_at) VALUES (${migration.hash}, ${migration.folderMillis})`,
			);
		}
	});
}

/** What a coalesced batch answers for one item: its value, or an error for that item alone. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Coalesces calls that arrive together into ONE unit of the writer: `run(tx, items)` gets every
 * item queued since the last batch began and returns one outcome per item, in order. An item's
 * failure is its caller's alone — `run` must then have written nothing for it (plan first,
 * write after) — while a thrown error rolls the unit back and fails every item in it. Callers are
 * answered after the commit, like any unit. For hot verbs whose items can share statements
 * (one multi-row INSERT for a batch of reservations instead of a few statements each).
 */
export function coalesce<I, O>(
	database: Pick<Database<Record<string, unknown>>, "write">,
	run: (tx: TxDb, items: I[]) => Promise<Outcome<O>[]>,
	maxItems = 4_096,
): (item: I) => Promise<O> {
	interface Waiting {
		item: I;
		resolve(value: O): void;
		reject(err: unknown): void;
	}
	const waiting: Waiting[] = [];
	let queued = false;
	const enqueue = () => {
		queued = true;
		let taken: Waiting[] = [];
		database
			.write((tx) => {
				taken = waiting.splice(0, maxItems);
				queued = false;
				if (waiting.length > 0) enqueue();
				return run(
					tx,
					taken.map((w) => w.item),
				);
			})
			.then(
				(outcomes) =>
					taken.forEach((w, i) => {
						const outcome = outcomes[i];
						if (!outcome) w.reject(new Error("coalesce: the batch gave no outcome for an item"));
						else if (outcome.ok) w.resolve(outcome.value);
						else w.reject(outcome.error);
					}),
				(err) => {
					for (const w of taken) w.reject(err);
				},
			);
	};
	return (item) =>
		new Promise<O>((resolve, reject) => {
			waiting.push({ item, resolve, reject });
			if (!queued) enqueue();
		});
}

/**
 * Statements built once per connection: `prepared((db) => ({ byId: db.select()…prepare() }))`
 * returns a function that, given the database a caller holds (the reader, or a unit's `tx`),
 * returns that connection's statements — built on first use, then reused. Hot paths run these
 * instead of building SQL per call (drizzle's query building costs more than SQLite's execution).
 */
export function prepared<TDb extends object, T>(build: (db: TDb) => T): (db: TDb) => T {
	const memo = new WeakMap<TDb, T>();
	return (db) => {
		let statements = memo.get(db);
		if (!statements) {
			statements = build(db);
			memo.set(db, statements);
		}
		return statements;
	};
}

/** Rows a write changed, from either driver's run() result. */
export function changes(result: unknown): number {
	const r = result as { changes?: number; rowsAffected?: number } | undefined;
	return Number(r?.changes ?? r?.rowsAffected ?? 0);
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

// ---------------------------------------------------------------------------------------------
// Statement counting (the checkout bench and the statement-budget tests): off unless switched on
// before the databases open; then every statement run on a local connection is counted per
// database (the file's name: `order`, `cart`, …), in total and for the async context that caused
// it — a unit's statements and its batch's commit go to the caller that queued the unit.

interface Tally {
	statements: Record<string, number>;
	commits: Record<string, number>;
}
const tallies = new AsyncLocalStorage<Tally>();
let counting = false;
const totals: Record<string, number> = {};

export function enableStatementCounting(): void {
	counting = true;
}

/** Statements run per database since counting was switched on, whoever ran them. */
export function statementTotals(): Readonly<Record<string, number>> {
	return totals;
}

export interface StatementCount<T> {
	result: T;
	/** Statements per database. */
	counts: Record<string, number>;
	total: number;
	/** Durable commits (group-commit batches) the caller waited for, per database. */
	commits: Record<string, number>;
	totalCommits: number;
}

/** Runs `fn` and counts the statements it caused and the commits it waited for. */
export async function countStatements<T>(fn: () => Promise<T>): Promise<StatementCount<T>> {
	const tally: Tally = { statements: {}, commits: {} };
	const result = await tallies.run(tally, fn);
	const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
	return {
		result,
		counts: tally.statements,
		total: sum(tally.statements),
		commits: tally.commits,
		totalCommits: sum(tally.commits),
	};
}

function counted(stmt: Statement, sql: string, label: string): Statement {
	if (!counting) return stmt;
	// The writer's own BEGIN/SAVEPOINT/COMMIT are counted as the batch's commit, not as statements.
	if (/^\s*(begin|savepoint|release|rollback|commit|pragma)\b/i.test(sql)) return stmt;
	for (const method of ["run", "all", "get", "values", "iterate"] as const) {
		const original = (stmt[method] as (...args: unknown[]) => unknown).bind(stmt);
		(stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
			totals[label] = (totals[label] ?? 0) + 1;
			const tally = tallies.getStore();
			if (tally) tally.statements[label] = (tally.statements[label] ?? 0) + 1;
			return original(...args);
		};
	}
	return stmt;
}
