import { ExternalId, type Reservation, type ReservationStatus } from "@bazaar/contracts/inventory";
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

// The way out of "active" for one reservation, shared by commit and release. The status UPDATE
// is conditional (WHERE status = 'active'), so a commit, a release and the sweeper racing for
// the same reservation — in any process — settle it exactly once.

export interface TransitionSpec {
	to: "committed" | "released";
	/** Where the call is a harmless repeat: answered with the reservation as it stands. */
	repeatOf: ReservationStatus[];
	verb: string;
}

export async function settleReservation(ctx: InventoryContext, id: string, spec: TransitionSpec): Promise<Reservation> {
	if (!ExternalId.safeParse(id).success) throw new NotFoundError(`Reservation ${id.slice(0, 64)}`);
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const [row] = await tx.all<ReservationRecord>(sql`UPDATE reservations SET status = ${spec.to}, updated_at = ${at}
			WHERE id = ${id} AND status = 'active' RETURNING ${RESERVATION_COLUMNS}`);
		if (!row) {
			const current = await loadReservation(tx, id);
			if (!current) throw new NotFoundError(`Reservation ${id}`);
			if (spec.repeatOf.includes(current.status)) return current;
			throw new ConflictError(`Reservation ${id} is ${current.status}; it cannot be ${spec.verb}.`);
		}
		const allocations = await loadAllocations(tx, id);
		const moves = sumByRow(allocations);
		const moved = await shiftStock(tx, spec.to, moves, at);
		if (moved !== moves.length) {
			// The stock rows no longer hold what this reservation put there: a bug, never a state
			// to paper over. Roll back and say so.
			throw new Error(`${spec.verb} ${id}: ${moves.length - moved} stock rows hold less than the reservation`);
		}
		await appendLedger(
			tx,
			at,
			allocations.map((a) => ({ ...a, kind: spec.to, reservationId: id })),
		);
		const reservation = toReservation(row, allocations);
		const data = { reservationId: id, orderId: row.orderId, lines: reservation.lines };
		await emitChange(
			tx,
			at,
			() => [
				spec.to === "committed"
					? inventoryEvent("inventory.committed", row.orderId, data, at)
					: inventoryEvent("inventory.released", row.orderId, { ...data, reason: "released" }, at),
			],
			// A commit moves units from reserved to sold: what is available does not change.
			spec.to === "released" ? allocations : [],
		);
		return reservation;
	});
}
