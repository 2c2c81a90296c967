import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../lib/db";
import { tempDir } from "../testing/harness";
import { exec, rows } from "../testing/sql";
import { FULFILLMENT_MIGRATIONS } from "./context";
import { fulfillmentSchema } from "./schema";

// The cancelled migration rebuilds the shipments table (its status CHECK changed): shipments made
// under the first migration must come through whole, with their history and indexes.

/** The migrations folder as it was before the cancelled migration. */
function firstMigrationOnly(): string {
	const dir = join(tempDir("bazaar-fulfillment-mig-"), "migrations");
	mkdirSync(join(dir, "meta"), { recursive: true });
	copyFileSync(join(FULFILLMENT_MIGRATIONS, "0000_fulfillment_init.sql"), join(dir, "0000_fulfillment_init.sql"));
	copyFileSync(join(FULFILLMENT_MIGRATIONS, "meta", "0000_snapshot.json"), join(dir, "meta", "0000_snapshot.json"));
	const journal = JSON.parse(readFileSync(join(FULFILLMENT_MIGRATIONS, "meta", "_journal.json"), "utf8"));
	journal.entries = journal.entries.slice(0, 1);
	writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify(journal));
	return dir;
}

describe("cancelled migration", () => {
	test("keeps every shipment and its history; the new CHECK takes cancelled and nothing unknown", async () => {
		const dir = tempDir("bazaar-fulfillment-mig-");
		const database = await openDatabase(`file:${join(dir, "fulfillment.db")}`, fulfillmentSchema);
		try {
			await migrateDatabase(database, firstMigrationOnly());
			const shipments = [
				["shp_1", "ord_1", "parcel", "pending", null, null, null, null],
				["shp_2", "ord_2", "parcel", "shipped", "bazaar-post", "BZ0000000000000002", "2026-11-02T00:00:00.000Z", null],
				["shp_3", "ord_3", "digital", "delivered", null, null, "2026-11-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z"],
			] as const;
			for (const [id, order, kind, status, carrier, tracking, shippedAt, deliveredAt] of shipments) {
				await exec(
					database,
					`INSERT INTO shipments (id, order_id, customer_id, kind, status, carrier, tracking_number,
						shipping_method, lines, address, created_at, updated_at, shipped_at, delivered_at)
						VALUES (?, ?, 'usr_1', ?, ?, ?, ?, 'standard', '[{"sku":"S"}]', '{"city":"X"}',
						'2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z', ?, ?)`,
					id,
					order,
					kind,
					status,
					carrier,
					tracking,
					shippedAt,
					deliveredAt,
				);
			}
			await exec(
				database,
				`INSERT INTO shipment_history (shipment_id, from_status, to_status, at, actor) VALUES
				('shp_2', NULL, 'pending', '2026-11-01T00:00:00.000Z', 'fulfillment'),
				('shp_2', 'pending', 'shipped', '2026-11-02T00:00:00.000Z', 'usr_admin')`,
			);
			const before = await rows(database, "SELECT * FROM shipments ORDER BY id");

			await migrateDatabase(database, FULFILLMENT_MIGRATIONS);
			const after = await rows(database, "SELECT * FROM shipments ORDER BY id");
			expect(after.map((r) => ({ ...r }))).toEqual(before.map((r) => ({ ...r })));
			expect((await rows(database, "SELECT count(*) AS n FROM shipment_history"))[0]?.n).toBe(2);

			await exec(database, "UPDATE shipments SET status = 'cancelled' WHERE id = 'shp_1'");
			await expect(exec(database, "UPDATE shipments SET status = 'lost' WHERE id = 'shp_1'")).rejects.toThrow(
				/shipments_status_ck/,
			);
			await expect(exec(database, "UPDATE shipments SET kind = 'boat' WHERE id = 'shp_1'")).rejects.toThrow(
				/shipments_kind_ck/,
			);
			// The indexes came back with the table, and still hold.
			const indexes = await rows(
				database,
				"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'shipments'",
			);
			expect(indexes.map((r) => r.name)).toEqual(
				expect.arrayContaining(["shipments_order_uq", "shipments_tracking_uq", "shipments_customer_idx"]),
			);
			await expect(
				exec(
					database,
					`INSERT INTO shipments (id, order_id, customer_id, kind, status, lines, created_at, updated_at)
					VALUES ('shp_4', 'ord_1', 'usr_1', 'parcel', 'pending', '[]', 'x', 'x')`,
				),
			).rejects.toThrow(/UNIQUE/);
			// Migrating again is a no-op.
			await migrateDatabase(database, FULFILLMENT_MIGRATIONS);
		} finally {
			database.close();
		}
	});
});
