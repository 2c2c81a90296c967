import { ExternalId, type Reservation } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import { ConflictError, NotFoundError } from "../lib/errors";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { emitChange, inventoryEvent } from "./events";
import {
	loadAllocations,
	loadReservation,
	RESERVATION_COLUMNS,
	type ReservationRecord,
	toReservation,
} from "./records";
import { appendLedger, shiftStock, sumByRow } from "./stock-moves";

export interface ReturnResult {
	reservation: Reservation;
	/** false: it had been returned already (a repeat changes nothing). */
	returned: boolean;
}

/**
 * A sold order's units go back on the shelf (a refund with restock): committed → returned, sold
 * shrinks by each line's quantity where it was taken from, one `returned` ledger entry per stock
 * row (with who and why), inventory.returned and the availability change in the same transaction.
 * Once: a repeat answers the returned reservation unchanged. Only a committed reservation has
 * sold units to give back (409 otherwise: an active one is not sold yet, a released or expired one
 * never was).
 */
export function returnReservation(
	ctx: InventoryContext,
	id: string,
	by: { actor: string; reason: string },
): Promise<ReturnResult> {
	if (!ExternalId.safeParse(id).success) throw new NotFoundError(`Reservation ${id.slice(0, 64)}`);
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const [row] = await tx.all<ReservationRecord>(sql`UPDATE reservations SET status = 'returned', updated_at = ${at}
			WHERE id = ${id} AND status = 'committed' RETURNING ${RESERVATION_COLUMNS}`);
		if (!row) {
			const current = await loadReservation(tx, id);
			if (!current) throw new NotFoundError(`Reservation ${id}`);
			if (current.status === "returned") return { reservation: current, returned: false };
			throw new ConflictError(`Reservation ${id} is ${current.status}; only sold (committed) units can be returned.`);
		}
		const allocations = await loadAllocations(tx, id);
		const moves = sumByRow(allocations);
		const moved = await shiftStock(tx, "returned", moves, at);
		if (moved !== moves.length) {
			// The rows no longer hold what this reservation sold: a bug, never a state to paper over.
			throw new Error(`return ${id}: ${moves.length - moved} stock rows hold fewer sold units than the reservation`);
		}
		await appendLedger(
			tx,
			at,
			moves.map((m) => ({ ...m, kind: "returned" as const, reservationId: id, actor: by.actor, reason: by.reason })),
		);
		const reservation = toReservation(row, allocations);
		await emitChange(
			tx,
			at,
			() => [
				inventoryEvent(
					"inventory.returned",
					row.orderId,
					{ reservationId: id, orderId: row.orderId, lines: reservation.lines },
					at,
				),
			],
			moves,
		);
		return { reservation, returned: true };
	});
}
