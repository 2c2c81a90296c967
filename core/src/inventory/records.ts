import type { Allocation, Policy, Reservation, ReservationStatus, ReservedLine } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import type { Move } from "./stock-moves";

// Reading reservations and SKUs, inside a write transaction or outside one.

/** Anything that runs SQL: the module's database or a write transaction. */
export type Reader = Pick<TxDb, "all">;

/** Slot '' in the tables is "no slot" (null) everywhere else. */
export const slotOut = (slot: string): string | null => (slot === "" ? null : slot);
export const slotIn = (slot: string | null | undefined): string => slot ?? "";

export interface SkuRecord {
	sku: string;
	policy: Policy;
	slotCapacity: number | null;
}

export async function loadSku(db: Reader, sku: string): Promise<SkuRecord | null> {
	const [row] = await db.all<SkuRecord>(
		sql`SELECT sku, policy, slot_capacity AS slotCapacity FROM skus WHERE sku = ${sku}`,
	);
	return row ?? null;
}

export interface ReservationRecord {
	id: string;
	orderId: string;
	status: ReservationStatus;
	linesDigest: string;
	expiresAt: string;
	createdAt: string;
	updatedAt: string;
}

export const RESERVATION_COLUMNS = sql.raw(
	"id, order_id AS orderId, status, lines_digest AS linesDigest, expires_at AS expiresAt, created_at AS createdAt, updated_at AS updatedAt",
);

export async function loadAllocations(db: Reader, reservationId: string): Promise<Move[]> {
	return db.all<Move>(
		sql`SELECT sku, warehouse, slot, quantity FROM reservation_lines WHERE reservation_id = ${reservationId} ORDER BY sku, slot, warehouse`,
	);
}

export async function loadReservation(db: Reader, id: string): Promise<Reservation | null> {
	const [row] = await db.all<ReservationRecord>(sql`SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE id = ${id}`);
	if (!row) return null;
	return toReservation(row, await loadAllocations(db, id));
}

export function toReservation(row: ReservationRecord, allocations: Move[]): Reservation {
	const sorted = [...allocations].sort(
		(a, b) => cmp(a.sku, b.sku) || cmp(a.slot, b.slot) || cmp(a.warehouse, b.warehouse),
	);
	return {
		id: row.id,
		orderId: row.orderId,
		status: row.status,
		expiresAt: row.expiresAt,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		lines: linesOf(sorted),
		allocations: sorted.map(
			(a): Allocation => ({ sku: a.sku, slot: slotOut(a.slot), warehouse: a.warehouse, quantity: a.quantity }),
		),
	};
}

/** Allocations summed back per SKU and slot: the lines as they were asked for. */
export function linesOf(allocations: Move[]): ReservedLine[] {
	const lines = new Map<string, ReservedLine>();
	for (const a of allocations) {
		const key = `${a.sku}\u0000${a.slot}`;
		const line = lines.get(key);
		if (line) line.quantity += a.quantity;
		else lines.set(key, { sku: a.sku, slot: slotOut(a.slot), quantity: a.quantity });
	}
	return [...lines.values()];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
