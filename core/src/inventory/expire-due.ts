import { sql } from "drizzle-orm";
import { drainInBatches } from "../lib/sweeper";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { emitChange, inventoryEvent } from "./events";
import { linesOf, RESERVATION_COLUMNS, type ReservationRecord } from "./records";
import { appendLedger, type Move, shiftStock, sumByRow } from "./stock-moves";

export const DEFAULT_EXPIRE_BATCH = 500;

/**
 * Releases every active reservation whose expiry has passed, a batch per write transaction
 * (so checkouts are not held up behind a long sweep), and returns how many expired. The status
 * UPDATE picks its own rows under the write lock, so sweepers in several processes never
 * expire a reservation twice, and one that was committed first is left alone.
 */
export async function expireDue(
	ctx: InventoryContext,
	options: { now?: number; batchSize?: number } = {},
): Promise<number> {
	const at = iso(options.now ?? ctx.now());
	// A look on the read connection first: an idle shop's sweeps cost no write transaction.
	const [due] = await ctx.database.db.all(
		sql`SELECT 1 FROM reservations WHERE status = 'active' AND expires_at <= ${at} LIMIT 1`,
	);
	if (!due) return 0;
	return drainInBatches(options.batchSize ?? DEFAULT_EXPIRE_BATCH, (limit) => expireBatch(ctx, at, limit));
}

async function expireBatch(ctx: InventoryContext, at: string, limit: number): Promise<number> {
	return inventoryWrite(ctx, async (tx) => {
		const expired = await tx.all<ReservationRecord>(sql`UPDATE reservations SET status = 'expired', updated_at = ${at}
			WHERE id IN (SELECT id FROM reservations WHERE status = 'active' AND expires_at <= ${at}
				ORDER BY expires_at LIMIT ${limit})
			RETURNING ${RESERVATION_COLUMNS}`);
		if (expired.length === 0) return 0;
		const lines = await tx.all<Move & { reservationId: string }>(sql`SELECT reservation_id AS reservationId,
				sku, warehouse, slot, quantity
			FROM reservation_lines WHERE reservation_id IN (${sql.join(
				expired.map((r) => sql`${r.id}`),
				sql`, `,
			)})`);
		const moves = sumByRow(lines.map(({ reservationId: _, ...m }) => m));
		const moved = await shiftStock(tx, "expired", moves, at);
		if (moved !== moves.length) throw new Error(`expire: ${moves.length - moved} stock rows hold less than reserved`);
		await appendLedger(
			tx,
			at,
			lines.map((l) => ({ ...l, kind: "expired" })),
		);
		await emitChange(
			tx,
			at,
			() => {
				const byReservation = new Map<string, Move[]>();
				for (const l of lines) {
					const list = byReservation.get(l.reservationId);
					if (list) list.push(l);
					else byReservation.set(l.reservationId, [l]);
				}
				return expired.map((r) =>
					inventoryEvent(
						"inventory.released",
						r.orderId,
						{
							reservationId: r.id,
							orderId: r.orderId,
							reason: "expired",
							lines: linesOf(byReservation.get(r.id) ?? []),
						},
						at,
					),
				);
			},
			moves,
		);
		return expired.length;
	});
}
