import { beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Config, loadConfig } from "../config";
import { openDatabase } from "../lib/db";
import { SECRET, tempDir } from "../testing/harness";
import { exec, rows } from "../testing/sql";
import { openCore } from "../workflows/compose";
import { BackupError, takeBackup } from "./backup";
import { moduleDatabases } from "./databases";
import { MANIFEST_FILE, type Manifest } from "./manifest";
import { RestoreRefused, restoreBackup } from "./restore";

// What backup and restore refuse, in-process on real files: a backup into a directory that is
// not empty, databases on a libSQL server, a damaged backup or one without its manifest, a
// backup migrated further than this code knows, and a
// backup whose databases do not match the configuration's (the libSQL bus against REDIS_URL).
// Each refusal leaves the destination untouched. (The backup under load and the refusal to
// restore under a running core are in backup-restore.test.ts, with real processes.)

const configFor = (dataDir: string, extra: Record<string, string> = {}): Config =>
	loadConfig({ BAZAAR_ENV: "test", DATA_DIR: dataDir, BAZAAR_SIGNING_SECRET: SECRET, ...extra });

let source: Config;
let backupDir: string;
beforeAll(async () => {
	source = configFor(tempDir("bazaar-refusals-"));
	// Opening every module creates and migrates its database, as `cli.ts migrate` does.
	const core = await openCore({ ...source, edgeUrl: null });
	await core.stop();
	backupDir = join(tempDir("bazaar-refusals-backup-"), "backup");
	await takeBackup(source, backupDir);
}, 60_000);

test("a backup goes into a new or empty directory only", async () => {
	await expect(takeBackup(source, backupDir)).rejects.toThrow(BackupError);
	await expect(takeBackup(source, backupDir)).rejects.toThrow("is not empty");
});

test("databases on a libSQL server are refused by both, naming the module, never the credentials", async () => {
	const remote = configFor(source.dataDir, {
		DATABASE_URL_ORDER: "libsql://bazaar-order.example.turso.io?authToken=s3cret",
	});
	const refusal = await takeBackup(remote, join(tempDir("bazaar-refusals-"), "b")).catch((err: Error) => err);
	expect(refusal).toBeInstanceOf(BackupError);
	expect((refusal as Error).message).toContain("order: libsql://bazaar-order.example.turso.io");
	expect((refusal as Error).message).not.toContain("s3cret");
	await expect(restoreBackup(remote, backupDir)).rejects.toThrow(RestoreRefused);
});

test("a damaged backup (one flipped byte) or one without its manifest is refused, and nothing changes", async () => {
	const damaged = join(tempDir("bazaar-refusals-"), "damaged");
	await takeBackup(source, damaged);
	const file = join(damaged, "order.db");
	const bytes = readFileSync(file);
	bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
	writeFileSync(file, bytes);
	const fresh = tempDir("bazaar-refusals-fresh-");
	await expect(restoreBackup(configFor(fresh), damaged)).rejects.toThrow("order.db: sha256 differs from the manifest");
	// A directory without a manifest is an interrupted backup, not a backup.
	await expect(restoreBackup(configFor(fresh), tempDir("bazaar-refusals-empty-"))).rejects.toThrow(
		"manifest.json is missing",
	);
	expect(readdirSync(fresh)).toEqual([]);
});

test("a backup migrated by a newer Bazaar is refused, and the destination is untouched", async () => {
	const edited = join(tempDir("bazaar-refusals-"), "newer");
	await takeBackup(source, edited);
	const manifest = JSON.parse(readFileSync(join(edited, MANIFEST_FILE), "utf8")) as Manifest;
	const order = manifest.databases.find((d) => d.name === "order");
	if (!order?.migrations) throw new Error("the order database has migrations");
	order.migrations.latest = 4_102_444_800_000; // 2100-01-01: a migration this code has never seen
	writeFileSync(join(edited, MANIFEST_FILE), JSON.stringify(manifest));
	const fresh = tempDir("bazaar-refusals-fresh-");
	await expect(restoreBackup(configFor(fresh), edited)).rejects.toThrow("was migrated by a newer Bazaar");
	expect(readdirSync(fresh)).toEqual([]);
});

test("the backup and the configuration must name the same databases (the libSQL bus vs REDIS_URL)", async () => {
	const fresh = tempDir("bazaar-refusals-fresh-");
	await expect(restoreBackup(configFor(fresh, { REDIS_URL: "redis://127.0.0.1:6379" }), backupDir)).rejects.toThrow(
		"the backup holds bus, which this configuration does not use",
	);
	expect(readdirSync(fresh)).toEqual([]);
});

test("a restore over a stopped DATA_DIR keeps what it replaced", async () => {
	const target = configFor(tempDir("bazaar-refusals-target-"));
	const core = await openCore({ ...target, edgeUrl: null });
	await core.stop();
	const summary = await restoreBackup(target, backupDir);
	// Every module database of this configuration, and the bus.
	const all = moduleDatabases(target).length;
	expect(summary.keptAside).toHaveLength(all);
	const aside = readdirSync(target.dataDir).filter((f) => f.startsWith("pre-restore-"));
	expect(aside).toHaveLength(1);
	expect(readdirSync(join(target.dataDir, aside[0] as string)).filter((f) => f.endsWith(".db"))).toHaveLength(all);
	expect(readdirSync(target.dataDir).filter((f) => f.endsWith(".restore-tmp"))).toEqual([]);
});

test("with the Redis bus: restore needs a new BUS_REDIS_PREFIX, and publishes every kept outbox row again there", async () => {
	const redis = { REDIS_URL: "redis://127.0.0.1:6379", BUS_REDIS_PREFIX: "bazaar:bus:before" };
	// An event that went out before the cut (sent_at set), and one still waiting for the relay.
	const order = await openDatabase(`file:${join(source.dataDir, "order.db")}`, {});
	try {
		await exec(
			order,
			"INSERT INTO bus_outbox (id, type, key, payload, created_at, sent_at) VALUES (?, 'order.placed', 'ord_1', '{}', ?, ?), (?, 'order.paid', 'ord_1', '{}', ?, NULL)",
			"evt_sent",
			new Date().toISOString(),
			Date.now(),
			"evt_waiting",
			new Date().toISOString(),
		);
	} finally {
		await order.close();
	}
	// Backup and restore never talk to Redis: the bus is not in the backup.
	const dir = join(tempDir("bazaar-refusals-"), "redis-bus");
	const manifest = await takeBackup(configFor(source.dataDir, redis), dir);
	expect(manifest.source).toMatchObject({ bus: "redis", busRedisPrefix: "bazaar:bus:before" });
	expect(manifest.databases.map((d) => d.name)).not.toContain("bus");
	const same = tempDir("bazaar-refusals-fresh-");
	await expect(restoreBackup(configFor(same, redis), dir)).rejects.toThrow("with a new BUS_REDIS_PREFIX");
	expect(readdirSync(same)).toEqual([]);

	// Some outbox rows had gone out before the cut (sent_at set): they go out again on the new streams.
	const fresh = configFor(tempDir("bazaar-refusals-fresh-"), { ...redis, BUS_REDIS_PREFIX: "bazaar:bus:after" });
	const lines: string[] = [];
	await restoreBackup(fresh, dir, { log: (l) => lines.push(l) });
	expect(lines).toContain("order.db: 1 events will be published again on the new bus");
	const restored = await openDatabase(`file:${join(fresh.dataDir, "order.db")}`, {});
	try {
		const outbox = await rows<{ id: string; sentAt: number | null }>(
			restored,
			"SELECT id, sent_at AS sentAt FROM bus_outbox ORDER BY seq",
		);
		expect(outbox).toEqual([
			{ id: "evt_sent", sentAt: null },
			{ id: "evt_waiting", sentAt: null },
		]);
	} finally {
		await restored.close();
	}
});
