import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { updateVariant } from "../catalog/update-variant";
import { migrateDatabase, openDatabase } from "../lib/db";
import { tempDir } from "../testing/harness";
import { catalogPort, inventoryPort } from "../workflows/cart-ports";
import { CART_MIGRATIONS } from "./context";
import { openCart } from "./module";
import { cartSchema } from "./schema";
import { type CartHarness, cartHarness, customer, variantId } from "./testing/fixtures";

// 0001 rebuilds cart_lines with a slot in its key (SQLite cannot change a primary key in
// place). A cart database made before it must keep every line, as an unbooked one.
// 0002 adds the price a line was added at (three nullable columns, ALTER TABLE ADD COLUMN, no
// rebuild): lines from before it keep everything and have no added price, so they never warn.

/** The migrations as they stood with only the first `count`: their files and a journal naming only them. */
function migrationsUpTo(dir: string, count: number): string {
	const before = join(dir, `first-${count}`);
	mkdirSync(join(before, "meta"), { recursive: true });
	const journal = JSON.parse(readFileSync(join(CART_MIGRATIONS, "meta/_journal.json"), "utf8"));
	const entries = journal.entries.slice(0, count);
	for (const e of entries) copyFileSync(join(CART_MIGRATIONS, `${e.tag}.sql`), join(before, `${e.tag}.sql`));
	writeFileSync(join(before, "meta/_journal.json"), JSON.stringify({ ...journal, entries }));
	return before;
}

test("the slot migration keeps the lines of an existing cart database, unbooked", async () => {
	const dir = tempDir("bazaar-cart-migration-");
	const before = migrationsUpTo(dir, 1);

	const database = await openDatabase(`file:${join(dir, "cart.db")}`, cartSchema);
	try {
		await migrateDatabase(database, before);
		const at = "2026-11-01T09:00:00.000Z";
		await database.write((tx) =>
			tx.run(sql`INSERT INTO carts (id, owner_kind, owner_key, currency, revision, created_at, updated_at)
			VALUES ('cart_A', 'customer', 'usr_a', 'USD', 3, ${at}, ${at})`),
		);
		await database.write((tx) =>
			tx.run(sql`INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at)
			VALUES ('cart_A', 'var_1', 2, ${at}), ('cart_A', 'var_2', 99, ${at})`),
		);

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
		await database.write((tx) =>
			tx.run(sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at)
			VALUES ('cart_A', 'var_1', ${slot}, 1, ${at})`),
		);
		const insert = async (q: ReturnType<typeof sql>) => database.write((tx) => tx.run(q));
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

let h: CartHarness | undefined;
afterAll(() => h?.close());

test("the added-price migration keeps every line, with no added price: no warning until the quantity changes", async () => {
	// Added in place: a rebuild would copy columns the old table lacks (see 0001).
	const ddl = readFileSync(join(CART_MIGRATIONS, "0002_cart_line_added_price.sql"), "utf8");
	expect(ddl).not.toMatch(/CREATE TABLE|INSERT INTO|DROP TABLE/i);
	expect(ddl.match(/ALTER TABLE `cart_lines` ADD `\w+`/g)).toHaveLength(3);

	h = await cartHarness();
	const mug = await h.product({ title: "Mug", variants: [{ sku: "MUG-M", price: 1250, stock: null }] });
	const massage = await h.product({
		title: "Massage",
		kind: "service",
		variants: [{ sku: "MASSAGE-M", price: 6000, stock: { slotCapacity: 10 } }],
	});
	const dir = tempDir("bazaar-cart-migration-");
	const url = `file:${join(dir, "cart.db")}`;
	const database = await openDatabase(url, cartSchema);
	const at = "2026-11-01T09:00:00.000Z";
	const hour = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000).toISOString();
	try {
		// A cart database as it stood after 0001: an unbooked line and a booked one.
		await migrateDatabase(database, migrationsUpTo(dir, 2));
		await database.write((tx) =>
			tx.run(sql`INSERT INTO carts (id, owner_kind, owner_key, currency, revision, created_at, updated_at)
			VALUES ('cart_A', 'customer', 'usr_migrated', 'EUR', 3, ${at}, ${at})`),
		);
		await database.write((tx) =>
			tx.run(sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at)
			VALUES ('cart_A', ${variantId(mug)}, '', 2, ${at}), ('cart_A', ${variantId(massage)}, ${hour}, 1, ${at})`),
		);

		await migrateDatabase(database, CART_MIGRATIONS);
		const rows = await database.db.all(sql`SELECT variant_id AS variantId, slot, quantity, added_at AS addedAt,
				added_price AS addedPrice, added_currency AS addedCurrency, added_price_at AS addedPriceAt
			FROM cart_lines ORDER BY slot`);
		expect(rows).toEqual([
			{
				variantId: variantId(mug),
				slot: "",
				quantity: 2,
				addedAt: at,
				addedPrice: null,
				addedCurrency: null,
				addedPriceAt: null,
			},
			{
				variantId: variantId(massage),
				slot: hour,
				quantity: 1,
				addedAt: at,
				addedPrice: null,
				addedCurrency: null,
				addedPriceAt: null,
			},
		]);
		// Still keyed by (cart, variant, slot).
		const again = async () =>
			database.write((tx) =>
				tx.run(sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at)
				VALUES ('cart_A', ${variantId(mug)}, '', 1, ${at})`),
			);
		await expect(again()).rejects.toThrow();
	} finally {
		database.close();
	}

	// The cart on the migrated database, pricing through the real catalog and inventory.
	const cart = await openCart({
		url,
		catalog: catalogPort(h.catalog),
		inventory: inventoryPort(h.inv),
		currency: "EUR",
	});
	try {
		const owner = customer({ user: "usr_migrated", roles: ["customer"] });
		await updateVariant(h.catalog, variantId(mug), { prices: [{ amount: 1400, currency: "EUR" }] });
		let read = await cart.getCart(owner);
		expect(read.lines.map((l) => [l.quantity, l.unitPrice?.amount, l.addedUnitPrice, l.priceChange])).toEqual([
			[2, 1400, null, null],
			[1, 6000, null, null],
		]);
		expect(read.warnings).toEqual([]);
		// The shopper's next change of the line notes its price; a later change is then told.
		await cart.setQuantity(owner, variantId(mug), { quantity: 3 });
		await updateVariant(h.catalog, variantId(mug), { prices: [{ amount: 1500, currency: "EUR" }] });
		read = await cart.getCart(owner);
		expect(read.lines[0]?.priceChange).toEqual({
			from: { amount: 1400, currency: "EUR" },
			to: { amount: 1500, currency: "EUR" },
		});
	} finally {
		await cart.stop();
	}
});
