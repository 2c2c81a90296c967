import { Database as SqliteConnection } from "bun:sqlite";
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config";
import { filePath, isBusy, isLocal } from "../lib/db";
import { redactUrl } from "../lib/redact-url";
import { moduleDatabases } from "./databases";
import {
	type BackupEntry,
	fsyncPath,
	inspectDatabase,
	MANIFEST_FORMAT,
	type Manifest,
	sha256File,
	writeManifest,
} from "./manifest";

// A consistent backup of every module database while the shop keeps taking orders.
//
// The cut: BEGIN IMMEDIATE on every database, in moduleDatabases' fixed order. A group commit in
// flight finishes first (we wait for its lock); new ones wait in the core's writer (it retries a
// busy BEGIN for up to 30 s). With every write lock held, nothing can commit anywhere, so a read
// transaction opened now on each database sees one instant of the whole shop: an order and its
// reservation, an event and its delivery, never one without the other. The locks are released
// at once — the writers are held off for milliseconds, however large the databases — and each
// pinned snapshot is copied afterwards (WAL keeps it intact while writers carry on). Each copy is
// checked with PRAGMA integrity_check, hashed and described in manifest.json, written last.
//
// The copy is sqlite3_serialize of the pinned read transaction (bun:sqlite has no backup API and
// VACUUM INTO cannot run inside a transaction), so it needs free memory the size of the largest
// module database. Databases on a libSQL server or Turso are refused: back those up there.

/** How long one attempt waits for all the write locks before it lets go of them and tries again. */
const ATTEMPT_MS = 2_000;
const IMAGE_NAME = /^[0-9a-f]{64}$/;

export class BackupError extends Error {}

export interface BackupOptions {
	/** Gives up when the locks cannot all be taken within this long (default 60 s). */
	lockWaitMs?: number;
	log?: (line: string) => void;
}

export async function takeBackup(config: Config, to: string, options: BackupOptions = {}): Promise<Manifest> {
	const log = options.log ?? (() => {});
	const startedAt = new Date();
	const target = resolve(to);
	const databases = moduleDatabases(config).map((d) => {
		if (!isLocal(d.url)) {
			throw new BackupError(
				`${d.name}: ${redactUrl(d.url)} is a libSQL server; back it up where it runs (Turso point-in-time restore, sqld snapshots; README "Backups and restore")`,
			);
		}
		const path = filePath(d.url);
		if (!existsSync(path))
			throw new BackupError(`${d.name}: no database at ${path} (has a core run on this DATA_DIR?)`);
		return { ...d, path };
	});
	if (existsSync(target) && readdirSync(target).length > 0) {
		throw new BackupError(`${target} is not empty: a backup goes into a new or empty directory`);
	}
	mkdirSync(target, { recursive: true });

	const locks = databases.map((d) => new SqliteConnection(d.path, { readwrite: true }));
	const readers = databases.map((d) => new SqliteConnection(d.path, { readwrite: true }));
	try {
		// The lock connections never wait inside SQLite: cut() polls, so it can give up in time.
		for (const l of locks) l.exec("PRAGMA busy_timeout = 0");
		for (const r of readers) r.exec("PRAGMA query_only = ON");
		// Schema loaded and WAL index mapped now, not while the writers wait.
		for (const c of [...locks, ...readers]) c.query("SELECT count(*) FROM sqlite_master").values();
		const { cutAt, pauseMs } = await cut(locks, readers, options.lockWaitMs ?? 60_000);
		log(`cut at ${cutAt.toISOString()}: writes held off for ${pauseMs.toFixed(1)} ms`);

		const entries: BackupEntry[] = [];
		for (const [i, d] of databases.entries()) {
			const reader = readers[i] as SqliteConnection;
			const file = `${d.name}.db`;
			const tmp = join(target, `${file}.tmp`);
			// The pinned snapshot's pages, in memory for as long as it takes to write them out.
			writeFileSync(tmp, reader.serialize());
			reader.exec("COMMIT");
			// The copy carries the source's WAL flag: a backup file stands alone, in rollback mode.
			const copy = new SqliteConnection(tmp, { readwrite: true });
			copy.exec("PRAGMA journal_mode = DELETE");
			copy.close();
			const seen = inspectDatabase(tmp);
			if (seen.integrity !== "ok")
				throw new BackupError(`${d.name}: the copy fails integrity_check: ${seen.integrity}`);
			fsyncPath(tmp);
			renameSync(tmp, join(target, file));
			const entry: BackupEntry = {
				name: d.name,
				file,
				bytes: statSync(join(target, file)).size,
				sha256: await sha256File(join(target, file)),
				integrity: "ok",
				schemaVersion: seen.schemaVersion,
				userVersion: seen.userVersion,
				migrations: seen.migrations,
			};
			entries.push(entry);
			log(`${file}: ${entry.bytes} bytes, integrity ok, sha256 ${entry.sha256.slice(0, 12)}…`);
		}

		// Images are written before the rows that name them and never change or go away, so a copy
		// taken after the cut holds every image the databases refer to.
		const images = copyImages(config.imagesDir, join(target, "images"));
		log(`images: ${images.files} files, ${images.bytes} bytes`);
		fsyncPath(target);

		const manifest: Manifest = {
			format: MANIFEST_FORMAT,
			cutAt: cutAt.toISOString(),
			startedAt: startedAt.toISOString(),
			finishedAt: new Date().toISOString(),
			pauseMs: Math.round(pauseMs * 10) / 10,
			source: config.redisUrl
				? { dataDir: config.dataDir, bus: "redis", busRedisPrefix: config.busRedisPrefix }
				: { dataDir: config.dataDir, bus: "libsql" },
			databases: entries,
			images: { dir: "images", ...images },
		};
		writeManifest(target, manifest);
		return manifest;
	} catch (err) {
		// Nothing half-made is left that could pass for a backup (the manifest is written last anyway).
		for (const name of readdirSync(target)) if (name.endsWith(".tmp")) rmSync(join(target, name), { force: true });
		throw err;
	} finally {
		for (const c of [...locks, ...readers]) {
			if (c.inTransaction) c.exec("ROLLBACK");
			c.close();
		}
	}
}

/**
 * Takes every write lock (in order), pins a read snapshot on each database, lets go of the locks.
 * An attempt that cannot get them all within ATTEMPT_MS lets go of those it holds, so writers to
 * the databases already locked never wait long for a busy one.
 */
async function cut(
	locks: SqliteConnection[],
	readers: SqliteConnection[],
	waitMs: number,
): Promise<{ cutAt: Date; pauseMs: number }> {
	const deadline = Date.now() + waitMs;
	for (;;) {
		const attemptEnds = Math.min(Date.now() + ATTEMPT_MS, deadline);
		let held = 0;
		let firstLock = 0;
		for (const lock of locks) {
			if (!(await beginImmediate(lock, attemptEnds))) break;
			if (held === 0) firstLock = performance.now();
			held++;
		}
		if (held === locks.length) {
			const cutAt = new Date();
			for (const r of readers) {
				r.exec("BEGIN");
				// The first read starts the snapshot; it stays this instant until COMMIT.
				r.query("SELECT count(*) FROM sqlite_master").values();
			}
			for (const lock of locks) lock.exec("ROLLBACK");
			return { cutAt, pauseMs: performance.now() - firstLock };
		}
		for (const lock of locks) if (lock.inTransaction) lock.exec("ROLLBACK");
		if (Date.now() >= deadline) {
			throw new BackupError(`could not lock every module database within ${waitMs} ms (writers kept them busy)`);
		}
		await Bun.sleep(50 + Math.random() * 200);
	}
}

/** BEGIN IMMEDIATE, polling every millisecond: a writer's lock is free only between its batches. */
async function beginImmediate(conn: SqliteConnection, until: number): Promise<boolean> {
	for (;;) {
		try {
			conn.exec("BEGIN IMMEDIATE");
			return true;
		} catch (err) {
			if (!isBusy(err)) throw err;
			if (Date.now() >= until) return false;
			await Bun.sleep(1);
		}
	}
}

function copyImages(from: string, to: string): { files: number; bytes: number } {
	mkdirSync(to, { recursive: true });
	if (!existsSync(from)) return { files: 0, bytes: 0 };
	let files = 0;
	let bytes = 0;
	for (const name of readdirSync(from)) {
		// Half-written uploads are `<hash>.<pid>.<rand>.tmp`: not images yet.
		if (!IMAGE_NAME.test(name)) continue;
		copyFileSync(join(from, name), join(to, name));
		fsyncPath(join(to, name));
		bytes += statSync(join(to, name)).size;
		files++;
	}
	fsyncPath(to);
	return { files, bytes };
}
