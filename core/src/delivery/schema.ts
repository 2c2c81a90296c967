import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The delivery module's own database. Files: what staff uploaded for a download variant (the bytes
// are in the edge's private R2 bucket under object_key). Licence keys: a per-variant pool; a key
// moves available → issued (to one order) → revoked, never back. Download links: one per paid
// order line, with its expiry, limit and count; the token is not stored (it is an HMAC of the id
// and expiry, recomputed when the link is shown).

export const deliveryFiles = sqliteTable("delivery_files", {
	variantId: text("variant_id").primaryKey(),
	objectKey: text("object_key").notNull(),
	fileName: text("file_name").notNull(),
	contentType: text("content_type").notNull(),
	bytes: integer("bytes").notNull(),
	sha256: text("sha256").notNull(),
	uploadedAt: text("uploaded_at").notNull(),
	uploadedBy: text("uploaded_by").notNull(),
});

export const licenseKeys = sqliteTable(
	"license_keys",
	{
		id: text("id").primaryKey(),
		variantId: text("variant_id").notNull(),
		key: text("key").notNull(),
		status: text("status", { enum: ["available", "issued", "revoked"] }).notNull(),
		orderId: text("order_id"),
		customerId: text("customer_id"),
		title: text("title"),
		addedAt: text("added_at").notNull(),
		issuedAt: text("issued_at"),
		revokedAt: text("revoked_at"),
	},
	(t) => [
		uniqueIndex("license_keys_variant_key_uq").on(t.variantId, t.key),
		index("license_keys_pool_ix").on(t.variantId, t.status, t.id),
		index("license_keys_order_ix").on(t.orderId),
		check("license_keys_status_ck", sql`${t.status} IN ('available', 'issued', 'revoked')`),
		check("license_keys_issued_ck", sql`(${t.status} = 'available') = (${t.orderId} IS NULL)`),
	],
);

export const downloadLinks = sqliteTable(
	"download_links",
	{
		id: text("id").primaryKey(),
		orderId: text("order_id").notNull(),
		customerId: text("customer_id").notNull(),
		variantId: text("variant_id").notNull(),
		title: text("title").notNull(),
		expiresAt: text("expires_at").notNull(),
		maxDownloads: integer("max_downloads").notNull(),
		downloads: integer("downloads").notNull().default(0),
		createdAt: text("created_at").notNull(),
		revokedAt: text("revoked_at"),
	},
	(t) => [
		uniqueIndex("download_links_order_variant_uq").on(t.orderId, t.variantId),
		check("download_links_count_ck", sql`${t.downloads} >= 0 AND ${t.downloads} <= ${t.maxDownloads}`),
	],
);

export const deliverySchema = { deliveryFiles, licenseKeys, downloadLinks };
export type DeliverySchema = typeof deliverySchema;
