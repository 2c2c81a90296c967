import { type ShipmentDetail, ShipmentId, type ShipmentList } from "@bazaar/contracts/fulfillment";
import { OrderId } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import type { FulfillmentContext } from "./context";
import { loadShipment, SHIPMENT_COLUMNS, type ShipmentRecord, toShipment, withHistory } from "./records";

/** One shipment with its history (admins). */
export async function getShipment(ctx: FulfillmentContext, id: string): Promise<ShipmentDetail> {
	if (!ShipmentId.safeParse(id).success) throw new NotFoundError("The shipment");
	const shipment = await loadShipment(ctx.database.db, { id });
	if (!shipment) throw new NotFoundError("The shipment");
	const [detail] = await withHistory(ctx.database.db, [shipment]);
	return detail as ShipmentDetail;
}

/**
 * An order's shipments with their history. With `ownerId` (a customer) only shipments of their
 * own orders count, and none is a 404 — exactly like an order that does not exist, so order ids
 * cannot be probed. (An owner's freshly paid order answers 404 too until its shipment exists.)
 */
export async function listOrderShipments(
	ctx: FulfillmentContext,
	orderId: string,
	ownerId?: string,
): Promise<ShipmentList> {
	const valid = OrderId.safeParse(orderId).success;
	if (!valid && ownerId !== undefined) throw new NotFoundError("The order's shipments");
	if (!valid) return { items: [], nextCursor: null };
	const owner = ownerId === undefined ? sql`` : sql` AND customer_id = ${ownerId}`;
	const rows = await ctx.database.db.all<ShipmentRecord>(sql`SELECT ${SHIPMENT_COLUMNS} FROM shipments
		WHERE order_id = ${orderId}${owner} ORDER BY id`);
	if (rows.length === 0 && ownerId !== undefined) throw new NotFoundError("The order's shipments");
	// One order has one shipment: never more than a page.
	return { items: await withHistory(ctx.database.db, rows.map(toShipment)), nextCursor: null };
}
