import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { count, eq, isNotNull, sql } from "drizzle-orm";
import { PNG } from "pngjs";
import { openCatalog } from "../catalog/context";
import { categories, imageSources, products, variantPrices, variants } from "../catalog/schema";
import { seededTemplate, tempDir } from "../testing/harness";
import { CatalogNotEmptyError, seedCatalog } from "./catalog-seed";

test("the default seed: 600 products in 10+ departments, all kinds, prices in three currencies, images", async () => {
	const t = await seededTemplate();
	const catalog = await openCatalog({ url: `file:${t.dbFile}`, imagesDir: t.imagesDir });
	const db = catalog.database.db;
	try {
		const [total] = await db.select({ n: count() }).from(products);
		expect(total?.n).toBe(600);
		const top = await db.select({ n: count() }).from(categories).where(sql`parent_id IS NULL`);
		expect(top[0]?.n).toBeGreaterThanOrEqual(10);
		const kinds = await db.all<{ kind: string; n: number }>(
			sql`SELECT kind, count(*) AS n FROM products GROUP BY kind`,
		);
		expect(kinds.map((k) => k.kind).sort()).toEqual(["digital", "physical", "service"]);
		const currencies = await db.all<{ currency: string }>(
			sql`SELECT DISTINCT currency FROM variant_prices ORDER BY currency`,
		);
		expect(currencies.map((c) => c.currency)).toEqual(["EUR", "GBP", "USD"]);
		expect(
			(await db.select({ n: count() }).from(variantPrices).where(isNotNull(variantPrices.compareAt)))[0]?.n,
		).toBeGreaterThan(0);
		expect((await db.select({ n: count() }).from(products).where(eq(products.inStock, false)))[0]?.n).toBeGreaterThan(
			0,
		);
		expect((await db.select({ n: count() }).from(variants).where(eq(variants.inStock, false)))[0]?.n).toBeGreaterThan(
			0,
		);
		// Physical products with size and colour variants, one SKU each.
		const multi = await db.all<{ n: number }>(
			sql`SELECT count(*) AS n FROM variants WHERE json_extract(options, '$.size') IS NOT NULL AND json_extract(options, '$.colour') IS NOT NULL`,
		);
		expect(multi[0]?.n).toBeGreaterThan(100);
		const skus = await db.all<{ dup: number }>(sql`SELECT count(*) - count(DISTINCT sku) AS dup FROM variants`);
		expect(skus[0]?.dup).toBe(0);
		const amounts = await db.all<{ bad: number }>(
			sql`SELECT count(*) AS bad FROM variant_prices WHERE amount != CAST(amount AS INTEGER) OR amount <= 0`,
		);
		expect(amounts[0]?.bad).toBe(0);

		// Every product has a thumbnail of its own; files exist, are PNGs of the recorded size.
		const thumbs = await db.all<{ hash: string; width: number; bytes: number }>(
			sql`SELECT s.hash, s.width, s.bytes FROM image_sources s JOIN images i ON i.id = s.image_id WHERE s.size = 'thumb' AND i.position = 0`,
		);
		expect(thumbs.length).toBe(600);
		expect(new Set(thumbs.map((x) => x.hash)).size).toBe(600);
		for (const thumb of thumbs.slice(0, 20)) {
			const bytes = readFileSync(join(t.imagesDir, thumb.hash));
			expect(bytes.length).toBe(thumb.bytes);
			expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(thumb.hash);
			expect(PNG.sync.read(bytes).width).toBe(160);
		}
		const full = await db.select().from(imageSources).where(eq(imageSources.size, "full")).limit(3);
		for (const f of full) {
			expect(f.width).toBe(1200);
			expect(f.bytes).toBeLessThan(64 * 1024);
			expect(existsSync(join(t.imagesDir, f.hash))).toBe(true);
		}
		// Every product is searchable.
		const fts = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM product_search`);
		expect(fts[0]?.n).toBe(600);

		// A second `seed --if-empty` does nothing; a plain seed refuses to clobber.
		expect((await seedCatalog(catalog, { products: 10, ifEmpty: true })).skipped).toBe(true);
		await expect(seedCatalog(catalog, { products: 10 })).rejects.toBeInstanceOf(CatalogNotEmptyError);
	} finally {
		catalog.database.close();
	}
}, 120_000);

test("the seed is deterministic and --reset replaces the catalog", async () => {
	const runs = [];
	for (let i = 0; i < 2; i++) {
		const dir = tempDir();
		const catalog = await openCatalog({ url: `file:${join(dir, "c.db")}`, imagesDir: join(dir, "images") });
		await seedCatalog(catalog, { products: 40 });
		const rows = await catalog.database.db
			.select({ id: products.id, slug: products.slug })
			.from(products)
			.orderBy(products.id);
		const hashes = await catalog.database.db
			.select({ hash: imageSources.hash })
			.from(imageSources)
			.orderBy(imageSources.hash);
		runs.push({ rows, hashes });
		if (i === 1) {
			const reset = await seedCatalog(catalog, { products: 12, reset: true });
			expect(reset.products).toBe(12);
			expect((await catalog.database.db.select({ n: count() }).from(products))[0]?.n).toBe(12);
			const fts = await catalog.database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM product_search`);
			expect(fts[0]?.n).toBe(12);
		}
		catalog.database.close();
	}
	expect(runs[0]).toEqual(runs[1] as (typeof runs)[0]);
}, 60_000);
