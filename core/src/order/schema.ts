import { ORDER_STATUSES } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The order module's own database. Money columns are integer minor units in the order's currency;
// timestamps are ISO-8601 UTC strings (same width, so they sort as text). Lines and the address
// are snapshots taken at checkout (JSON): later catalog or address-book edits never change an order.

export const orders = sqliteTable(
	"orders",
	{
		id: text("id").primaryKey(),
		customerId: text("customer_id").notNull(),
		email: text("email").notNull(),
		/**
		 * A guest's order (customer_id `gst_…`): the SHA-256 of its normalised email, what a lookup
		 * and a claim into an account match on. NULL for an account's order, and once claimed.
		 */
		guestEmailHash: text("guest_email_hash"),
		status: text("status", { enum: ORDER_STATUSES }).notNull(),
		currency: text("currency").notNull(),
		/** OrderLine[] as JSON. */
		lines: text("lines", { mode: "json" }).notNull(),
		/** Address as JSON. */
		address: text("address", { mode: "json" }).notNull(),
		shippingMethod: text("shipping_method").notNull(),
		subtotal: integer("subtotal").notNull(),
		shippingAmount: integer("shipping_amount").notNull(),
		taxAmount: integer("tax_amount").notNull(),
		taxRateBp: integer("tax_rate_bp").notNull(),
		discountAmount: integer("discount_amount").notNull().default(0),
		total: integer("total").notNull(),
		/** {applied: AppliedDiscount[], couponCode, shippingDiscount} as JSON: what the promotions gave. */
		promotions: text("promotions").notNull().default('{"applied":[],"couponCode":null,"shippingDiscount":0}'),
		reservationId: text("reservation_id").notNull(),
		paymentGateway: text("payment_gateway"),
		paymentReference: text("payment_reference"),
		paymentId: text("payment_id"),
		trackingNumber: text("tracking_number"),
		/** Cumulative refunds the gateway reported for the order's payment (never goes down). */
		refundedAmount: integer("refunded_amount").notNull().default(0),
		/**
		 * When it shipped and arrived. Kept apart from the status because a partially refunded order
		 * keeps that status while it still ships (see fulfil-order.ts).
		 */
		fulfilledAt: text("fulfilled_at"),
		deliveredAt: text("delivered_at"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
		expiresAt: text("expires_at").notNull(),
	},
	(t) => [
		// Exactly one order per accepted reservation.
		uniqueIndex("orders_reservation_uq").on(t.reservationId),
		// The lists (list-orders.ts), newest first: all orders, and by each filter.
		index("orders_created_idx").on(t.createdAt, t.id),
		index("orders_customer_created_idx").on(t.customerId, t.createdAt, t.id),
		index("orders_status_created_idx").on(t.status, t.createdAt, t.id),
		index("orders_gateway_created_idx").on(t.paymentGateway, t.createdAt, t.id),
		// Guest orders by email: the claim at sign-up.
		index("orders_guest_email_idx").on(t.guestEmailHash).where(sql`guest_email_hash IS NOT NULL`),
		// The expiry sweeper: unpaid orders by deadline.
		index("orders_pending_expiry_idx").on(t.expiresAt).where(sql`status = 'pending_payment'`),
		check(
			"orders_status_ck",
			sql`${t.status} IN ('pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled', 'expired', 'partially_refunded', 'refunded')`,
		),
		check("orders_refunded_ck", sql`${t.refundedAmount} >= 0 AND ${t.refundedAmount} <= ${t.total}`),
		check(
			"orders_money_ck",
			sql`${t.subtotal} >= 0 AND ${t.shippingAmount} >= 0 AND ${t.taxAmount} >= 0 AND ${t.discountAmount} >= 0
				AND ${t.total} = ${t.subtotal} + ${t.shippingAmount} + ${t.taxAmount} - ${t.discountAmount} AND ${t.total} >= 0`,
		),
	],
);

/** Every change of status: when, who, why. The first row of an order has from = NULL. */
export const orderTransitions = sqliteTable(
	"order_transitions",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		orderId: text("order_id").notNull(),
		fromStatus: text("from_status"),
		toStatus: text("to_status").notNull(),
		at: text("at").notNull(),
		actor: text("actor").notNull(),
		reason: text("reason"),
	},
	(t) => [index("order_transitions_order_idx").on(t.orderId, t.id)],
);

/** Idempotency-Key of order creation: the same key and body give the same order. */
export const idempotencyKeys = sqliteTable(
	"idempotency_keys",
	{
		customerId: text("customer_id").notNull(),
		key: text("key").notNull(),
		requestHash: text("request_hash").notNull(),
		orderId: text("order_id").notNull(),
		createdAt: text("created_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.customerId, t.key] })],
);

/**
 * Payments that arrived for an order they could not settle (expired, cancelled, paid by another
 * charge, another amount). Each one is acted on (workflows/consumers.ts, group auto-refunds):
 * `revived` (an expired order whose units could be reserved again is paid by it after all) or
 * refunded through its gateway (`refund_requested`, then `refunded` when the gateway's refund
 * lands; `refunded_amount` is what it reported). NULL: not acted on yet.
 */
export const paymentConflicts = sqliteTable(
	"payment_conflicts",
	{
		paymentId: text("payment_id").primaryKey(),
		orderId: text("order_id").notNull(),
		gateway: text("gateway").notNull(),
		reference: text("reference").notNull(),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		reason: text("reason").notNull(),
		at: text("at").notNull(),
		resolution: text("resolution", { enum: ["revived", "refund_requested", "refunded"] }),
		refundedAmount: integer("refunded_amount").notNull().default(0),
	},
	(t) => [
		index("payment_conflicts_order_idx").on(t.orderId),
		// The staff list (list-payment-conflicts.ts), newest first, all or by what became of each.
		index("payment_conflicts_at_idx").on(t.at, t.paymentId),
		index("payment_conflicts_resolution_at_idx").on(t.resolution, t.at, t.paymentId),
		check(
			"payment_conflicts_resolution_ck",
			sql`${t.resolution} IS NULL OR ${t.resolution} IN ('revived', 'refund_requested', 'refunded')`,
		),
	],
);

/**
 * Admin refund requests, one per (order, Idempotency-Key): the same key answers the same refund
 * and never asks the gateway for a second one. Written before the gateway is asked (status
 * requested), so concurrent requests count each other's amounts against what is left.
 */
export const orderRefunds = sqliteTable(
	"order_refunds",
	{
		orderId: text("order_id").notNull(),
		idempotencyKey: text("idempotency_key").notNull(),
		/** sha-256 of the request (amount, currency, reason, restock): a key reused for another refund is refused. */
		requestHash: text("request_hash").notNull(),
		paymentId: text("payment_id").notNull(),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		reason: text("reason").notNull(),
		restock: integer("restock", { mode: "boolean" }).notNull(),
		actor: text("actor").notNull(),
		refundId: text("refund_id"),
		status: text("status", { enum: ["requested", "succeeded", "pending", "failed"] }).notNull(),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.orderId, t.idempotencyKey] }),
		check("order_refunds_amount_ck", sql`${t.amount} > 0`),
		check("order_refunds_status_ck", sql`${t.status} IN ('requested', 'succeeded', 'pending', 'failed')`),
	],
);

// Re-exported so drizzle-kit generates the bus tables into this module's migrations.
export { busInbox, busOutbox };

export const orderSchema = {
	orders,
	orderTransitions,
	idempotencyKeys,
	paymentConflicts,
	orderRefunds,
	busOutbox,
	busInbox,
};
export type OrderSchema = typeof orderSchema;
export type OrderRow = typeof orders.$inferSelect;
