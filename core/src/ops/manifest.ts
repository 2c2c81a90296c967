import { Database as SqliteConnection } from "bun:sqlite";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

// What a backup directory holds and how restore proves it is whole: one entry per module
// database (its size, sha256, integrity check and migration level) and the images. The manifest
// is written last, so a directory without one is an interrupted backup, never a usable one.

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_FORMAT = "bazaar-backup/1";

const Migrations = z
	.object({
		/** Rows in `__drizzle_migrations`. */
		applied: z.number().int().min(0),
		/** `created_at` (the migration folder's millis) of the newest applied migration. */
		latest: z.number().nullable(),
	})
	.nullable();

export const BackupEntry = z.object({
	name: z.string().regex(/^[a-z][a-z0-9-]*$/),
	file: z.string().regex(/^[a-z][a-z0-9-]*\.db$/),
	bytes: z.number().int().min(0),
	sha256: z.string().regex(/^[0-9a-f]{64}$/),
	integrity: z.literal("ok"),
	/** SQLite's schema cookie and user_version: any schema change moves the first. */
	schemaVersion: z.number().int(),
	userVersion: z.number().int(),
	migrations: Migrations,
});
export type BackupEntry = z.infer<typeof BackupEntry>;

export const Manifest = z.object({
	format: z.literal(MANIFEST_FORMAT),
	/** The instant of the cut: every database holds exactly what was committed then. */
	cutAt: z.iso.datetime(),
	startedAt: z.iso.datetime(),
	finishedAt: z.iso.datetime(),
	/** How long writers to the databases were held off (taking the locks, pinning the snapshots). */
	pauseMs: z.number().min(0),
	source: z.object({
		dataDir: z.string(),
		bus: z.enum(["libsql", "redis"]),
		/** The Redis bus's key prefix, whose streams hold events past the cut (restore needs a new one). */
		busRedisPrefix: z.string().optional(),
	}),
	databases: z.array(BackupEntry).min(1),
	/** Content-addressed catalog images (each file is named by its sha256). */
	images: z.object({ dir: z.literal("images"), files: z.number().int().min(0), bytes: z.number().int().min(0) }),
});
export type Manifest = z.infer<typeof Manifest>;

export async function sha256File(path: string): Promise<string> {
	const hasher = new Bun.CryptoHasher("sha256");
	const reader = Bun.file(path).stream().getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		hasher.update(value);
	}
	return hasher.digest("hex");
}

/** A database file's own description: integrity, schema cookie, migration level. */
export function inspectDatabase(path: string): {
	integrity: string;
	schemaVersion: number;
	userVersion: number;
	migrations: z.infer<typeof Migrations>;
} {
	const conn = new SqliteConnection(path, { readonly: true });
	try {
		const checks = conn
			.query("PRAGMA integrity_check")
			.values()
			.map((r) => String(r[0]));
		const schemaVersion = Number(conn.query("PRAGMA schema_version").values()[0]?.[0]);
		const userVersion = Number(conn.query("PRAGMA user_version").values()[0]?.[0]);
		const hasTable = conn
			.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
			.values().length;
		const migrations = hasTable
			? (() => {
					const [row] = conn.query("SELECT count(*), max(created_at) FROM __drizzle_migrations").values();
					return { applied: Number(row?.[0]), latest: row?.[1] === null ? null : Number(row?.[1]) };
				})()
			: null;
		return { integrity: checks.join("; "), schemaVersion, userVersion, migrations };
	} finally {
		conn.close();
	}
}

export function readManifest(dir: string): Manifest {
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), "utf8"));
	} catch (err) {
		throw new Error(`${join(dir, MANIFEST_FILE)} is missing or not JSON (an interrupted backup?): ${err}`);
	}
	const parsed = Manifest.safeParse(raw);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
		throw new Error(`${join(dir, MANIFEST_FILE)} is not a Bazaar backup manifest:\n${lines.join("\n")}`);
	}
	return parsed.data;
}

/** Writes the manifest durably and atomically (temp file, fsync, rename, fsync the directory). */
export function writeManifest(dir: string, manifest: Manifest): void {
	const path = join(dir, MANIFEST_FILE);
	const tmp = `${path}.tmp`;
	writeFileSync(tmp, `${JSON.stringify(manifest, null, "\t")}\n`);
	fsyncPath(tmp);
	renameSync(tmp, path);
	fsyncPath(dirname(path));
}

export function fsyncPath(path: string): void {
	const fd = openSync(path, "r");
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}
