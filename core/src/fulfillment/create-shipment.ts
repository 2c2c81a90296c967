import { CreateShipmentInput, type Shipment } from "@bazaar/contracts/fulfillment";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import type { TxDb } from "../lib/db";
import { type FulfillmentContext, fulfillmentWrite, iso } from "./context";
import { eventData, SHIPMENT_COLUMNS, type ShipmentRecord, toShipment } from "./records";
import { recordChange } from "./transition";

export const FULFILLMENT_ACTOR = "fulfillment";

export interface CreateShipmentResult {
	shipment: Shipment;
	/** false: the order already had its shipment (a redelivered order.paid). */
	created: boolean;
}

/**
 * The shipment of a paid order (the order.paid flow). One per order, whatever the number of
 * deliveries of the event: the UNIQUE order id makes a second insert a no-op.
 *
 * An order with physical lines gets a `parcel` shipment, pending until it is shipped. An order
 * with only digital goods and services has nothing to carry: its `digital` shipment is created
 * already delivered and emits shipment.shipped then shipment.delivered, so the order goes
 * paid → fulfilled → delivered at once, like any other.
 */
export async function createShipment(
	ctx: FulfillmentContext,
	input: CreateShipmentInput,
): Promise<CreateShipmentResult> {
	const parsed = CreateShipmentInput.parse(input);
	return fulfillmentWrite(ctx, (tx) => createShipmentIn(tx, iso(ctx.now()), parsed));
}

/** The same inside a caller's write transaction on this module's database (the consumer's handleOnce). */
export async function createShipmentIn(
	tx: TxDb,
	at: string,
	input: CreateShipmentInput,
): Promise<CreateShipmentResult> {
	const plan = CreateShipmentInput.parse(input);
	const digital = plan.physicalLines.length === 0;
	const status = digital ? "delivered" : "pending";
	const lines = digital ? plan.otherLines : plan.physicalLines;
	const [row] = await tx.all<ShipmentRecord>(sql`INSERT INTO shipments (id, order_id, customer_id, kind, status,
			shipping_method, lines, address, created_at, updated_at, shipped_at, delivered_at)
		VALUES (${newId("shp")}, ${plan.orderId}, ${plan.customerId}, ${digital ? "digital" : "parcel"}, ${status},
			${digital ? null : plan.shippingMethod}, ${JSON.stringify(lines)},
			${digital || plan.address === null ? null : JSON.stringify(plan.address)}, ${at}, ${at},
			${digital ? at : null}, ${digital ? at : null})
		ON CONFLICT (order_id) DO NOTHING RETURNING ${SHIPMENT_COLUMNS}`);
	if (!row) {
		const existing = await loadShipmentByOrder(tx, plan.orderId);
		if (!existing) throw new Error(`shipment of ${plan.orderId} neither inserted nor found`);
		return { shipment: existing, created: false };
	}
	const shipment = toShipment(row);
	const reason = digital ? "digital goods and services: nothing to carry" : null;
	await recordChange(tx, shipment, { from: null, at, actor: FULFILLMENT_ACTOR, reason, type: "shipment.created" });
	if (digital) {
		for (const type of ["shipment.shipped", "shipment.delivered"] as const) {
			await emit(tx, {
				type,
				source: "fulfillment",
				key: shipment.orderId,
				occurredAt: at,
				data: eventData(shipment, FULFILLMENT_ACTOR),
			});
		}
	}
	return { shipment, created: true };
}

async function loadShipmentByOrder(tx: Pick<TxDb, "all">, orderId: string): Promise<Shipment | null> {
	const [row] = await tx.all<ShipmentRecord>(
		sql`SELECT ${SHIPMENT_COLUMNS} FROM shipments WHERE order_id = ${orderId}`,
	);
	return row ? toShipment(row) : null;
}
