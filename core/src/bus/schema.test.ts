import { expect, test } from "bun:test";
import { join } from "node:path";
import { EventEnvelope, typedEnvelope } from "@bazaar/contracts/bus";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { openDatabase, type TxDb } from "../lib/db";
import { tempDir } from "../testing/harness";
import { exec, rows } from "../testing/sql";
import { emit } from "./emit";
import { handleOnce, wasHandled } from "./inbox";
import { busMigrationSnippet, busMigrationSql, busTables, ensureBusTables } from "./schema";

const normalize = (stmt: string) =>
	stmt
		.replace(/IF NOT EXISTS /g, "")
		.replace(/;\s*$/, "")
		.replace(/\s+/g, " ")
		.trim();

test("the SQL snippet is exactly what drizzle-kit generates for the drizzle tables", async () => {
	const generated = await generateSQLiteMigration(
		await generateSQLiteDrizzleJson({}),
		await generateSQLiteDrizzleJson(busTables),
	);
	expect(busMigrationSql().map(normalize).sort()).toEqual(generated.map(normalize).sort());
	expect(busMigrationSnippet()).toContain("--> statement-breakpoint");
});

test("emit writes a valid envelope in the caller's transaction; invalid events roll the change back", async () => {
	const db = await openDatabase(`file:${join(tempDir(), "m.db")}`, {});
	await ensureBusTables(db);
	await ensureBusTables(db); // idempotent
	const event = await db.write((tx) =>
		emit(tx, { type: "inventory.stock.adjusted", source: "inventory", key: "SKU-1", data: { delta: -2 } }),
	);
	expect(EventEnvelope.parse(event)).toEqual(event);
	expect(event.id).toStartWith("evt_");
	const row = await rows(db, "SELECT payload, sent_at FROM bus_outbox");
	expect(JSON.parse(String(row[0]?.payload))).toEqual(event);
	expect(row[0]?.sent_at).toBeNull();

	for (const bad of [
		{ type: "Order Placed", source: "order", key: "k", data: {} },
		{ type: "order", source: "order", key: "k", data: {} },
		{ type: "order.placed", source: "", key: "k", data: {} },
		{ type: "order.placed", source: "order", key: "", data: {} },
	]) {
		await expect(db.write((tx) => emit(tx, bad))).rejects.toThrow();
	}
	expect(Number((await rows(db, "SELECT count(*) AS n FROM bus_outbox"))[0]?.n)).toBe(1);

	const OrderPlaced = typedEnvelope("order.placed", z.object({ orderId: z.string() }));
	expect(OrderPlaced.safeParse({ ...event, type: "order.placed", data: { orderId: "o1" } }).success).toBe(true);
	expect(OrderPlaced.safeParse({ ...event, type: "order.placed", data: {} }).success).toBe(false);
	db.close();
});

test("handleOnce applies once per consumer; a failing handler leaves no inbox row", async () => {
	const db = await openDatabase(`file:${join(tempDir(), "c.db")}`, {});
	await ensureBusTables(db);
	await exec(db, "CREATE TABLE n (v INTEGER)");
	const bump = async (tx: TxDb) => {
		await tx.run(sql`INSERT INTO n VALUES (1)`);
	};
	expect(await handleOnce(db, "evt_1", bump)).toMatchObject({ applied: true });
	expect(await handleOnce(db, "evt_1", bump)).toEqual({ applied: false });
	expect(await handleOnce(db, "evt_1", bump, { consumer: "other" })).toMatchObject({ applied: true });
	await expect(
		handleOnce(db, "evt_2", async () => {
			throw new Error("boom");
		}),
	).rejects.toThrow("boom");
	expect(await wasHandled(db, "evt_2")).toBe(false);
	expect(await wasHandled(db, "evt_1")).toBe(true);
	expect(Number((await rows(db, "SELECT count(*) AS n FROM n"))[0]?.n)).toBe(2);
	db.close();
});
