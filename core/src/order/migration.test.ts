import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../lib/db";
import { tempDir } from "../testing/harness";
import { exec, rows } from "../testing/sql";
import { ORDER_MIGRATIONS } from "./context";
import { orderSchema } from "./schema";

// The refunds migration rebuilds the orders table (its status CHECK changed): existing orders
// must come through whole, with fulfilled_at / delivered_at taken from their timeline.

/** The migrations folder as it was before the refunds migration. */
function firstMigrationOnly(): string {
	const dir = join(tempDir("bazaar-order-mig-"), "migrations");
	mkdirSync(join(dir, "meta"), { recursive: true });
	copyFileSync(join(ORDER_MIGRATIONS, "0000_order_init.sql"), join(dir, "0000_order_init.sql"));
	copyFileSync(join(ORDER_MIGRATIONS, "meta", "0000_snapshot.json"), join(dir, "meta", "0000_snapshot.json"));
	const journal = JSON.parse(readFileSync(join(ORDER_MIGRATIONS, "meta", "_journal.json"), "utf8"));
	journal.entries = journal.entries.slice(0, 1);
	writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify(journal));
	return dir;
}

describe("refunds migration", () => {
	test("keeps every order and its timeline; fills the shipping times; the new CHECKs hold", async () => {
		const database = await openDatabase(`file:${join(tempDir("bazaar-order-mig-"), "order.db")}`, orderSchema);
		try {
			await migrateDatabase(database, firstMigrationOnly());
			for (const [id, status] of [
				["ord_1", "delivered"],
				["ord_2", "pending_payment"],
			] as const) {
				await exec(
					database,
					`INSERT INTO orders (id, customer_id, email, status, currency, lines, address, shipping_method,
						subtotal, shipping_amount, tax_amount, tax_rate_bp, discount_amount, total, reservation_id,
						payment_id, created_at, updated_at, expires_at)
						VALUES (?, 'usr_1', 'a@example.test', ?, 'USD', '[]', '{}', 'standard', 1000, 100, 0, 0, 0, 1100, ?,
						'pay_1', '2026-11-01T00:00:00.000Z', '2026-11-03T00:00:00.000Z', '2026-11-01T00:15:00.000Z')`,
					id,
					status,
					`res_${id}`,
				);
			}
			await exec(
				database,
				`INSERT INTO order_transitions (order_id, from_status, to_status, at, actor) VALUES
				('ord_1', 'paid', 'fulfilled', '2026-11-02T00:00:00.000Z', 'admin'),
				('ord_1', 'fulfilled', 'delivered', '2026-11-03T00:00:00.000Z', 'carrier')`,
			);

			await migrateDatabase(database, ORDER_MIGRATIONS);
			const found = await rows(
				database,
				"SELECT id, status, total, payment_id, refunded_amount, fulfilled_at, delivered_at FROM orders ORDER BY id",
			);
			expect(found.map((r) => ({ ...r }) as Record<string, unknown>)).toEqual([
				{
					id: "ord_1",
					status: "delivered",
					total: 1100,
					payment_id: "pay_1",
					refunded_amount: 0,
					fulfilled_at: "2026-11-02T00:00:00.000Z",
					delivered_at: "2026-11-03T00:00:00.000Z",
				},
				{
					id: "ord_2",
					status: "pending_payment",
					total: 1100,
					payment_id: "pay_1",
					refunded_amount: 0,
					fulfilled_at: null,
					delivered_at: null,
				},
			]);
			expect((await rows(database, "SELECT count(*) AS n FROM order_transitions"))[0]?.n).toBe(2);
			await exec(database, "UPDATE orders SET status = 'partially_refunded', refunded_amount = 100 WHERE id = 'ord_1'");
			await expect(exec(database, "UPDATE orders SET refunded_amount = 1101 WHERE id = 'ord_1'")).rejects.toThrow(
				/orders_refunded_ck/,
			);
			await expect(exec(database, "UPDATE orders SET status = 'lost' WHERE id = 'ord_1'")).rejects.toThrow(
				/orders_status_ck/,
			);
			// The indexes came back with the table.
			const indexes = await rows(
				database,
				"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders'",
			);
			expect(indexes.map((r) => r.name)).toEqual(
				expect.arrayContaining(["orders_reservation_uq", "orders_customer_created_idx", "orders_pending_expiry_idx"]),
			);
		} finally {
			database.close();
		}
	});
});
