import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The flash module's own database: the sale items an admin creates and arms. Reservations are not
// stored here: each becomes an order (order module, idempotent by reservation id) and its units
// live in the edge's shards and the inventory's hold.

export const flashItems = sqliteTable(
	"flash_items",
	{
		id: text("id").primaryKey(),
		variantId: text("variant_id").notNull(),
		sku: text("sku").notNull(),
		title: text("title").notNull(),
		currency: text("currency").notNull(),
		flashPrice: integer("flash_price").notNull(),
		regularPrice: integer("regular_price"),
		quota: integer("quota").notNull(),
		perShopperLimit: integer("per_shopper_limit").notNull(),
		startsAt: text("starts_at").notNull(),
		endsAt: text("ends_at").notNull(),
		shards: integer("shards").notNull(),
		paymentWindowSeconds: integer("payment_window_seconds").notNull(),
		status: text("status", { enum: ["draft", "armed", "closed"] }).notNull(),
		holdId: text("hold_id"),
		armedAt: text("armed_at"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		check("flash_items_status_ck", sql`${t.status} IN ('draft', 'armed', 'closed')`),
		check("flash_items_numbers_ck", sql`${t.quota} > 0 AND ${t.perShopperLimit} > 0 AND ${t.shards} > 0`),
		check("flash_items_window_ck", sql`${t.endsAt} > ${t.startsAt}`),
		check("flash_items_armed_ck", sql`(${t.status} = 'draft') = (${t.holdId} IS NULL)`),
	],
);

export const flashSchema = { flashItems };
export type FlashSchema = typeof flashSchema;
