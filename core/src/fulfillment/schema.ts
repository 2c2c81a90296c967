import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The fulfillment module's own database. Timestamps are ISO-8601 UTC strings (same width, so
// they sort as text). Lines and the address are snapshots of the order's (JSON).

export const shipments = sqliteTable(
	"shipments",
	{
		id: text("id").primaryKey(),
		orderId: text("order_id").notNull(),
		/** The order's customer: only they (or an admin) may read the shipment. */
		customerId: text("customer_id").notNull(),
		kind: text("kind").notNull(),
		status: text("status").notNull(),
		carrier: text("carrier"),
		trackingNumber: text("tracking_number"),
		shippingMethod: text("shipping_method"),
		/** ShipmentLine[] as JSON. */
		lines: text("lines").notNull(),
		/** Address as JSON, NULL for a digital shipment. */
		address: text("address"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
		shippedAt: text("shipped_at"),
		deliveredAt: text("delivered_at"),
	},
	(t) => [
		// One shipment per order: a redelivered order.paid (any event id) creates nothing more.
		uniqueIndex("shipments_order_uq").on(t.orderId),
		// The carrier webhook finds the shipment by its tracking number.
		uniqueIndex("shipments_tracking_uq").on(t.carrier, t.trackingNumber),
		index("shipments_customer_idx").on(t.customerId, t.id),
		// The staff list newest first (list-shipments.ts), all or by status (the dispatch queue).
		index("shipments_created_idx").on(t.createdAt, t.id),
		index("shipments_status_created_idx").on(t.status, t.createdAt, t.id),
		check("shipments_kind_ck", sql`${t.kind} IN ('parcel', 'digital')`),
		check(
			"shipments_status_ck",
			sql`${t.status} IN ('pending', 'shipped', 'in_transit', 'delivered', 'failed', 'returned', 'cancelled')`,
		),
	],
);

/** Every change of status: when, who, why. A shipment's first row has from = NULL. */
export const shipmentHistory = sqliteTable(
	"shipment_history",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		shipmentId: text("shipment_id").notNull(),
		fromStatus: text("from_status"),
		toStatus: text("to_status").notNull(),
		at: text("at").notNull(),
		actor: text("actor").notNull(),
		reason: text("reason"),
	},
	(t) => [index("shipment_history_shipment_idx").on(t.shipmentId, t.id)],
);

/** Every carrier webhook seen, by the carrier's event id: a replay changes nothing. */
export const carrierEvents = sqliteTable(
	"carrier_events",
	{
		carrier: text("carrier").notNull(),
		eventId: text("event_id").notNull(),
		trackingNumber: text("tracking_number").notNull(),
		status: text("status").notNull(),
		/** applied | stale */
		outcome: text("outcome").notNull(),
		receivedAt: text("received_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.carrier, t.eventId] })],
);

// Re-exported so drizzle-kit generates the bus tables into this module's migrations.
export { busInbox, busOutbox };

export const fulfillmentSchema = { shipments, shipmentHistory, carrierEvents, busOutbox, busInbox };
export type FulfillmentSchema = typeof fulfillmentSchema;
