import { expect, test } from "bun:test";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { tempDir } from "../testing/harness";
import { isBusy, openDatabase, writeTransaction } from "./db";

test("writeTransaction takes the write lock up front and retries SQLITE_BUSY", async () => {
	const url = `file:${join(tempDir(), "busy.db")}`;
	const a = await openDatabase(url, {});
	await a.client.execute("CREATE TABLE t (n INTEGER)");
	// A second client with no busy timeout, so contention surfaces as SQLITE_BUSY at once.
	const { createClient } = await import("@libsql/client");
	const b = createClient({ url });
	try {
		const mode = await a.client.execute("PRAGMA journal_mode");
		expect(String(mode.rows[0]?.[0])).toBe("wal");

		const holder = await b.transaction("write");
		await holder.execute("INSERT INTO t VALUES (1)");
		let attempts = 0;
		const blocked = writeTransaction(
			b,
			async (tx) => {
				attempts++;
				await tx.run(sql`INSERT INTO t VALUES (2)`);
				return "done";
			},
			{ attempts: 20 },
		);
		await Bun.sleep(100);
		await holder.commit();
		holder.close();
		expect(await blocked).toBe("done");
		const rows = await a.client.execute("SELECT n FROM t ORDER BY n");
		expect(rows.rows.map((r) => Number(r.n))).toEqual([1, 2]);
		expect(attempts).toBe(1); // BEGIN IMMEDIATE failed before fn ran; fn ran once, after the lock
	} finally {
		b.close();
		a.close();
	}
});

test("a failing transaction rolls back", async () => {
	const db = await openDatabase(`file:${join(tempDir(), "rollback.db")}`, {});
	await db.client.execute("CREATE TABLE t (n INTEGER)");
	await expect(
		writeTransaction(db.client, async (tx) => {
			await tx.run(sql`INSERT INTO t VALUES (1)`);
			throw new Error("nope");
		}),
	).rejects.toThrow("nope");
	expect((await db.client.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(0);
	expect(isBusy(new Error("x"))).toBe(false);
	expect(isBusy({ code: "SQLITE_BUSY" })).toBe(true);
	db.close();
});
