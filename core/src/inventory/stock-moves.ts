import type { MovementKind } from "@bazaar/contracts/inventory";
import { type SQL, sql } from "drizzle-orm";
import { changes, type TxDb } from "../lib/db";
import { ledger } from "./schema";

// The statements every stock movement shares. A stock row is (sku, warehouse, slot), slot ''
// when the SKU is not sold by time slot. All of these run inside inventoryWrite's transaction.

export interface StockKey {
	sku: string;
	warehouse: string;
	slot: string;
}
export interface Move extends StockKey {
	quantity: number;
}

export const rowKey = (k: StockKey) => `${k.sku}\u0000${k.warehouse}\u0000${k.slot}`;

/** One move per stock row (an UPDATE … FROM must meet each target row once). */
export function sumByRow(moves: Move[]): Move[] {
	const out = new Map<string, Move>();
	for (const m of moves) {
		const key = rowKey(m);
		const seen = out.get(key);
		if (seen) seen.quantity += m.quantity;
		else out.set(key, { ...m });
	}
	return [...out.values()];
}

type Shift = "reserved" | "released" | "expired" | "committed" | "returned";

/**
 * How each movement shifts units between available, reserved and sold, and the guard that
 * keeps the row whole. The guard is part of the UPDATE itself, so it holds whoever else writes
 * (another connection, another process); the CHECK constraints back it up.
 */
const SHIFTS: Record<Shift, { set: SQL; guard: SQL }> = {
	reserved: {
		set: sql.raw("reserved = reserved + d.column4"),
		guard: sql.raw("(stock.bounded = 0 OR stock.on_hand - stock.reserved - stock.sold >= d.column4)"),
	},
	released: { set: sql.raw("reserved = reserved - d.column4"), guard: sql.raw("stock.reserved >= d.column4") },
	expired: { set: sql.raw("reserved = reserved - d.column4"), guard: sql.raw("stock.reserved >= d.column4") },
	committed: {
		set: sql.raw("reserved = reserved - d.column4, sold = sold + d.column4"),
		guard: sql.raw("stock.reserved >= d.column4"),
	},
	// Sold units back on the shelf (a refund with restock): available grows, on_hand does not move.
	returned: { set: sql.raw("sold = sold - d.column4"), guard: sql.raw("stock.sold >= d.column4") },
};

const ROWS_PER_STATEMENT = 1_000;

/**
 * Applies the moves (already summed per row) with one conditional UPDATE per 1,000 rows and
 * returns how many rows it changed: fewer than `moves.length` means a guard refused one.
 */
export async function shiftStock(tx: TxDb, kind: Shift, moves: Move[], at: string): Promise<number> {
	let changed = 0;
	const { set, guard } = SHIFTS[kind];
	for (let i = 0; i < moves.length; i += ROWS_PER_STATEMENT) {
		const values = sql.join(
			moves.slice(i, i + ROWS_PER_STATEMENT).map((m) => sql`(${m.sku}, ${m.warehouse}, ${m.slot}, ${m.quantity})`),
			sql`, `,
		);
		const result = await tx.run(sql`UPDATE stock SET ${set}, updated_at = ${at}
			FROM (VALUES ${values}) AS d
			WHERE stock.sku = d.column1 AND stock.warehouse = d.column2 AND stock.slot = d.column3 AND ${guard}`);
		changed += changes(result);
	}
	return changed;
}

export interface LedgerInput extends Move {
	kind: MovementKind;
	reservationId?: string | null;
	reason?: string | null;
	actor?: string | null;
}

const LEDGER_ROWS_PER_STATEMENT = 500;

export async function appendLedger(tx: TxDb, at: string, entries: LedgerInput[]): Promise<void> {
	for (let i = 0; i < entries.length; i += LEDGER_ROWS_PER_STATEMENT) {
		await tx.insert(ledger).values(
			entries.slice(i, i + LEDGER_ROWS_PER_STATEMENT).map((e) => ({
				at,
				sku: e.sku,
				warehouse: e.warehouse,
				slot: e.slot,
				kind: e.kind,
				quantity: e.quantity,
				reservationId: e.reservationId ?? null,
				reason: e.reason ?? null,
				actor: e.actor ?? null,
			})),
		);
	}
}
