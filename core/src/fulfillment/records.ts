import type {
	Shipment,
	ShipmentChange,
	ShipmentDetail,
	ShipmentEventData,
	ShipmentKind,
	ShipmentLine,
	ShipmentStatus,
} from "@bazaar/contracts/fulfillment";
import type { Address } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";

// Rows ↔ API shapes. Reads are raw SQL with explicit columns so one statement returns what a verb
// needs, inside or outside a transaction.

export const SHIPMENT_COLUMNS = sql.raw(
	`id, order_id AS orderId, customer_id AS customerId, kind, status, carrier, tracking_number AS trackingNumber,
	shipping_method AS shippingMethod, lines, address, created_at AS createdAt, updated_at AS updatedAt,
	shipped_at AS shippedAt, delivered_at AS deliveredAt`,
);

export type ShipmentRecord = Omit<Shipment, "lines" | "address"> & { lines: string; address: string | null };

export function toShipment(row: ShipmentRecord): Shipment {
	return {
		...row,
		kind: row.kind as ShipmentKind,
		status: row.status as ShipmentStatus,
		lines: JSON.parse(row.lines) as ShipmentLine[],
		address: row.address === null ? null : (JSON.parse(row.address) as Address),
	};
}

export type ShipmentKey = { id: string } | { carrier: string; trackingNumber: string };

function where(key: ShipmentKey) {
	return "id" in key ? sql`id = ${key.id}` : sql`carrier = ${key.carrier} AND tracking_number = ${key.trackingNumber}`;
}

export async function loadShipment(db: Pick<TxDb, "all">, key: ShipmentKey): Promise<Shipment | null> {
	const [row] = await db.all<ShipmentRecord>(sql`SELECT ${SHIPMENT_COLUMNS} FROM shipments WHERE ${where(key)}`);
	return row ? toShipment(row) : null;
}

/** The shipments and all their history rows in two statements, whatever their number. */
export async function withHistory(db: Pick<TxDb, "all">, list: Shipment[]): Promise<ShipmentDetail[]> {
	if (list.length === 0) return [];
	const ids = sql.join(
		list.map((s) => sql`${s.id}`),
		sql`, `,
	);
	const rows = await db.all<ShipmentChange & { shipmentId: string }>(sql`SELECT shipment_id AS shipmentId,
			from_status AS "from", to_status AS "to", at, actor, reason
		FROM shipment_history WHERE shipment_id IN (${ids}) ORDER BY shipment_id, id`);
	const by = new Map<string, ShipmentChange[]>();
	for (const { shipmentId, ...change } of rows) {
		const list = by.get(shipmentId);
		if (list) list.push(change);
		else by.set(shipmentId, [change]);
	}
	return list.map((s) => ({ ...s, history: by.get(s.id) ?? [] }));
}

export function eventData(s: Shipment, actor: string): ShipmentEventData {
	return {
		shipmentId: s.id,
		orderId: s.orderId,
		customerId: s.customerId,
		kind: s.kind,
		status: s.status,
		carrier: s.carrier,
		trackingNumber: s.trackingNumber,
		actor,
	};
}
