import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The inventory's own database. Timestamps are ISO-8601 UTC strings (same width, so they sort
// as text). Quantities are integers. The CHECK constraints are the last line of the no-oversell
// invariant: whatever a verb does, SQLite refuses a row that holds more than it has.

export const POLICIES = ["tracked", "unlimited", "capacity"] as const;
export const RESERVATION_STATUSES = ["active", "committed", "released", "expired", "returned"] as const;
export const MOVEMENTS = ["received", "adjusted", "reserved", "released", "committed", "expired", "returned"] as const;

/** What the inventory knows about a SKU: how its stock is counted. */
export const skus = sqliteTable(
	"skus",
	{
		sku: text("sku").primaryKey(),
		policy: text("policy", { enum: POLICIES }).notNull(),
		/** capacity only: what a slot holds when it is first booked. */
		slotCapacity: integer("slot_capacity"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		check("skus_policy_ck", sql`${t.policy} IN ('tracked', 'unlimited', 'capacity')`),
		check(
			"skus_slot_capacity_ck",
			sql`(${t.policy} = 'capacity') = (${t.slotCapacity} IS NOT NULL) AND coalesce(${t.slotCapacity}, 0) BETWEEN 0 AND 1000000`,
		),
	],
);

/**
 * One row per SKU, warehouse and slot (slot '' unless the SKU sells capacity per time slot).
 * on_hand is everything ever stocked net of adjustments; units leave "available" by being
 * reserved, and move from reserved to sold on commit:
 *   available = on_hand - reserved - sold   (never below zero on a bounded row)
 */
export const stock = sqliteTable(
	"stock",
	{
		sku: text("sku").notNull(),
		warehouse: text("warehouse").notNull(),
		slot: text("slot").notNull().default(""),
		/** 0 for unlimited SKUs (digital goods): nothing to run out of. */
		bounded: integer("bounded").notNull(),
		onHand: integer("on_hand").notNull().default(0),
		reserved: integer("reserved").notNull().default(0),
		sold: integer("sold").notNull().default(0),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.sku, t.warehouse, t.slot] }),
		check("stock_bounded_ck", sql`${t.bounded} IN (0, 1)`),
		check("stock_on_hand_ck", sql`${t.onHand} >= 0`),
		check("stock_reserved_ck", sql`${t.reserved} >= 0`),
		check("stock_sold_ck", sql`${t.sold} >= 0`),
		check("stock_no_oversell_ck", sql`${t.bounded} = 0 OR ${t.reserved} + ${t.sold} <= ${t.onHand}`),
	],
);

export const reservations = sqliteTable(
	"reservations",
	{
		id: text("id").primaryKey(),
		orderId: text("order_id").notNull(),
		status: text("status", { enum: RESERVATION_STATUSES }).notNull(),
		/** A digest of the (merged) lines: a replay with other lines is refused, not confused. */
		linesDigest: text("lines_digest").notNull(),
		expiresAt: text("expires_at").notNull(),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		uniqueIndex("reservations_order_uq").on(t.orderId),
		// The sweeper's query: active reservations by expiry.
		index("reservations_status_expires_idx").on(t.status, t.expiresAt),
		check("reservations_status_ck", sql`${t.status} IN ('active', 'committed', 'released', 'expired', 'returned')`),
	],
);

/** Where each reserved unit came from (a line may be split over warehouses). */
export const reservationLines = sqliteTable(
	"reservation_lines",
	{
		reservationId: text("reservation_id").notNull(),
		sku: text("sku").notNull(),
		warehouse: text("warehouse").notNull(),
		slot: text("slot").notNull().default(""),
		quantity: integer("quantity").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.reservationId, t.sku, t.warehouse, t.slot] }),
		check("reservation_lines_quantity_ck", sql`${t.quantity} > 0`),
	],
);

/**
 * Every movement of stock, append-only. Per stock row (sku, warehouse, slot):
 *   on_hand  = Σ received + Σ adjusted (signed)
 *   reserved = Σ reserved − Σ released − Σ expired − Σ committed
 *   sold     = Σ committed − Σ returned
 * so available + reserved + sold = received + adjustments in − adjustments out.
 */
export const ledger = sqliteTable(
	"ledger",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		at: text("at").notNull(),
		sku: text("sku").notNull(),
		warehouse: text("warehouse").notNull(),
		slot: text("slot").notNull().default(""),
		kind: text("kind", { enum: MOVEMENTS }).notNull(),
		/** Signed for adjustments, positive for everything else. */
		quantity: integer("quantity").notNull(),
		reservationId: text("reservation_id"),
		reason: text("reason"),
		actor: text("actor"),
	},
	(t) => [
		index("ledger_sku_idx").on(t.sku, t.id),
		check(
			"ledger_kind_ck",
			sql`${t.kind} IN ('received', 'adjusted', 'reserved', 'released', 'committed', 'expired', 'returned')`,
		),
		check(
			"ledger_quantity_ck",
			sql`CASE WHEN ${t.kind} = 'adjusted' THEN ${t.quantity} <> 0 AND ${t.reason} IS NOT NULL AND ${t.actor} IS NOT NULL ELSE ${t.quantity} > 0 END`,
		),
	],
);

// Its outbox and inbox (core/src/bus): events commit with the stock moves that cause them.
export { busInbox, busOutbox };

export const inventorySchema = { skus, stock, reservations, reservationLines, ledger, busOutbox, busInbox };
export type InventorySchema = typeof inventorySchema;
