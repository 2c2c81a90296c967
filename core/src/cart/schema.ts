import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The cart's own database. It holds references (variant ids) and quantities, and the price each
// line was added at only to tell the shopper it changed: prices, titles and stock belong to the
// catalog and the inventory and are read fresh on every cart read.
// Timestamps are ISO-8601 UTC strings (same width, so they sort and compare as text).

export const OWNER_KINDS = ["customer", "guest"] as const;

export const carts = sqliteTable(
	"carts",
	{
		id: text("id").primaryKey(),
		ownerKind: text("owner_kind", { enum: OWNER_KINDS }).notNull(),
		/** The user id, or the SHA-256 (hex) of the guest's cookie token: a leaked table opens no cart. */
		ownerKey: text("owner_key").notNull(),
		currency: text("currency").notNull(),
		revision: integer("revision").notNull().default(0),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
		/** Guest carts only; each change pushes it forward. */
		expiresAt: text("expires_at"),
		/** The coupon code the shopper applied (upper case); the promotion module judges it on every read. */
		couponCode: text("coupon_code"),
	},
	(t) => [
		uniqueIndex("carts_owner_uq").on(t.ownerKind, t.ownerKey),
		// The purge's query: expired guest carts.
		index("carts_expires_idx").on(t.expiresAt).where(sql`${t.expiresAt} IS NOT NULL`),
		check("carts_owner_kind_ck", sql`${t.ownerKind} IN ('customer', 'guest')`),
		check("carts_expiry_ck", sql`(${t.ownerKind} = 'guest') = (${t.expiresAt} IS NOT NULL)`),
		check("carts_currency_ck", sql`length(${t.currency}) = 3`),
	],
);

export const cartLines = sqliteTable(
	"cart_lines",
	{
		cartId: text("cart_id").notNull(),
		variantId: text("variant_id").notNull(),
		/**
		 * A service's booked time slot (its start, ISO UTC, 24 characters); '' for every other
		 * line — never NULL, since NULLs in a key would let one variant have two unbooked lines.
		 */
		slot: text("slot").notNull().default(""),
		quantity: integer("quantity").notNull(),
		addedAt: text("added_at").notNull(),
		/**
		 * The unit price (minor units, in `added_currency`) the shopper last saw for the line: when
		 * they added it, added more, or changed its quantity; `added_price_at` says when. Reads
		 * compare it with the catalog's price now. All three NULL for lines stored before the cart
		 * noted prices (migration 0002): those never warn.
		 */
		addedPrice: integer("added_price"),
		addedCurrency: text("added_currency"),
		addedPriceAt: text("added_price_at"),
	},
	(t) => [
		primaryKey({ columns: [t.cartId, t.variantId, t.slot] }),
		check("cart_lines_quantity_ck", sql`${t.quantity} BETWEEN 1 AND 99`),
		check("cart_lines_slot_ck", sql`${t.slot} = '' OR length(${t.slot}) = 24`),
	],
);

export const cartSchema = { carts, cartLines };
export type CartSchema = typeof cartSchema;
