import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The payment module's own database. Amounts are integer minor units. We hold gateway
// references only: never a card number, CVC or expiry.

export const payments = sqliteTable(
	"payments",
	{
		id: text("id").primaryKey(),
		orderId: text("order_id").notNull(),
		gateway: text("gateway").notNull(),
		reference: text("reference").notNull(),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		status: text("status").notNull(),
		refundedAmount: integer("refunded_amount").notNull().default(0),
		/**
		 * The order this charge settled: set on the first success only. UNIQUE, so an order has at
		 * most one successful charge whatever races (a second success stays NULL here: refund it).
		 */
		settledOrderId: text("settled_order_id"),
		redirectUrl: text("redirect_url"),
		clientSecret: text("client_secret"),
		failureReason: text("failure_reason"),
		idempotencyKey: text("idempotency_key").notNull(),
		/** When its order stops waiting for it (its gateway session ends then, as far as the gateway allows). */
		expiresAt: text("expires_at"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		uniqueIndex("payments_gateway_reference_uq").on(t.gateway, t.reference),
		uniqueIndex("payments_idempotency_uq").on(t.idempotencyKey),
		uniqueIndex("payments_settled_order_uq").on(t.settledOrderId),
		// One live attempt per order: a second tab or a double click gets the same payment page.
		uniqueIndex("payments_open_order_uq").on(t.orderId).where(sql`status IN ('created', 'requires_action')`),
		// Reconciliation looks for the oldest payments still waiting on their gateway.
		index("payments_waiting_idx").on(t.createdAt).where(sql`status IN ('created', 'requires_action')`),
		// The staff list newest first (list-payments.ts), all or by status or gateway.
		index("payments_created_idx").on(t.createdAt, t.id),
		index("payments_status_created_idx").on(t.status, t.createdAt, t.id),
		index("payments_gateway_created_idx").on(t.gateway, t.createdAt, t.id),
		check(
			"payments_status_ck",
			sql`${t.status} IN ('created', 'requires_action', 'succeeded', 'failed', 'cancelled', 'partially_refunded', 'refunded')`,
		),
		check("payments_amount_ck", sql`${t.amount} > 0 AND ${t.refundedAmount} BETWEEN 0 AND ${t.amount}`),
	],
);

/**
 * Every refund asked of a gateway, by its idempotency key, written BEFORE the gateway is asked.
 * What a payment may still refund is its amount − the most of what the gateway reported refunded
 * and the sum of these rows not `failed`, so whatever keys callers use, more than was captured is
 * never asked for. A row whose answer was lost (a timeout, a 5xx) stays `requested` and keeps its
 * amount: the gateway may have refunded it, and the same key asks again without a second refund.
 * Only a gateway's clear refusal (a 4xx) marks it `failed`.
 */
export const paymentRefunds = sqliteTable(
	"payment_refunds",
	{
		idempotencyKey: text("idempotency_key").primaryKey(),
		paymentId: text("payment_id").notNull(),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		/** Who asked and why ("admin refund of …", "automatic: payment after the order expired"). */
		reason: text("reason").notNull(),
		status: text("status", { enum: ["requested", "succeeded", "pending", "failed"] }).notNull(),
		refundId: text("refund_id"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		index("payment_refunds_payment_idx").on(t.paymentId),
		check("payment_refunds_amount_ck", sql`${t.amount} > 0`),
		check("payment_refunds_status_ck", sql`${t.status} IN ('requested', 'succeeded', 'pending', 'failed')`),
	],
);

/** Every webhook event applied (or seen and ignored), by the gateway's event id: replays are no-ops. */
export const webhookEvents = sqliteTable(
	"webhook_events",
	{
		gateway: text("gateway").notNull(),
		eventId: text("event_id").notNull(),
		type: text("type").notNull(),
		reference: text("reference").notNull(),
		outcome: text("outcome").notNull(),
		receivedAt: text("received_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.gateway, t.eventId] })],
);

/**
 * Each reconciliation run: payments left waiting (a webhook that never came) are asked about at
 * their gateway and settled from its answer. Admins read these rows.
 */
export const reconciliationRuns = sqliteTable(
	"reconciliation_runs",
	{
		id: text("id").primaryKey(),
		trigger: text("trigger").notNull(),
		startedAt: text("started_at").notNull(),
		finishedAt: text("finished_at").notNull(),
		checked: integer("checked").notNull(),
		settled: integer("settled").notNull(),
		stillPending: integer("still_pending").notNull(),
		errors: integer("errors").notNull(),
		/** JSON: one line per payment looked at ({paymentId, gateway, outcome, detail}). */
		details: text("details").notNull(),
	},
	// The staff list, newest first.
	(t) => [index("reconciliation_runs_started_idx").on(t.startedAt, t.id)],
);

// ---- the sandbox gateway's side (it plays an external service; kept here so `npm start` needs
// nothing else). Our payment tables never read these, only the sandbox does. -------------------

export const sandboxSessions = sqliteTable(
	"sandbox_sessions",
	{
		reference: text("reference").primaryKey(),
		idempotencyKey: text("idempotency_key").notNull(),
		paymentId: text("payment_id").notNull(),
		orderId: text("order_id").notNull(),
		amount: integer("amount").notNull(),
		currency: text("currency").notNull(),
		returnUrl: text("return_url").notNull(),
		cancelUrl: text("cancel_url").notNull(),
		/** open → approved | declined, once. */
		status: text("status").notNull(),
		refundedAmount: integer("refunded_amount").notNull().default(0),
		/** After this the page takes no decision (the order stopped waiting); null: no end. */
		expiresAt: text("expires_at"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [uniqueIndex("sandbox_sessions_idempotency_uq").on(t.idempotencyKey)],
);

export const sandboxRefunds = sqliteTable("sandbox_refunds", {
	idempotencyKey: text("idempotency_key").primaryKey(),
	refundId: text("refund_id").notNull(),
	reference: text("reference").notNull(),
	amount: integer("amount").notNull(),
	createdAt: text("created_at").notNull(),
});

// Re-exported so drizzle-kit generates the bus tables into this module's migrations.
export { busInbox, busOutbox };

export const paymentSchema = {
	reconciliationRuns,
	payments,
	paymentRefunds,
	webhookEvents,
	sandboxSessions,
	sandboxRefunds,
	busOutbox,
	busInbox,
};
export type PaymentSchema = typeof paymentSchema;
