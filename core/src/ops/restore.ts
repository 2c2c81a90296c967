import { Database as SqliteConnection } from "bun:sqlite";
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Config } from "../config";
import { filePath, isBusy, isLocal } from "../lib/db";
import { redactUrl } from "../lib/redact-url";
import { moduleDatabases } from "./databases";
import { fsyncPath, inspectDatabase, type Manifest, readManifest, sha256File } from "./manifest";

// Puts a backup (backup.ts) back in place of every module database this configuration names.
//
// Refused, before anything changes, when: the manifest is missing or malformed; a file's size,
// sha256 or integrity check does not match it; a database was migrated further than this code
// knows; the backup and this configuration disagree on the set of databases (e.g. the libSQL bus
// against REDIS_URL); or a database file is open in another process. That last check is SQLite's
// own: every connection to a WAL database holds a shared lock on it for as long as it is open,
// so an exclusive lock is granted only when no process — a running core, in this container or
// another one sharing the volume — has the file open.
//
// Each file is copied next to its destination, checked again, fsynced and renamed over it (an
// atomic replace: the path never names a missing or half-written file). What was there before is
// kept in `pre-restore-<time>/` beside it, never deleted. Catalog images are added (they are
// content-addressed: nothing to replace).

export class RestoreRefused extends Error {}

export interface RestoreOptions {
	log?: (line: string) => void;
}

export interface RestoreSummary {
	manifest: Manifest;
	/** Where the databases that were replaced now are (none for an empty DATA_DIR). */
	keptAside: string[];
	imagesAdded: number;
}

export async function restoreBackup(
	config: Config,
	from: string,
	options: RestoreOptions = {},
): Promise<RestoreSummary> {
	const log = options.log ?? (() => {});
	const source = resolve(from);
	let manifest: Manifest;
	try {
		manifest = readManifest(source);
	} catch (err) {
		throw new RestoreRefused(err instanceof Error ? err.message : String(err));
	}
	const byName = new Map(manifest.databases.map((e) => [e.name, e]));
	const plan = moduleDatabases(config).map((d) => {
		if (!isLocal(d.url)) {
			throw new RestoreRefused(
				`${d.name}: ${redactUrl(d.url)} is a libSQL server; restore it there (README "Backups and restore")`,
			);
		}
		const entry = byName.get(d.name);
		if (!entry) {
			throw new RestoreRefused(
				`the backup has no ${d.name} database (it was taken with the ${manifest.source.bus} bus); restore with the configuration it was taken with`,
			);
		}
		byName.delete(d.name);
		return { ...d, entry, path: filePath(d.url) };
	});
	if (byName.size > 0) {
		throw new RestoreRefused(
			`the backup holds ${[...byName.keys()].join(", ")}, which this configuration does not use (REDIS_URL set for a backup of the libSQL bus?)`,
		);
	}

	// The Redis bus is not in the backup: its streams hold events from after the cut, and its
	// consumer groups have moved past events the restored databases have not applied. The restored
	// shop starts on fresh streams instead, and every outbox row still kept is published again.
	if (manifest.source.bus === "redis" && config.busRedisPrefix === manifest.source.busRedisPrefix) {
		throw new RestoreRefused(
			`the backup was taken with the Redis bus at prefix ${manifest.source.busRedisPrefix}, which holds events from after the cut: restore (and start the cores) with a new BUS_REDIS_PREFIX`,
		);
	}

	// 1. The backup is whole and this code can run it.
	for (const { entry, migrations } of plan) {
		const file = join(source, entry.file);
		if (!existsSync(file)) throw new RestoreRefused(`${entry.file} is missing from ${source}`);
		if (statSync(file).size !== entry.bytes) throw new RestoreRefused(`${entry.file}: size differs from the manifest`);
		if ((await sha256File(file)) !== entry.sha256)
			throw new RestoreRefused(`${entry.file}: sha256 differs from the manifest`);
		if (migrations && entry.migrations?.latest != null) {
			const known = Math.max(0, ...readMigrationFiles({ migrationsFolder: migrations }).map((m) => m.folderMillis));
			if (entry.migrations.latest > known) {
				throw new RestoreRefused(
					`${entry.file} was migrated by a newer Bazaar (migration ${entry.migrations.latest}, this code knows up to ${known}): restore with that version`,
				);
			}
		}
	}
	for (const img of readdirSync(join(source, manifest.images.dir))) {
		if ((await sha256File(join(source, manifest.images.dir, img))) !== img) {
			throw new RestoreRefused(`image ${img} does not match its name (damaged backup)`);
		}
	}

	// 2. Nobody has the databases open.
	for (const { path } of plan) assertNotInUse(path);

	// 3. Staged beside each destination (same filesystem, so the rename is atomic), checked again.
	const staged: string[] = [];
	try {
		for (const { entry, path } of plan) {
			mkdirSync(dirname(path), { recursive: true });
			const tmp = `${path}.restore-tmp`;
			copyFileSync(join(source, entry.file), tmp);
			staged.push(tmp);
			fsyncPath(tmp);
			if ((await sha256File(tmp)) !== entry.sha256)
				throw new RestoreRefused(`${entry.file}: the copy differs (disk error?)`);
			const rearmed = rearmBus(tmp, manifest.source.bus === "redis");
			fsyncPath(tmp);
			if (rearmed > 0) log(`${entry.file}: ${rearmed} events will be published again on the new bus`);
			const seen = inspectDatabase(tmp);
			if (seen.integrity !== "ok") throw new RestoreRefused(`${entry.file}: the copy fails integrity_check`);
		}
		// The check again, right before the swap, for a core started meanwhile.
		for (const { path } of plan) assertNotInUse(path);
	} catch (err) {
		for (const tmp of staged) rmSync(tmp, { force: true });
		throw err;
	}

	// 4. The swap: the old file (and any journal beside it) aside, the new one renamed over it.
	const stamp = new Date().toISOString().replace(/[:.]/g, "-");
	const keptAside: string[] = [];
	for (const { path } of plan) {
		const tmp = `${path}.restore-tmp`;
		if (existsSync(path)) {
			const aside = join(dirname(path), `pre-restore-${stamp}`);
			mkdirSync(aside, { recursive: true });
			// A WAL left beside the old file must never be replayed into the new one.
			for (const suffix of ["-wal", "-shm", "-journal"]) {
				if (existsSync(path + suffix)) renameSync(path + suffix, join(aside, basename(path) + suffix));
			}
			linkSync(path, join(aside, basename(path)));
			keptAside.push(join(aside, basename(path)));
		}
		renameSync(tmp, path);
		fsyncPath(dirname(path));
	}
	for (const dir of new Set(keptAside.map(dirname))) fsyncPath(dir);
	log(`restored ${plan.map((p) => p.entry.file).join(", ")} from the cut at ${manifest.cutAt}`);
	if (keptAside.length > 0)
		log(`the databases replaced are kept in ${[...new Set(keptAside.map(dirname))].join(", ")}`);

	let imagesAdded = 0;
	mkdirSync(config.imagesDir, { recursive: true });
	for (const img of readdirSync(join(source, manifest.images.dir))) {
		const dest = join(config.imagesDir, img);
		if (existsSync(dest)) continue;
		// Through a temp name: the core serves any file under its hash name.
		copyFileSync(join(source, manifest.images.dir, img), `${dest}.restore-tmp`);
		fsyncPath(`${dest}.restore-tmp`);
		renameSync(`${dest}.restore-tmp`, dest);
		imagesAdded++;
	}
	fsyncPath(config.imagesDir);
	log(`images: ${imagesAdded} added`);
	return { manifest, keptAside, imagesAdded };
}

/**
 * Frees the leases the backed-up shop's processes held at the cut: they are gone, and a lease left
 * in place kept its work back until it lapsed (30 s after the restored core started) — an outbox
 * row a relay had claimed, and (the libSQL bus's bus.db) an event a consumer was handling, which
 * is then delivered again and applied once through its consumer's inbox. With `republish` (the
 * Redis bus, whose streams are not restored) it also marks every outbox row still kept (the relay
 * keeps sent rows for a day) as unsent, so the first relay publishes them on the new streams.
 * Consumers apply each once: an event the restored databases already hold is in its consumer's
 * inbox, and the others are what the cut cut off. Answers how many rows will be published again.
 */
function rearmBus(path: string, republish: boolean): number {
	const conn = new SqliteConnection(path, { readwrite: true });
	try {
		const has = (table: string) =>
			conn.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").values(table).length > 0;
		if (has("bus_deliveries")) {
			conn.query("UPDATE bus_deliveries SET lease_until = 0 WHERE state = 'leased' AND lease_until > 0").run();
		}
		if (!has("bus_outbox")) return 0;
		conn.query("UPDATE bus_outbox SET lease_until = 0 WHERE sent_at IS NULL AND lease_until > 0").run();
		if (!republish) return 0;
		const result = conn
			.query("UPDATE bus_outbox SET sent_at = NULL, lease_until = 0, attempts = 0 WHERE sent_at IS NOT NULL")
			.run();
		return result.changes;
	} finally {
		conn.close();
	}
}

/**
 * Refuses when another process has the database open. Granted, the exclusive lock is let go at
 * once; closing the connection then folds any WAL into the file, so what is kept aside is whole.
 */
function assertNotInUse(path: string): void {
	if (!existsSync(path)) return;
	let conn: SqliteConnection | null = null;
	try {
		conn = new SqliteConnection(path, { readwrite: true });
		conn.exec("PRAGMA busy_timeout = 0");
		conn.exec("PRAGMA locking_mode = EXCLUSIVE");
		conn.exec("BEGIN IMMEDIATE");
		conn.exec("ROLLBACK");
	} catch (err) {
		if (isBusy(err)) {
			throw new RestoreRefused(`${path} is open in another process (a running core?): stop every core on it first`);
		}
		// A damaged file (the reason for many a restore) cannot be opened: it is replaced all the same.
	} finally {
		conn?.close();
	}
}
