import { createHash } from "node:crypto";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { TxDb } from "../lib/db";
import { ServiceError, ValidationError } from "../lib/errors";
import { slotRule } from "./availability";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import {
	DEFAULT_WAREHOUSE,
	MAX_TTL_SECONDS,
	type Policy,
	type Reservation,
	ReserveRequest,
	type Shortage,
} from "./contracts";
import { OutOfStockError, UnprocessableLinesError } from "./errors";
import { emitChange, inventoryEvent } from "./events";
import { loadAllocations, RESERVATION_COLUMNS, type ReservationRecord, slotIn, toReservation } from "./records";
import { reservationLines } from "./schema";
import { appendLedger, type LedgerInput, type Move, shiftStock } from "./stock-moves";

export interface ReserveOptions {
	/** Overrides the request's ttlSeconds and the module default (tests use a few ms). */
	ttlMs?: number;
}

export interface ReserveResult {
	reservation: Reservation;
	/** false when this was a replay of a reservation that already existed. */
	created: boolean;
}

/**
 * Holds stock for an order: every line or none. One write transaction takes the write lock up
 * front (BEGIN IMMEDIATE), plans where each unit comes from, and moves the units with a
 * conditional UPDATE that refuses to go below zero whoever else is writing — then checks that
 * every planned row really moved. Idempotent by reservation id and by order id.
 */
export async function reserve(
	ctx: InventoryContext,
	input: z.input<typeof ReserveRequest>,
	options: ReserveOptions = {},
): Promise<ReserveResult> {
	const request = ReserveRequest.parse(input);
	const ttlMs = options.ttlMs ?? (request.ttlSeconds !== undefined ? request.ttlSeconds * 1000 : ctx.defaultTtlMs);
	if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_SECONDS * 1000) {
		throw new ValidationError("The reservation's time to live is out of range.", [
			{ path: "ttlSeconds", message: `between 1 and ${MAX_TTL_SECONDS} seconds` },
		]);
	}
	const demands = mergeDemands(request.lines);
	const digest = digestOf(demands);
	const id = request.reservationId ?? newId("res");
	const nowMs = ctx.now();
	const at = iso(nowMs);
	const record: ReservationRecord = {
		id,
		orderId: request.orderId,
		status: "active",
		linesDigest: digest,
		expiresAt: iso(nowMs + ttlMs),
		createdAt: at,
		updatedAt: at,
	};

	const created = await inventoryWrite(ctx, async (tx) => {
		const inserted = await tx.run(sql`INSERT INTO reservations
				(id, order_id, status, lines_digest, expires_at, created_at, updated_at)
			VALUES (${id}, ${record.orderId}, 'active', ${digest}, ${record.expiresAt}, ${at}, ${at})
			ON CONFLICT DO NOTHING`);
		if (inserted.rowsAffected === 0) return null; // a replay: answered below, outside the lock

		const plan = await planAllocations(tx, demands, nowMs);
		if (plan.opened.length > 0) await openRows(tx, plan.opened, at);
		const moved = await shiftStock(tx, "reserved", plan.allocations, at);
		if (moved !== plan.allocations.length) {
			// Unreachable while we hold the write lock; if it ever happens, re-plan so the caller
			// hears which SKUs are short, and roll everything back.
			await planAllocations(tx, demands, nowMs);
			throw new Error(`reserve: ${plan.allocations.length - moved} stock rows refused a planned reservation`);
		}
		await tx.insert(reservationLines).values(plan.allocations.map((a) => ({ reservationId: id, ...a })));
		await appendLedger(tx, at, [
			...plan.opened.filter((o) => o.onHand > 0).map(openedEntry),
			...plan.allocations.map((a): LedgerInput => ({ ...a, kind: "reserved", reservationId: id })),
		]);
		const reservation = toReservation(record, plan.allocations);
		await emitChange(
			ctx,
			tx,
			at,
			() => [
				inventoryEvent(
					"inventory.reserved",
					record.orderId,
					{ reservationId: id, orderId: record.orderId, expiresAt: record.expiresAt, lines: reservation.lines },
					at,
				),
			],
			plan.allocations,
		);
		return reservation;
	});
	if (created) return { reservation: created, created: true };
	return { reservation: await replay(ctx, request, id, digest), created: false };
}

export interface Demand {
	sku: string;
	slot: string;
	quantity: number;
	/** Index of the first request line naming this SKU and slot (for error paths). */
	line: number;
}

/** Lines naming the same SKU (and slot) twice are one demand: summed before anything is checked. */
function mergeDemands(lines: ReserveRequest["lines"]): Demand[] {
	const out = new Map<string, Demand>();
	lines.forEach((l, i) => {
		const slot = slotIn(l.slot);
		const key = `${l.sku}\u0000${slot}`;
		const seen = out.get(key);
		if (seen) seen.quantity += l.quantity;
		else out.set(key, { sku: l.sku, slot, quantity: l.quantity, line: i });
	});
	return [...out.values()];
}

function digestOf(demands: Demand[]): string {
	const canonical = demands
		.map((d) => `${d.sku}\u0000${d.slot}\u0000${d.quantity}`)
		.sort()
		.join("\n");
	return createHash("sha256").update(canonical).digest("base64url");
}

interface StockRowState {
	warehouse: string | null;
	slot: string | null;
	available: number | null;
}
interface OpenedRow {
	sku: string;
	warehouse: string;
	slot: string;
	bounded: 0 | 1;
	onHand: number;
}
interface Plan {
	allocations: Move[];
	/** Stock rows to create first: a service slot booked for the first time, a digital SKU's row. */
	opened: OpenedRow[];
}

/**
 * Decides where every unit comes from, from one read of the rows involved (inside the write
 * lock, so what it reads is what the UPDATE will meet). A physical line is taken from the
 * warehouse with the most available first, so one warehouse fills it whenever one can; only a
 * line no single warehouse can fill is split.
 */
export async function planAllocations(tx: TxDb, demands: Demand[], nowMs: number): Promise<Plan> {
	const skus = [...new Set(demands.map((d) => d.sku))];
	const slots = [...new Set(["", ...demands.map((d) => d.slot)])];
	const rows = await tx.all<
		StockRowState & { sku: string; policy: Policy; slotCapacity: number | null }
	>(sql`SELECT k.sku, k.policy, k.slot_capacity AS slotCapacity, s.warehouse, s.slot,
			s.on_hand - s.reserved - s.sold AS available
		FROM skus k LEFT JOIN stock s ON s.sku = k.sku AND s.slot IN (${sql.join(
			slots.map((s) => sql`${s}`),
			sql`, `,
		)})
		WHERE k.sku IN (${sql.join(
			skus.map((s) => sql`${s}`),
			sql`, `,
		)})`);
	const bySku = new Map<string, { policy: Policy; slotCapacity: number | null; rows: StockRowState[] }>();
	for (const r of rows) {
		const entry = bySku.get(r.sku) ?? { policy: r.policy, slotCapacity: r.slotCapacity, rows: [] };
		if (r.warehouse !== null) entry.rows.push(r);
		bySku.set(r.sku, entry);
	}

	const errors: { path: string; message: string }[] = [];
	const shortages: Shortage[] = [];
	const plan: Plan = { allocations: [], opened: [] };
	const nowIso = iso(nowMs);
	for (const d of demands) {
		const entry = bySku.get(d.sku);
		const path = `lines.${d.line}`;
		if (!entry) {
			errors.push({ path: `${path}.sku`, message: `unknown SKU ${d.sku}` });
			continue;
		}
		const wrong = slotRule(entry.policy, d.slot);
		if (wrong) {
			errors.push({ path: `${path}.slot`, message: `${d.sku}: ${wrong}` });
			continue;
		}
		if (entry.policy === "unlimited") {
			const row = entry.rows.find((r) => r.slot === "");
			const warehouse = row?.warehouse ?? DEFAULT_WAREHOUSE;
			if (!row) plan.opened.push({ sku: d.sku, warehouse, slot: "", bounded: 0, onHand: 0 });
			plan.allocations.push({ sku: d.sku, warehouse, slot: "", quantity: d.quantity });
		} else if (entry.policy === "capacity") {
			if (d.slot <= nowIso) {
				errors.push({ path: `${path}.slot`, message: `${d.sku}: the slot ${d.slot} has already started` });
				continue;
			}
			const row = entry.rows.find((r) => r.slot === d.slot);
			const available = row ? (row.available ?? 0) : (entry.slotCapacity ?? 0);
			if (available < d.quantity) {
				shortages.push({ sku: d.sku, slot: d.slot, requested: d.quantity, available: Math.max(0, available) });
				continue;
			}
			if (!row) {
				plan.opened.push({
					sku: d.sku,
					warehouse: DEFAULT_WAREHOUSE,
					slot: d.slot,
					bounded: 1,
					onHand: entry.slotCapacity ?? 0,
				});
			}
			plan.allocations.push({
				sku: d.sku,
				warehouse: row?.warehouse ?? DEFAULT_WAREHOUSE,
				slot: d.slot,
				quantity: d.quantity,
			});
		} else {
			const candidates = entry.rows
				.filter((r) => r.slot === "" && (r.available ?? 0) > 0)
				.sort(
					(a, b) => (b.available ?? 0) - (a.available ?? 0) || String(a.warehouse).localeCompare(String(b.warehouse)),
				);
			const total = candidates.reduce((n, r) => n + (r.available ?? 0), 0);
			if (total < d.quantity) {
				shortages.push({ sku: d.sku, slot: null, requested: d.quantity, available: total });
				continue;
			}
			let remaining = d.quantity;
			for (const r of candidates) {
				const take = Math.min(remaining, r.available ?? 0);
				plan.allocations.push({ sku: d.sku, warehouse: r.warehouse as string, slot: "", quantity: take });
				remaining -= take;
				if (remaining === 0) break;
			}
		}
	}
	if (errors.length > 0) {
		throw new UnprocessableLinesError(
			`Some lines cannot be reserved: ${errors.map((e) => e.message).join("; ")}.`,
			errors,
		);
	}
	if (shortages.length > 0) throw new OutOfStockError(shortages);
	return plan;
}

export async function openRows(tx: TxDb, opened: OpenedRow[], at: string): Promise<void> {
	await tx.run(sql`INSERT INTO stock (sku, warehouse, slot, bounded, on_hand, reserved, sold, updated_at)
		VALUES ${sql.join(
			opened.map((o) => sql`(${o.sku}, ${o.warehouse}, ${o.slot}, ${o.bounded}, ${o.onHand}, 0, 0, ${at})`),
			sql`, `,
		)}`);
}

export const openedEntry = (o: OpenedRow): LedgerInput => ({
	sku: o.sku,
	warehouse: o.warehouse,
	slot: o.slot,
	quantity: o.onHand,
	kind: "received",
	reason: "slot opened at the SKU's slot capacity",
	actor: "system",
});

/** Same reservation id or order id again: the same answer, as long as the lines are the same. */
async function replay(
	ctx: InventoryContext,
	request: ReserveRequest,
	id: string,
	digest: string,
): Promise<Reservation> {
	const rows = await ctx.database.db.all<ReservationRecord>(
		sql`SELECT ${RESERVATION_COLUMNS} FROM reservations WHERE id = ${id} OR order_id = ${request.orderId}`,
	);
	const [row] = rows;
	if (!row) throw new Error("reserve: a conflicting reservation vanished"); // rows are never deleted
	if (rows.length > 1 || row.orderId !== request.orderId) {
		throw new ServiceError(422, `Reservation ${id} belongs to another order.`, [
			{ path: "reservationId", message: "already used by another order" },
		]);
	}
	if (request.reservationId !== undefined && row.id !== request.reservationId) {
		throw new ServiceError(422, `Order ${request.orderId} already holds reservation ${row.id}.`, [
			{ path: "orderId", message: "already has a reservation under another id" },
		]);
	}
	if (row.linesDigest !== digest) {
		throw new ServiceError(422, `Reservation ${row.id} already exists with other lines.`, [
			{ path: "lines", message: "differ from the reservation already made for this order" },
		]);
	}
	return toReservation(row, await loadAllocations(ctx.database.db, row.id));
}
