import { DEFAULT_WAREHOUSE, ExternalId } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import { changes, type TxDb } from "../lib/db";
import { ConflictError, NotFoundError } from "../lib/errors";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { OutOfStockError } from "./errors";
import { loadReservation, loadSku } from "./records";
import { appendLedger, type LedgerInput, shiftStock } from "./stock-moves";
import { ensureRow } from "./stock-target";

// A sold booking changes after the sale: the shopper moves it to another slot of the same service
// or gives it back. Both act on one line of a committed reservation (sku at slot) and settle it
// exactly once: the reservation line's UPDATE/DELETE is conditional on its current slot, so a
// move and a cancel racing for the same booking — in any process — cannot both win; the loser
// gets a 409. A move takes the new slot's place with a guarded UPDATE (available ≥ quantity, in
// the same statement) and gives the old one back, in ONE transaction: never both held, never
// neither, never more than the slot holds (the CHECK constraints back the guard). The ledger
// records the move (new slot: reserved + committed; old slot: returned), so reconcile balances;
// its exact reason doubles as the replay record, which is what makes a retry answer "done".

export interface BookedLine {
	reservationId: string;
	sku: string;
	slot: string;
	/** Who asks (the shopper's id), for the ledger. */
	actor: string;
}

export interface RebookResult {
	/** false: it had been done already (a retry changes nothing). */
	changed: boolean;
}

const movedReason = (to: string) => `booking moved to ${to}`;
const cancelledReason = "booking cancelled by the customer";

/** Moves a sold booking from `slot` to `to` (same SKU), atomically; 409 when `to` has no place left. */
export function moveBooking(ctx: InventoryContext, line: BookedLine, to: string): Promise<RebookResult> {
	check(line);
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const [twice] = await tx.all<{ quantity: number }>(sql`SELECT quantity FROM reservation_lines
			WHERE reservation_id = ${line.reservationId} AND sku = ${line.sku} AND slot = ${to}`);
		if (twice && (await bookedAt(tx, line))) throw new ConflictError(`This order already has the slot ${to} booked.`);
		const quantity = await takeLine(tx, line, sql`UPDATE reservation_lines SET slot = ${to}`, movedReason(to));
		if (quantity === null) return { changed: false };
		if (to <= at) throw new ConflictError(`The slot ${to} has already started.`);
		const sku = await loadSku(tx, line.sku);
		if (!sku || sku.policy !== "capacity") throw new ConflictError(`${line.sku} is not sold by time slot.`);
		const target = { sku: line.sku, warehouse: DEFAULT_WAREHOUSE, slot: to };
		const opened = await ensureRow(tx, sku, target, at);
		// The guard is in the UPDATE: the place is taken only if it is there, whatever else writes.
		if ((await shiftStock(tx, "reserved", [{ ...target, quantity }], at)) !== 1) {
			const [row] = await tx.all<{ available: number }>(
				sql`SELECT on_hand - reserved - sold AS available FROM stock WHERE sku = ${line.sku} AND warehouse = ${DEFAULT_WAREHOUSE} AND slot = ${to}`,
			);
			throw new OutOfStockError([{ sku: line.sku, slot: to, requested: quantity, available: row?.available ?? 0 }]);
		}
		await shiftStock(tx, "committed", [{ ...target, quantity }], at);
		const from = { sku: line.sku, warehouse: DEFAULT_WAREHOUSE, slot: line.slot, quantity };
		if ((await shiftStock(tx, "returned", [from], at)) !== 1) {
			throw new Error(`move booking ${line.reservationId}: the slot ${line.slot} holds fewer sold places than it`);
		}
		const by = { reservationId: line.reservationId, actor: line.actor };
		const entries: LedgerInput[] = [
			...opened,
			{ ...target, quantity, kind: "reserved", ...by, reason: `booking moved from ${line.slot}` },
			{ ...target, quantity, kind: "committed", ...by, reason: `booking moved from ${line.slot}` },
			{ ...from, kind: "returned", ...by, reason: movedReason(to) },
		];
		await appendLedger(tx, at, entries);
		return { changed: true };
	});
}

/** Gives a sold booking's places back: the slot is bookable again as this commits. */
export function cancelBooking(ctx: InventoryContext, line: BookedLine): Promise<RebookResult> {
	check(line);
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const quantity = await takeLine(tx, line, sql`DELETE FROM reservation_lines`, cancelledReason);
		if (quantity === null) return { changed: false };
		const from = { sku: line.sku, warehouse: DEFAULT_WAREHOUSE, slot: line.slot, quantity };
		if ((await shiftStock(tx, "returned", [from], at)) !== 1) {
			throw new Error(`cancel booking ${line.reservationId}: the slot ${line.slot} holds fewer sold places than it`);
		}
		await appendLedger(tx, at, [
			{ ...from, kind: "returned", reservationId: line.reservationId, actor: line.actor, reason: cancelledReason },
		]);
		return { changed: true };
	});
}

async function bookedAt(tx: TxDb, line: BookedLine): Promise<boolean> {
	const [row] = await tx.all<{ quantity: number }>(sql`SELECT quantity FROM reservation_lines
		WHERE reservation_id = ${line.reservationId} AND sku = ${line.sku} AND slot = ${line.slot}`);
	return row !== undefined;
}

function check(line: BookedLine): void {
	if (!ExternalId.safeParse(line.reservationId).success) throw new NotFoundError("The reservation");
}

/**
 * Claims the booking's reservation line where it is now (`change` is the UPDATE or DELETE to
 * apply to it) and answers its quantity; null when this very change was made before (a retry).
 */
async function takeLine(tx: TxDb, line: BookedLine, change: ReturnType<typeof sql>, reason: string) {
	const reservation = await loadReservation(tx, line.reservationId);
	if (!reservation) throw new NotFoundError("The reservation");
	const [row] = await tx.all<{ quantity: number }>(sql`SELECT quantity FROM reservation_lines
		WHERE reservation_id = ${line.reservationId} AND sku = ${line.sku} AND warehouse = ${DEFAULT_WAREHOUSE} AND slot = ${line.slot}`);
	if (!row) {
		const [done] = await tx.all<{ id: number }>(sql`SELECT id FROM ledger
			WHERE reservation_id = ${line.reservationId} AND sku = ${line.sku} AND slot = ${line.slot}
				AND kind = 'returned' AND reason = ${reason} LIMIT 1`);
		if (done) return null;
		throw new ConflictError("This booking changed meanwhile (it was moved or cancelled); reload the order.");
	}
	if (reservation.status !== "committed") {
		throw new ConflictError(`The booking is not sold (its reservation is ${reservation.status}).`);
	}
	const result = await tx.run(sql`${change}
		WHERE reservation_id = ${line.reservationId} AND sku = ${line.sku} AND warehouse = ${DEFAULT_WAREHOUSE} AND slot = ${line.slot}`);
	if (changes(result) !== 1) throw new ConflictError("This booking changed meanwhile; reload the order.");
	return row.quantity;
}
