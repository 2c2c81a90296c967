import type { Shipment, ShipmentEventType, ShipmentStatus } from "@bazaar/contracts/fulfillment";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import type { TxDb } from "../lib/db";
import { eventData, SHIPMENT_COLUMNS, type ShipmentRecord, toShipment } from "./records";

// The one way a shipment changes status, forward only. Each change writes its history row and
// its bus event (`shipment.<status>`) in the caller's write transaction, so status, history and
// outbox never disagree. Callers hold BEGIN IMMEDIATE (every writer, in any process, waits its
// turn), so reading the current status and then updating it is not a race.

/** The statuses each status may be entered from. Anything else is a step back, or sideways. */
export const ENTERED_FROM: Record<Exclude<ShipmentStatus, "pending">, ShipmentStatus[]> = {
	shipped: ["pending"],
	in_transit: ["shipped"],
	// A failed attempt may still end delivered (the carrier tried again).
	delivered: ["shipped", "in_transit", "failed"],
	failed: ["shipped", "in_transit"],
	returned: ["shipped", "in_transit", "failed"],
	// Only a parcel no carrier has yet: once shipped, stopping it is a return, not a cancel.
	cancelled: ["pending"],
};

export interface Change {
	to: Exclude<ShipmentStatus, "pending">;
	at: string;
	actor: string;
	reason?: string | null;
	/** Set with the status (ship: the carrier and its tracking number). */
	carrier?: string;
	trackingNumber?: string;
}

export type TransitionOutcome =
	| { result: "applied"; shipment: Shipment }
	/** Already in the asked status: nothing to do. */
	| { result: "unchanged"; shipment: Shipment }
	/** Not a forward move from where it stands. */
	| { result: "refused"; shipment: Shipment };

export async function transitionIn(tx: TxDb, current: Shipment, change: Change): Promise<TransitionOutcome> {
	if (current.status === change.to) return { result: "unchanged", shipment: current };
	if (!ENTERED_FROM[change.to].includes(current.status)) return { result: "refused", shipment: current };
	const shippedAt = change.to === "shipped" ? sql`, shipped_at = coalesce(shipped_at, ${change.at})` : sql``;
	const deliveredAt = change.to === "delivered" ? sql`, delivered_at = ${change.at}` : sql``;
	const carrier =
		change.carrier !== undefined
			? sql`, carrier = ${change.carrier}, tracking_number = ${change.trackingNumber ?? null}`
			: sql``;
	const [row] = await tx.all<ShipmentRecord>(sql`UPDATE shipments SET status = ${change.to}, updated_at = ${change.at}
			${shippedAt}${deliveredAt}${carrier}
		WHERE id = ${current.id} AND status = ${current.status} RETURNING ${SHIPMENT_COLUMNS}`);
	if (!row) throw new Error(`shipment ${current.id} changed under a write transaction`);
	const shipment = toShipment(row);
	await recordChange(tx, shipment, { from: current.status, at: change.at, actor: change.actor, reason: change.reason });
	return { result: "applied", shipment };
}

/** The history row and the bus event of a shipment that just entered `shipment.status`. */
export async function recordChange(
	tx: TxDb,
	shipment: Shipment,
	change: { from: ShipmentStatus | null; at: string; actor: string; reason?: string | null; type?: ShipmentEventType },
): Promise<void> {
	await tx.run(sql`INSERT INTO shipment_history (shipment_id, from_status, to_status, at, actor, reason)
		VALUES (${shipment.id}, ${change.from}, ${shipment.status}, ${change.at}, ${change.actor}, ${change.reason ?? null})`);
	await emit(tx, {
		type: change.type ?? `shipment.${shipment.status}`,
		source: "fulfillment",
		key: shipment.orderId,
		occurredAt: change.at,
		data: eventData(shipment, change.actor),
	});
}
