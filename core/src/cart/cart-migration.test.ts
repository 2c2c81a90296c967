import { expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrateDatabase, openDatabase } from "../lib/db";
import { tempDir } from "../testing/harness";
import { CART_MIGRATIONS } from "./context";
import { cartSchema } from "./schema";

// 0001 rebuilds cart_lines with a slot in its key (SQLite cannot change a primary key in
// place). A cart database made before it must keep every line, as an unbooked one.

test("the slot migration keeps the lines of an existing cart database, unbooked", async () => {
	const dir = tempDir("bazaar-cart-migration-");
	// The migrations as they stood before 0001: the first file and a journal naming only it.
	const before = join(dir, "before");
	mkdirSync(join(before, "meta"), { recursive: true });
	copyFileSync(join(CART_MIGRATIONS, "0000_cart_init.sql"), join(before, "0000_cart_init.sql"));
	const journal = JSON.parse(readFileSync(join(CART_MIGRATIONS, "meta/_journal.json"), "utf8"));
	writeFileSync(
		join(before, "meta/_journal.json"),
		JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }),
	);

	const database = await openDatabase(`file:${join(dir, "cart.db")}`, cartSchema);
	try {
		await migrateDatabase(database, before);
		const at = "2026-11-01T09:00:00.000Z";
		await database.db.run(sql`INSERT INTO carts (id, owner_kind, owner_key, currency, revision, created_at, updated_at)
			VALUES ('cart_A', 'customer', 'usr_a', 'USD', 3, ${at}, ${at})`);
		await database.db.run(sql`INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at)
			VALUES ('cart_A', 'var_1', 2, ${at}), ('cart_A', 'var_2', 99, ${at})`);

		await migrateDatabase(database, CART_MIGRATIONS);
		const rows =
			await database.db.all(sql`SELECT cart_id AS cartId, variant_id AS variantId, slot, quantity, added_at AS addedAt
			FROM cart_lines ORDER BY variant_id`);
		expect(rows).toEqual([
			{ cartId: "cart_A", variantId: "var_1", slot: "", quantity: 2, addedAt: at },
			{ cartId: "cart_A", variantId: "var_2", slot: "", quantity: 99, addedAt: at },
		]);
		// The new key: the same variant at another slot is another line; the same key twice is refused.
		const slot = "2026-12-01T10:00:00.000Z";
		await database.db.run(sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at)
			VALUES ('cart_A', 'var_1', ${slot}, 1, ${at})`);
		const insert = async (q: ReturnType<typeof sql>) => database.db.run(q);
		await expect(
			insert(
				sql`INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at) VALUES ('cart_A', 'var_1', 1, ${at})`,
			),
		).rejects.toThrow();
		// A slot is spelled one way only (24 characters, ISO UTC).
		await expect(
			insert(sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at)
				VALUES ('cart_A', 'var_3', 'noon', 1, ${at})`),
		).rejects.toThrow();
		const [count] = await database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM cart_lines`);
		expect(count?.n).toBe(3);
	} finally {
		database.close();
	}
});
