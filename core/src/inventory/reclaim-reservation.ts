import { ExternalId, MAX_TTL_SECONDS, type Reservation } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import { ConflictError, NotFoundError, ServiceError } from "../lib/errors";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { emitChange } from "./events";
import {
	linesOf,
	loadAllocations,
	loadReservation,
	RESERVATION_COLUMNS,
	type ReservationRecord,
	slotIn,
	toReservation,
} from "./records";
import { type Demand, openedEntry, openRows, planOne } from "./reserve";
import { reservationLines } from "./schema";
import { appendLedger, type LedgerInput, shiftStock } from "./stock-moves";

/**
 * A lapsed hold taken again: a reservation that was released or expired before its order was
 * paid (a payment that landed late) holds the same lines again — if the stock is there now —
 * and is active for `ttlMs` more. All lines or none, in one write transaction, planned and
 * moved exactly as `reserve` does (never below zero): not enough → 409 out-of-stock (with the
 * shortages) and nothing changes. An active or committed reservation is answered as it stands
 * (a repeat); a returned one (its units sold and given back) cannot be taken again (409).
 */
export function reclaimReservation(
	ctx: InventoryContext,
	id: string,
	options: { ttlMs: number },
): Promise<Reservation> {
	if (!ExternalId.safeParse(id).success) throw new NotFoundError(`Reservation ${id.slice(0, 64)}`);
	if (!Number.isInteger(options.ttlMs) || options.ttlMs < 1 || options.ttlMs > MAX_TTL_SECONDS * 1000) {
		throw new ServiceError(400, "The reservation's time to live is out of range.");
	}
	return inventoryWrite(ctx, async (tx) => {
		const nowMs = ctx.now();
		const at = iso(nowMs);
		const [row] = await tx.all<ReservationRecord>(sql`UPDATE reservations SET status = 'active', updated_at = ${at},
				expires_at = ${iso(nowMs + options.ttlMs)}
			WHERE id = ${id} AND status IN ('released', 'expired') RETURNING ${RESERVATION_COLUMNS}`);
		if (!row) {
			const current = await loadReservation(tx, id);
			if (!current) throw new NotFoundError(`Reservation ${id}`);
			if (current.status === "active" || current.status === "committed") return current;
			throw new ConflictError(`Reservation ${id} is ${current.status}; it cannot be taken again.`);
		}
		const before = await loadAllocations(tx, id);
		const demands: Demand[] = linesOf(before).map((l, line) => ({
			sku: l.sku,
			slot: slotIn(l.slot),
			quantity: l.quantity,
			line,
		}));
		// Out of stock (or a slot that has started) throws, and the status change rolls back with it.
		const plan = await planOne(tx, demands, at);
		await openRows(tx, plan.opened, at);
		const moved = await shiftStock(tx, "reserved", plan.allocations, at);
		if (moved !== plan.allocations.length) {
			// Unreachable while we hold the write lock (as in reserve): roll everything back.
			throw new Error(`reclaim: ${plan.allocations.length - moved} stock rows refused a planned reservation`);
		}
		// Units may come from other warehouses than the first time: the lines say where they are now.
		await tx.run(sql`DELETE FROM reservation_lines WHERE reservation_id = ${id}`);
		await tx.insert(reservationLines).values(plan.allocations.map((a) => ({ reservationId: id, ...a })));
		await appendLedger(tx, at, [
			...plan.opened.filter((o) => o.onHand > 0).map(openedEntry),
			...plan.allocations.map((a): LedgerInput => ({ ...a, kind: "reserved", reservationId: id })),
		]);
		const reservation = toReservation(row, plan.allocations);
		// Like a reservation: no event of its own (its order records it); the catalog hears if a SKU ran out.
		await emitChange(tx, at, () => [], plan.allocations, -1);
		return reservation;
	});
}
