import { createHash } from "node:crypto";
import {
	type Availability,
	DEFAULT_WAREHOUSE,
	MAX_TTL_SECONDS,
	type Policy,
	type Reservation,
	ReserveRequest,
	type Shortage,
} from "@bazaar/contracts/inventory";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { emit } from "../bus/emit";
import { coalesce, type Outcome, type TxDb } from "../lib/db";
import { ServiceError, ValidationError } from "../lib/errors";
import { slotRule } from "./availability";
import { type InventoryContext, iso } from "./context";
import { OutOfStockError, UnprocessableLinesError } from "./errors";
import { inventoryEvent } from "./events";
import {
	loadAllocations,
	RESERVATION_COLUMNS,
	type ReservationRecord,
	slotIn,
	slotOut,
	toReservation,
} from "./records";
import { type LedgerInput, type Move, shiftStock, sumByRow } from "./stock-moves";

// Holding stock for an order: every line or none, never below zero, idempotent by reservation
// id and by order id. Reservations that arrive together are taken in ONE unit of the inventory
// database's group commit (lib/db `coalesce`): the stock rows they touch are read once, each
// reservation is planned in turn against what the ones before it left (all in memory, while the
// batch holds the write lock, so nothing else moves the rows meanwhile), and the batch is written
// with a fixed handful of multi-row statements — whatever its size. A reservation that cannot
// be held writes nothing and fails alone. The stock UPDATE still carries its guard and its row
// count is checked, and the CHECK constraints back both.

export interface ReserveOptions {
	/** Overrides the request's ttlSeconds and the module default (tests use a few ms). */
	ttlMs?: number;
}

export interface ReserveResult {
	reservation: Reservation;
	/** false when this was a replay of a reservation that already existed. */
	created: boolean;
}

/** One reservation to make, as the batch takes it. */
export interface ReserveItem {
	id: string;
	orderId: string;
	digest: string;
	demands: Demand[];
	expiresAt: string;
	at: string;
}

/** What the batch answers for one item: the reservation made, or "it exists already" (a replay). */
export type ReserveOutcome = { created: true; reservation: Reservation } | { created: false };

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
	const outcome = await batcherOf(ctx)({
		id,
		orderId: request.orderId,
		digest,
		demands,
		expiresAt: iso(nowMs + ttlMs),
		at: iso(nowMs),
	});
	if (outcome.created) return { reservation: outcome.reservation, created: true };
	return { reservation: await replay(ctx, request, id, digest), created: false };
}

/** One batcher per database: reservations arriving together share its units. */
const batchers = new WeakMap<InventoryContext["database"], (item: ReserveItem) => Promise<ReserveOutcome>>();
function batcherOf(ctx: InventoryContext) {
	let batcher = batchers.get(ctx.database);
	if (!batcher) {
		batcher = coalesce(ctx.database, reserveMany);
		batchers.set(ctx.database, batcher);
	}
	return batcher;
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

// ---- the batch ---------------------------------------------------------------------------------

interface StockRow {
	warehouse: string;
	slot: string;
	/** on_hand − reserved − sold as it stands after the batch's earlier reservations. */
	available: number;
}
interface SkuState {
	policy: Policy;
	slotCapacity: number | null;
	rows: StockRow[];
	/** What was available (slot '' rows) before the batch: to tell who ran out or came back. */
	before: number;
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

const json = (value: unknown) => JSON.stringify(value);

/** Makes the batch's reservations (see the top of this file). One outcome per item, in order. */
export async function reserveMany(tx: TxDb, items: ReserveItem[]): Promise<Outcome<ReserveOutcome>[]> {
	const existing = await tx.all<{ id: string; orderId: string }>(sql`SELECT id, order_id AS orderId
		FROM reservations
		WHERE id IN (SELECT value FROM json_each(${json(items.map((i) => i.id))}))
			OR order_id IN (SELECT value FROM json_each(${json(items.map((i) => i.orderId))}))`);
	const takenIds = new Set(existing.map((r) => r.id));
	const takenOrders = new Set(existing.map((r) => r.orderId));
	const state = await loadState(
		tx,
		items.map((i) => i.demands),
	);
	// Whether a slot has started is judged at the batch's first arrival (they are milliseconds apart).
	const nowIso = items[0]?.at ?? "";

	const outcomes: Outcome<ReserveOutcome>[] = [];
	const made: { item: ReserveItem; plan: Plan }[] = [];
	for (const item of items) {
		// Its id or order is already held (before this batch, or by an earlier item of it): a replay,
		// answered once the batch is committed.
		if (takenIds.has(item.id) || takenOrders.has(item.orderId)) {
			outcomes.push({ ok: true, value: { created: false } });
			continue;
		}
		try {
			const plan = planAllocations(state, item.demands, nowIso);
			applyPlan(state, plan);
			takenIds.add(item.id);
			takenOrders.add(item.orderId);
			made.push({ item, plan });
			outcomes.push({ ok: true, value: { created: true, reservation: reservationOf(item, plan.allocations) } });
		} catch (err) {
			outcomes.push({ ok: false, error: err });
		}
	}
	if (made.length > 0) await writeBatch(tx, made, state);
	return outcomes;
}

/** The rows the batch's demands touch, read once: every SKU asked for, at '' and the slots asked. */
async function loadState(tx: TxDb, demandLists: Demand[][]): Promise<Map<string, SkuState>> {
	const skus = new Set<string>();
	const slots = new Set<string>([""]);
	for (const demands of demandLists) {
		for (const d of demands) {
			skus.add(d.sku);
			slots.add(d.slot);
		}
	}
	const rows = await tx.all<{
		sku: string;
		policy: Policy;
		slotCapacity: number | null;
		warehouse: string | null;
		slot: string | null;
		available: number | null;
	}>(sql`SELECT k.sku, k.policy, k.slot_capacity AS slotCapacity, s.warehouse, s.slot,
			s.on_hand - s.reserved - s.sold AS available
		FROM skus k LEFT JOIN stock s ON s.sku = k.sku AND s.slot IN (SELECT value FROM json_each(${json([...slots])}))
		WHERE k.sku IN (SELECT value FROM json_each(${json([...skus])}))`);
	const state = new Map<string, SkuState>();
	for (const r of rows) {
		let entry = state.get(r.sku);
		if (!entry) {
			entry = { policy: r.policy, slotCapacity: r.slotCapacity, rows: [], before: 0 };
			state.set(r.sku, entry);
		}
		if (r.warehouse === null || r.slot === null) continue;
		entry.rows.push({ warehouse: r.warehouse, slot: r.slot, available: r.available ?? 0 });
		if (r.slot === "" && entry.policy === "tracked") entry.before += Math.max(0, r.available ?? 0);
	}
	return state;
}

/**
 * Decides where every unit of one reservation comes from, against the batch's state. A physical
 * line is taken from the warehouse with the most available first, so one warehouse fills it
 * whenever one can; only a line no single warehouse can fill is split. Throws (and changes
 * nothing) when a line cannot be held.
 */
function planAllocations(state: Map<string, SkuState>, demands: Demand[], nowIso: string): Plan {
	const errors: { path: string; message: string }[] = [];
	const shortages: Shortage[] = [];
	const plan: Plan = { allocations: [], opened: [] };
	for (const d of demands) {
		const entry = state.get(d.sku);
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
			const available = row ? row.available : (entry.slotCapacity ?? 0);
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
				.filter((r) => r.slot === "" && r.available > 0)
				.sort((a, b) => b.available - a.available || a.warehouse.localeCompare(b.warehouse));
			const total = candidates.reduce((n, r) => n + r.available, 0);
			if (total < d.quantity) {
				shortages.push({ sku: d.sku, slot: null, requested: d.quantity, available: total });
				continue;
			}
			let remaining = d.quantity;
			for (const r of candidates) {
				const take = Math.min(remaining, r.available);
				plan.allocations.push({ sku: d.sku, warehouse: r.warehouse, slot: "", quantity: take });
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

/**
 * One reservation's plan against the stock as it stands, for a caller inside its own unit (the
 * inventory's reclaim): the same rules as the batch. Throws when a line cannot be held.
 */
export async function planOne(tx: TxDb, demands: Demand[], nowIso: string): Promise<Plan> {
	return planAllocations(await loadState(tx, [demands]), demands, nowIso);
}

/** Stock rows a plan opens (a service slot booked for the first time, a digital SKU's row). */
export async function openRows(tx: TxDb, opened: OpenedRow[], at: string): Promise<void> {
	if (opened.length === 0) return;
	await tx.run(sql`INSERT INTO stock (sku, warehouse, slot, bounded, on_hand, reserved, sold, updated_at)
		SELECT value->>'sku', value->>'warehouse', value->>'slot', value->>'bounded', value->>'onHand', 0, 0, ${at}
		FROM json_each(${json(opened)})`);
}

/** What the planned reservation leaves for the next one in the batch. */
function applyPlan(state: Map<string, SkuState>, plan: Plan): void {
	for (const o of plan.opened) {
		state.get(o.sku)?.rows.push({ warehouse: o.warehouse, slot: o.slot, available: o.onHand });
	}
	for (const a of plan.allocations) {
		const row = state.get(a.sku)?.rows.find((r) => r.slot === a.slot && r.warehouse === a.warehouse);
		if (row) row.available -= a.quantity;
	}
}

function reservationOf(item: ReserveItem, allocations: Move[]): Reservation {
	const record: ReservationRecord = {
		id: item.id,
		orderId: item.orderId,
		status: "active",
		linesDigest: item.digest,
		expiresAt: item.expiresAt,
		createdAt: item.at,
		updatedAt: item.at,
	};
	return toReservation(record, allocations);
}

/** The batch's writes: a fixed number of statements whatever the number of reservations. */
async function writeBatch(tx: TxDb, made: { item: ReserveItem; plan: Plan }[], state: Map<string, SkuState>) {
	const at = made[0]?.item.at ?? iso(Date.now());
	await openRows(
		tx,
		made.flatMap((m) => m.plan.opened),
		at,
	);
	const moves = sumByRow(made.flatMap((m) => m.plan.allocations));
	const moved = await shiftStock(tx, "reserved", moves, at);
	if (moved !== moves.length) {
		// Unreachable while the batch holds the write lock; if it ever happens, roll it all back.
		throw new Error(`reserve: ${moves.length - moved} stock rows refused a planned reservation`);
	}
	await tx.run(sql`INSERT INTO reservations (id, order_id, status, lines_digest, expires_at, created_at, updated_at)
		SELECT value->>'id', value->>'orderId', 'active', value->>'digest', value->>'expiresAt', value->>'at', value->>'at'
		FROM json_each(${json(made.map((m) => m.item))})`);
	const lines = made.flatMap((m) => sumByRow(m.plan.allocations).map((a) => ({ ...a, reservationId: m.item.id })));
	await tx.run(sql`INSERT INTO reservation_lines (reservation_id, sku, warehouse, slot, quantity)
		SELECT value->>'reservationId', value->>'sku', value->>'warehouse', value->>'slot', value->>'quantity'
		FROM json_each(${json(lines)})`);
	const entries: (LedgerInput & { at: string })[] = made.flatMap((m) => [
		...m.plan.opened.filter((o) => o.onHand > 0).map((o) => ({ ...openedEntry(o), at: m.item.at })),
		...m.plan.allocations.map((a) => ({ ...a, kind: "reserved" as const, reservationId: m.item.id, at: m.item.at })),
	]);
	await tx.run(sql`INSERT INTO ledger (at, sku, warehouse, slot, kind, quantity, reservation_id, reason, actor)
		SELECT value->>'at', value->>'sku', value->>'warehouse', value->>'slot', value->>'kind', value->>'quantity',
			value->>'reservationId', value->>'reason', value->>'actor'
		FROM json_each(${json(entries)})`);
	await emitSoldOut(tx, at, state);
}

/**
 * SKUs the batch sold out get one inventory.availability_changed (the catalog's in-stock flag):
 * a batch only takes units, so the one way to cross zero is down to it.
 */
async function emitSoldOut(tx: TxDb, at: string, state: Map<string, SkuState>): Promise<void> {
	const items: Availability[] = [];
	for (const [sku, entry] of state) {
		if (entry.policy !== "tracked" || entry.before <= 0) continue;
		const after = entry.rows.reduce((n, r) => (r.slot === "" ? n + Math.max(0, r.available) : n), 0);
		if (after === 0) items.push({ sku, slot: slotOut(""), policy: entry.policy, available: 0 });
	}
	if (items.length > 0) {
		await emit(tx, inventoryEvent("inventory.availability_changed", "inventory.availability", { items }, at));
	}
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
