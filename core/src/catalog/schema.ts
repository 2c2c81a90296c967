import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The catalog's own database. Timestamps are ISO-8601 UTC strings (always the same width, so
// they sort as text); money is integer minor units; JSON columns hold small value objects.

export const categories = sqliteTable(
	"categories",
	{
		id: text("id").primaryKey(),
		slug: text("slug").notNull(),
		name: text("name").notNull(),
		description: text("description").notNull().default(""),
		parentId: text("parent_id"),
		position: integer("position").notNull().default(0),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [uniqueIndex("categories_slug_uq").on(t.slug), index("categories_parent_idx").on(t.parentId, t.position)],
);

export const products = sqliteTable(
	"products",
	{
		// An integer rowid alias so the FTS index can point at products by a rowid that VACUUM
		// never renumbers; the public id is the ULID below.
		seq: integer("seq").primaryKey(),
		id: text("id").notNull(),
		slug: text("slug").notNull(),
		kind: text("kind", { enum: ["physical", "digital", "service"] }).notNull(),
		status: text("status", { enum: ["draft", "active", "archived"] }).notNull(),
		title: text("title").notNull(),
		description: text("description").notNull().default(""),
		brand: text("brand"),
		categoryId: text("category_id").notNull(),
		digital: text("digital", { mode: "json" }).$type<{
			format: string;
			sizeBytes: number;
			delivery: "download" | "license_key";
		} | null>(),
		service: text("service", { mode: "json" }).$type<{
			durationMinutes: number | null;
			billing: "one_time" | "monthly" | "yearly";
			booking: "appointment" | "none";
			cancelCutoffHours?: number;
		} | null>(),
		/** Derived: any variant in stock. Kept in the same transaction as variant writes. */
		inStock: integer("in_stock", { mode: "boolean" }).notNull().default(true),
		/**
		 * A copy of the review module's exact aggregate of the product's published reviews
		 * (review.rating_changed, through workflows/review-flows.ts); the product's pages and lists
		 * read it from here so it rides the catalog's caches. Histogram: [1★ … 5★] counts.
		 */
		ratingAvg: real("rating_avg"),
		ratingCount: integer("rating_count").notNull().default(0),
		ratingHistogram: text("rating_histogram", { mode: "json" })
			.$type<[number, number, number, number, number]>()
			.notNull()
			.default(sql`'[0,0,0,0,0]'`),
		/** The review module's revision of that aggregate: only a newer one is copied. */
		ratingRevision: integer("rating_revision").notNull().default(0),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		uniqueIndex("products_id_uq").on(t.id),
		uniqueIndex("products_slug_uq").on(t.slug),
		// One index per sort, led by the filters every public list has (status, then category).
		index("products_status_category_created_idx").on(t.status, t.categoryId, t.createdAt, t.id),
		index("products_status_created_idx").on(t.status, t.createdAt, t.id),
		index("products_status_rating_idx").on(t.status, t.ratingAvg, t.id),
		index("products_status_kind_idx").on(t.status, t.kind),
		// The staff list of every status, newest first (list-admin-products.ts).
		index("products_created_idx").on(t.createdAt, t.id),
	],
);

export const variants = sqliteTable(
	"variants",
	{
		id: text("id").primaryKey(),
		productId: text("product_id").notNull(),
		sku: text("sku").notNull(),
		title: text("title").notNull(),
		options: text("options", { mode: "json" }).$type<Record<string, string>>().notNull(),
		inStock: integer("in_stock", { mode: "boolean" }).notNull().default(true),
		weightGrams: integer("weight_grams"),
		position: integer("position").notNull().default(0),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [uniqueIndex("variants_sku_uq").on(t.sku), index("variants_product_idx").on(t.productId, t.position)],
);

export const variantPrices = sqliteTable(
	"variant_prices",
	{
		variantId: text("variant_id").notNull(),
		currency: text("currency").notNull(),
		amount: integer("amount").notNull(),
		compareAt: integer("compare_at"),
	},
	(t) => [primaryKey({ columns: [t.variantId, t.currency] })],
);

/**
 * Derived read model: a product's "from" price per currency (its cheapest variant), so lists
 * filter and sort by price with one indexed join instead of aggregating variants per request.
 * Recomputed in the same transaction as every variant or price write.
 */
export const productPrices = sqliteTable(
	"product_prices",
	{
		productId: text("product_id").notNull(),
		currency: text("currency").notNull(),
		amount: integer("amount").notNull(),
		compareAt: integer("compare_at"),
	},
	(t) => [
		primaryKey({ columns: [t.productId, t.currency] }),
		index("product_prices_sort_idx").on(t.currency, t.amount, t.productId),
	],
);

export const productAttributes = sqliteTable(
	"product_attributes",
	{
		productId: text("product_id").notNull(),
		name: text("name").notNull(),
		value: text("value").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.productId, t.name, t.value] }),
		// Filters look products up by (name, value); facets group by them.
		index("product_attributes_filter_idx").on(t.name, t.value, t.productId),
	],
);

export const images = sqliteTable(
	"images",
	{
		id: text("id").primaryKey(),
		productId: text("product_id").notNull(),
		alt: text("alt").notNull(),
		position: integer("position").notNull().default(0),
		createdAt: text("created_at").notNull(),
	},
	(t) => [index("images_product_idx").on(t.productId, t.position)],
);

export const imageSources = sqliteTable(
	"image_sources",
	{
		imageId: text("image_id").notNull(),
		size: text("size", { enum: ["thumb", "card", "full"] }).notNull(),
		/** sha-256 of the bytes, which live at <DATA_DIR>/images/<hash>. */
		hash: text("hash").notNull(),
		contentType: text("content_type", { enum: ["image/png", "image/jpeg", "image/webp"] }).notNull(),
		width: integer("width").notNull(),
		height: integer("height").notNull(),
		bytes: integer("bytes").notNull(),
	},
	(t) => [primaryKey({ columns: [t.imageId, t.size] }), index("image_sources_hash_idx").on(t.hash)],
);

/** A single row: the catalog version, bumped by every write transaction. */
export const catalogMeta = sqliteTable("catalog_meta", {
	id: integer("id").primaryKey(),
	version: integer("version").notNull(),
});

/**
 * A single row: the markets (MarketList JSON, validated on the way in). Kept in the catalog so a
 * change bumps the catalog version like any other change shoppers see, and reaches the edge the
 * same way.
 */
export const catalogMarkets = sqliteTable("catalog_markets", {
	id: integer("id").primaryKey(),
	list: text("list").notNull(),
});

// Its outbox and inbox (core/src/bus): catalog.* events commit with the change and its version.
export { busInbox, busOutbox };

export const catalogSchema = {
	categories,
	products,
	variants,
	variantPrices,
	productPrices,
	productAttributes,
	images,
	imageSources,
	catalogMeta,
	catalogMarkets,
	busOutbox,
	busInbox,
};
export type CatalogSchema = typeof catalogSchema;
