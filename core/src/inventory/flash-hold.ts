import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { ConflictError, NotFoundError } from "../lib/errors";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { OutOfStockError, UnprocessableLinesError } from "./errors";
import { emitChange } from "./events";
import { appendLedger, type Move, shiftStock } from "./stock-moves";

// A flash sale's quota, held out of regular stock (DESIGN.md, "Arming"). The hold is an ordinary
// reservation (id `fh_…`, order `flash-<item>`), so the books stay the books: arming moves the
// quota from available to reserved in ONE transaction (no unit is sellable twice), each paid flash
// unit is carved out of the hold into a committed reservation of its own (reserved → sold, once
// per flash reservation id), and whatever is left when the hold expires or is released goes back
// to available through the usual release/expiry path. reconcile() needs nothing new: the hold's
// lines are its remaining units.

export interface ArmFlashHold {
	holdId: string;
	itemId: string;
	sku: string;
	quantity: number;
	/** When the remainder goes back by itself (the sale's end + its payment window + a grace). */
	expiresAt: string;
	actor: string;
}

export const flashHoldOrderRef = (itemId: string) => `flash-${itemId}`;

/** Holds `quantity` units of `sku` for the flash item; the same holdId again changes nothing. */
export function armFlashHold(ctx: InventoryContext, input: ArmFlashHold): Promise<{ created: boolean }> {
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const [seen] = await tx.all<{ status: string }>(sql`SELECT status FROM reservations WHERE id = ${input.holdId}`);
		if (seen) return { created: false };
		const [sku] = await tx.all<{ policy: string }>(sql`SELECT policy FROM skus WHERE sku = ${input.sku}`);
		if (!sku) throw new UnprocessableLinesError(`Unknown SKU ${input.sku}.`, [{ path: "sku", message: "unknown" }]);
		if (sku.policy === "capacity") {
			throw new UnprocessableLinesError("A SKU sold by time slot cannot be a flash-sale item.", [
				{ path: "sku", message: "capacity SKU" },
			]);
		}
		const rows = await tx.all<{ warehouse: string; bounded: number; available: number }>(sql`SELECT warehouse,
				bounded, on_hand - reserved - sold AS available FROM stock WHERE sku = ${input.sku} AND slot = ''
				ORDER BY bounded, available DESC, warehouse`);
		const moves: Move[] = [];
		let left = input.quantity;
		for (const r of rows) {
			if (left === 0) break;
			const take = r.bounded === 0 ? left : Math.min(left, Math.max(0, r.available));
			if (take > 0) moves.push({ sku: input.sku, warehouse: r.warehouse, slot: "", quantity: take });
			left -= take;
		}
		if (left > 0) {
			const available = input.quantity - left;
			throw new OutOfStockError([{ sku: input.sku, slot: null, requested: input.quantity, available }]);
		}
		await tx.run(sql`INSERT INTO reservations (id, order_id, status, lines_digest, expires_at, created_at, updated_at)
			VALUES (${input.holdId}, ${flashHoldOrderRef(input.itemId)}, 'active', ${`flash:${input.sku}:${input.quantity}`},
				${input.expiresAt}, ${at}, ${at})`);
		for (const m of moves) {
			await tx.run(sql`INSERT INTO reservation_lines (reservation_id, sku, warehouse, slot, quantity)
				VALUES (${input.holdId}, ${m.sku}, ${m.warehouse}, '', ${m.quantity})`);
		}
		if ((await shiftStock(tx, "reserved", moves, at)) !== moves.length) {
			throw new OutOfStockError([{ sku: input.sku, slot: null, requested: input.quantity, available: 0 }]);
		}
		await appendLedger(
			tx,
			at,
			moves.map((m) => ({
				...m,
				kind: "reserved",
				reservationId: input.holdId,
				reason: `flash sale ${input.itemId} armed`,
				actor: input.actor,
			})),
		);
		await emitChange(tx, at, () => [], moves, -1);
		return { created: true };
	});
}

export interface FlashUnitCommit {
	holdId: string;
	/** The flash reservation (`fr_…`): the committed reservation carved out of the hold takes this id. */
	reservationId: string;
	orderId: string;
	quantity: number;
}

/**
 * A paid flash order: its units move from the hold to sold, in a committed reservation of its own.
 * Idempotent by reservation id (a redelivered order.paid answers false). A hold that has expired
 * or been released cannot sell any more (409): the order's payment is refunded by the caller.
 */
export function commitFlashUnits(ctx: InventoryContext, unit: FlashUnitCommit): Promise<{ committed: boolean }> {
	const at = iso(ctx.now());
	return inventoryWrite(ctx, (tx) => commitIn(tx, at, unit));
}

async function commitIn(tx: TxDb, at: string, unit: FlashUnitCommit): Promise<{ committed: boolean }> {
	const [seen] = await tx.all<{ id: string }>(sql`SELECT id FROM reservations WHERE id = ${unit.reservationId}`);
	if (seen) return { committed: false };
	const [hold] = await tx.all<{ status: string }>(sql`SELECT status FROM reservations WHERE id = ${unit.holdId}`);
	if (!hold) throw new NotFoundError(`Flash hold ${unit.holdId}`);
	if (hold.status !== "active") throw new ConflictError(`Flash hold ${unit.holdId} is ${hold.status}.`);
	const lines = await tx.all<{ sku: string; warehouse: string; quantity: number }>(sql`SELECT sku, warehouse, quantity
		FROM reservation_lines WHERE reservation_id = ${unit.holdId} ORDER BY quantity DESC, warehouse`);
	const moves: Move[] = [];
	let left = unit.quantity;
	for (const l of lines) {
		if (left === 0) break;
		const take = Math.min(left, l.quantity);
		moves.push({ sku: l.sku, warehouse: l.warehouse, slot: "", quantity: take });
		left -= take;
	}
	if (left > 0) throw new ConflictError(`Flash hold ${unit.holdId} has fewer than ${unit.quantity} units left.`);
	await tx.run(sql`INSERT INTO reservations (id, order_id, status, lines_digest, expires_at, created_at, updated_at)
		VALUES (${unit.reservationId}, ${unit.orderId}, 'committed', ${`flash:${unit.holdId}:${unit.quantity}`}, ${at}, ${at}, ${at})`);
	for (const m of moves) {
		await tx.run(sql`INSERT INTO reservation_lines (reservation_id, sku, warehouse, slot, quantity)
			VALUES (${unit.reservationId}, ${m.sku}, ${m.warehouse}, '', ${m.quantity})`);
		await tx.run(sql`UPDATE reservation_lines SET quantity = quantity - ${m.quantity}
			WHERE reservation_id = ${unit.holdId} AND sku = ${m.sku} AND warehouse = ${m.warehouse} AND slot = ''
				AND quantity > ${m.quantity}`);
		await tx.run(sql`DELETE FROM reservation_lines WHERE reservation_id = ${unit.holdId} AND sku = ${m.sku}
			AND warehouse = ${m.warehouse} AND slot = '' AND quantity = ${m.quantity}`);
	}
	if ((await shiftStock(tx, "committed", moves, at)) !== moves.length) {
		throw new Error(`flash commit ${unit.reservationId}: stock rows hold less than the hold says`);
	}
	await appendLedger(
		tx,
		at,
		moves.map((m) => ({ ...m, kind: "committed", reservationId: unit.reservationId })),
	);
	return { committed: true };
}

/** Units the hold still holds (its quota less what was sold), or null when there is no such hold. */
export async function flashHoldRemaining(ctx: InventoryContext, holdId: string): Promise<number | null> {
	const [row] = await ctx.database.db.all<{ status: string; left: number }>(sql`SELECT r.status,
		coalesce((SELECT sum(quantity) FROM reservation_lines WHERE reservation_id = r.id), 0) AS left
		FROM reservations r WHERE r.id = ${holdId}`);
	if (!row) return null;
	return row.status === "active" ? Number(row.left) : 0;
}
