import { CancelShipmentInput, type Shipment, type ShipmentDetail, ShipmentId } from "@bazaar/contracts/fulfillment";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { ConflictError, NotFoundError } from "../lib/errors";
import { type FulfillmentContext, fulfillmentWrite, iso } from "./context";
import { loadShipment, SHIPMENT_COLUMNS, type ShipmentRecord, toShipment, withHistory } from "./records";
import { transitionIn } from "./transition";

/**
 * An admin (or a service) stops a parcel no carrier has yet: pending → cancelled. Cancelled again
 * is a no-op (200 as it stands); a shipment already shipped, delivered or digital is a 409 — what
 * left the warehouse comes back as a return, not a cancel.
 */
export async function cancelShipment(
	ctx: FulfillmentContext,
	id: string,
	input: CancelShipmentInput,
	actor: string,
): Promise<ShipmentDetail> {
	if (!ShipmentId.safeParse(id).success) throw new NotFoundError("The shipment");
	const body = CancelShipmentInput.parse(input);
	const at = iso(ctx.now());
	return fulfillmentWrite(ctx, async (tx) => {
		const current = await loadShipment(tx, { id });
		if (!current) throw new NotFoundError("The shipment");
		const outcome = await transitionIn(tx, current, { to: "cancelled", at, actor, reason: body.reason ?? null });
		if (outcome.result === "refused") {
			throw new ConflictError(`Shipment ${id} is ${current.status}; only a pending shipment can be cancelled.`);
		}
		return (await withHistory(tx, [outcome.shipment]))[0] as ShipmentDetail;
	});
}

export type CancelOrderShipmentResult =
	/** It was pending and is now cancelled (shipment.cancelled is in the caller's transaction). */
	| { result: "cancelled"; shipment: Shipment }
	/** Cancelled already: nothing to do. */
	| { result: "unchanged"; shipment: Shipment }
	/** Past pending (shipped, delivered, digital…): left as it is for a person to decide. */
	| { result: "kept"; shipment: Shipment }
	/** The order has no shipment (yet). */
	| { result: "none" };

/**
 * Cancels the order's shipment if it is still pending, inside the caller's write transaction on
 * this module's database (the order.refunded consumer's handleOnce). Never throws for a shipment
 * it may not cancel: the caller decides what to say.
 */
export async function cancelOrderShipmentIn(
	tx: TxDb,
	at: string,
	orderId: string,
	change: { actor: string; reason: string },
): Promise<CancelOrderShipmentResult> {
	const [row] = await tx.all<ShipmentRecord>(
		sql`SELECT ${SHIPMENT_COLUMNS} FROM shipments WHERE order_id = ${orderId}`,
	);
	if (!row) return { result: "none" };
	const current = toShipment(row);
	const outcome = await transitionIn(tx, current, { to: "cancelled", at, ...change });
	if (outcome.result === "applied") return { result: "cancelled", shipment: outcome.shipment };
	return { result: outcome.result === "unchanged" ? "unchanged" : "kept", shipment: current };
}
