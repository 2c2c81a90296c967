import { Database as SqliteConnection } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { changes, countStatements, type Database, enableStatementCounting, isBusy, openDatabase, prepared } from "./db";

enableStatementCounting();

// Not the shared harness: this file tests the layer everything else is built on, alone.
const tempDir = () => mkdtempSync(join(tmpdir(), "bazaar-db-"));

const drivers = [
	["bun:sqlite", {}],
	["@libsql/client (the remote code path)", { driver: "libsql-client" as const }],
] as const;

async function table(database: Database<Record<string, unknown>>) {
	await database.write((tx) => tx.run(sql`CREATE TABLE t (n INTEGER PRIMARY KEY, label TEXT NOT NULL)`));
}

const count = async (database: Database<Record<string, unknown>>) =>
	(await database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM t`))[0]?.n;

for (const [name, options] of drivers) {
	describe(`group commit on ${name}`, () => {
		test("units of one batch that fail roll back alone; the others commit together", async () => {
			const database = await openDatabase(`file:${join(tempDir(), "batch.db")}`, {}, options);
			await table(database);
			const before = database.stats.batches;
			const outcomes = await Promise.allSettled([
				database.write((tx) => tx.run(sql`INSERT INTO t VALUES (1, 'one')`)),
				// a constraint violation after a successful statement in the same unit
				database.write(async (tx) => {
					await tx.run(sql`INSERT INTO t VALUES (2, 'two')`);
					await tx.run(sql`INSERT INTO t VALUES (1, 'duplicate')`);
				}),
				database.write(async (tx) => {
					await tx.run(sql`INSERT INTO t VALUES (3, 'three')`);
					throw new Error("the unit changed its mind");
				}),
				database.write(async (tx) => {
					await tx.run(sql`INSERT INTO t VALUES (4, 'four')`);
					// reads inside a unit see the batch's earlier units
					return (await tx.all<{ n: number }>(sql`SELECT n FROM t ORDER BY n`)).map((r) => r.n);
				}),
			]);
			expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
			expect((outcomes[2] as PromiseRejectedResult).reason.message).toBe("the unit changed its mind");
			expect((outcomes[3] as PromiseFulfilledResult<number[]>).value).toEqual([1, 4]);
			expect(database.stats.batches - before).toBe(1);
			const rows = await database.db.all<{ n: number; label: string }>(sql`SELECT n, label FROM t ORDER BY n`);
			expect(rows).toEqual([
				{ n: 1, label: "one" },
				{ n: 4, label: "four" },
			]);
			await database.close();
		});

		test("a lone failing unit rolls back and the next write goes on", async () => {
			const database = await openDatabase(`file:${join(tempDir(), "alone.db")}`, {}, options);
			await table(database);
			await expect(
				database.write(async (tx) => {
					await tx.run(sql`INSERT INTO t VALUES (1, 'one')`);
					throw new Error("nope");
				}),
			).rejects.toThrow("nope");
			expect(await count(database)).toBe(0);
			const res = await database.write((tx) => tx.run(sql`INSERT INTO t VALUES (2, 'two')`));
			expect(changes(res)).toBe(1);
			expect(await count(database)).toBe(1);
			await database.close();
		});

		test("writes queued together share a commit, and each caller sees its write once answered", async () => {
			const database = await openDatabase(`file:${join(tempDir(), "many.db")}`, {}, options);
			await table(database);
			const before = { ...database.stats };
			await Promise.all(
				Array.from({ length: 300 }, (_, i) =>
					database
						.write((tx) => tx.run(sql`INSERT INTO t VALUES (${i + 1}, ${`n${i}`})`))
						.then(async () => {
							const seen = await database.db.all(sql`SELECT n FROM t WHERE n = ${i + 1}`);
							expect(seen).toHaveLength(1);
						}),
				),
			);
			expect(await count(database)).toBe(300);
			expect(database.stats.units - before.units).toBe(300);
			// 300 writes queued in one turn of the event loop: far fewer commits than writes
			expect(database.stats.batches - before.batches).toBeLessThan(10);
			await database.close();
		});
	});
}

test("the writer waits for another process's write lock without blocking the event loop", async () => {
	const path = join(tempDir(), "locked.db");
	const database = await openDatabase(`file:${path}`, {});
	await table(database);
	// Another connection, as another process would hold it.
	const other = new SqliteConnection(path);
	other.exec("BEGIN IMMEDIATE");
	other.exec("INSERT INTO t VALUES (1, 'other')");
	let ticks = 0;
	const ticker = setInterval(() => ticks++, 5);
	const write = database.write((tx) => tx.run(sql`INSERT INTO t VALUES (2, 'mine')`));
	await Bun.sleep(100);
	expect(ticks).toBeGreaterThan(3); // the event loop kept running while the writer waited
	other.exec("COMMIT");
	await write;
	clearInterval(ticker);
	expect(database.stats.lockWaits).toBeGreaterThan(0);
	expect(await count(database)).toBe(2);
	other.close();
	await database.close();
});

test("two handles on one file share one writer", async () => {
	const url = `file:${join(tempDir(), "shared.db")}`;
	const a = await openDatabase(url, {});
	const b = await openDatabase(url, {});
	await table(a);
	await Promise.all([
		...Array.from({ length: 50 }, (_, i) => a.write((tx) => tx.run(sql`INSERT INTO t VALUES (${i}, 'a')`))),
		...Array.from({ length: 50 }, (_, i) => b.write((tx) => tx.run(sql`INSERT INTO t VALUES (${100 + i}, 'b')`))),
	]);
	await a.close();
	expect(await count(b)).toBe(100);
	await b.write((tx) => tx.run(sql`INSERT INTO t VALUES (1000, 'after a closed')`));
	expect(await count(b)).toBe(101);
	await b.close();
});

test("prepared statements are built once per connection and counted per caller", async () => {
	const database = await openDatabase(`file:${join(tempDir(), "prepared.db")}`, {});
	await table(database);
	let builds = 0;
	const t = sqliteTable("t", { n: integer("n").primaryKey(), label: text("label").notNull() });
	const statements = prepared((db: typeof database.db) => {
		builds++;
		return {
			byN: db
				.select({ label: t.label })
				.from(t)
				.where(eq(t.n, sql.placeholder("n")))
				.prepare(),
		};
	});
	expect(statements(database.db)).toBe(statements(database.db));
	expect(builds).toBe(1);
	await database.write((tx) => tx.run(sql`INSERT INTO t VALUES (7, 'seven')`));
	expect(await statements(database.db).byN.all({ n: 7 })).toEqual([{ label: "seven" }]);
	const { total, totalCommits: commits } = await countStatements(async () => {
		await database.write(async (tx) => {
			await tx.run(sql`INSERT INTO t VALUES (1, 'one')`);
			await tx.run(sql`INSERT INTO t VALUES (2, 'two')`);
		});
		await statements(database.db).byN.all({ n: 1 });
		await database.db.all(sql`SELECT * FROM t`);
	});
	expect(total).toBe(4);
	expect(commits).toBe(1);
	expect(isBusy(new Error("x"))).toBe(false);
	expect(isBusy({ code: "SQLITE_BUSY" })).toBe(true);
	await database.close();
});

test("migrations run once, through the writer", async () => {
	const { mkdirSync, writeFileSync } = await import("node:fs");
	const dir = tempDir();
	const folder = join(dir, "migrations");
	mkdirSync(join(folder, "meta"), { recursive: true });
	writeFileSync(
		join(folder, "meta", "_journal.json"),
		JSON.stringify({
			version: "7",
			dialect: "sqlite",
			entries: [{ idx: 0, version: "6", when: 1700000000000, tag: "0000_init", breakpoints: true }],
		}),
	);
	writeFileSync(
		join(folder, "0000_init.sql"),
		"CREATE TABLE a (id INTEGER PRIMARY KEY);\n--> statement-breakpoint\nCREATE TABLE b (id INTEGER PRIMARY KEY);",
	);
	const { migrateDatabase } = await import("./db");
	const url = `file:${join(dir, "m.db")}`;
	const database = await openDatabase(url, {});
	await migrateDatabase(database, folder);
	await migrateDatabase(database, folder);
	const tables = await database.db.all<{ name: string }>(
		sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b') ORDER BY name`,
	);
	expect(tables.map((t) => t.name)).toEqual(["a", "b"]);
	const applied = await database.db.all(sql`SELECT hash FROM __drizzle_migrations`);
	expect(applied).toHaveLength(1);
	await database.close();
});
