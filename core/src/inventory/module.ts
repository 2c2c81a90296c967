import type {
	AdjustStockRequest,
	AvailabilityList,
	AvailabilityRequest,
	DefineSkuRequest,
	LedgerPage,
	LedgerQuery,
	ReceiveStockRequest,
	Reconciliation,
	Reservation,
	ReserveRequest,
	SkuStock,
} from "@bazaar/contracts/inventory";
import type { z } from "zod";
import { adjustStock } from "./adjust-stock";
import { availability } from "./availability";
import { commitReservation } from "./commit-reservation";
import { type InventoryContext, type InventoryContextOptions, openInventoryContext } from "./context";
import { countReservationsByStatus } from "./count-reservations";
import { defineSku } from "./define-sku";
import { expireDue } from "./expire-due";
import {
	type ArmFlashHold,
	armFlashHold,
	commitFlashUnits,
	type FlashUnitCommit,
	flashHoldRemaining,
} from "./flash-hold";
import { getLedger } from "./get-ledger";
import { getReservation } from "./get-reservation";
import { getStock } from "./get-stock";
import { type BookedLine, cancelBooking, moveBooking, type RebookResult } from "./rebook-slot";
import { receiveStock } from "./receive-stock";
import { reclaimReservation } from "./reclaim-reservation";
import { reconcile } from "./reconcile";
import { releaseReservation } from "./release-reservation";
import { type ReserveOptions, type ReserveResult, reserve } from "./reserve";
import { type ReturnResult, returnReservation } from "./return-reservation";
import { type SeedStockItem, seedStock } from "./seed-stock";
import { Sweeper, type SweeperOptions } from "./sweeper";

// Wires the inventory together: its database, its verbs bound to it, and the expiry sweeper.

export interface InventoryOptions extends InventoryContextOptions {
	sweeper?: SweeperOptions;
}

export interface Inventory {
	context: InventoryContext;
	defineSku(sku: string, input: z.input<typeof DefineSkuRequest>): Promise<{ stock: SkuStock; created: boolean }>;
	receiveStock(sku: string, input: z.input<typeof ReceiveStockRequest>, actor: string): Promise<SkuStock>;
	adjustStock(sku: string, input: z.input<typeof AdjustStockRequest>, actor: string): Promise<SkuStock>;
	reserve(input: z.input<typeof ReserveRequest>, options?: ReserveOptions): Promise<ReserveResult>;
	commit(reservationId: string): Promise<Reservation>;
	release(reservationId: string): Promise<Reservation>;
	/**
	 * A released or expired reservation holds its lines again for `ttlMs` if the stock is there
	 * (409 out-of-stock otherwise, nothing changes); active or committed: answered as it stands.
	 */
	reclaim(reservationId: string, options: { ttlMs: number }): Promise<Reservation>;
	/** A committed reservation's sold units back to stock (refund with restock); once, a repeat is a no-op. */
	returnUnits(reservationId: string, by: { actor: string; reason: string }): Promise<ReturnResult>;
	getReservation(reservationId: string): Promise<Reservation>;
	/** A sold booking to another slot of its SKU in one transaction (409 when that slot is full). */
	moveBooking(line: BookedLine, to: string): Promise<RebookResult>;
	/** A sold booking's places back to its slot (a cancelled booking). */
	cancelBooking(line: BookedLine): Promise<RebookResult>;
	/** Reservations per status (operators' metrics). */
	countReservationsByStatus(): Promise<Record<string, number>>;
	/** Expires what is due at `now` (default: the clock); returns how many expired. */
	expireDue(options?: { now?: number; batchSize?: number }): Promise<number>;
	availability(items: z.input<typeof AvailabilityRequest>): Promise<AvailabilityList>;
	getStock(sku: string): Promise<SkuStock>;
	getLedger(sku: string, query?: z.input<typeof LedgerQuery>): Promise<LedgerPage>;
	reconcile(skus?: string[]): Promise<Reconciliation>;
	/** Bulk first stocking in one transaction; SKUs already known are left alone. Returns how many were new. */
	seedStock(items: SeedStockItem[], actor?: string): Promise<number>;
	/** A flash sale's quota out of regular stock in one transaction (idempotent by hold id). */
	armFlashHold(input: ArmFlashHold): Promise<{ created: boolean }>;
	/** A paid flash order's units: hold → sold, once per flash reservation id. */
	commitFlashUnits(unit: FlashUnitCommit): Promise<{ committed: boolean }>;
	/** What a flash hold still holds (0 once released or expired; null if unknown). */
	flashHoldRemaining(holdId: string): Promise<number | null>;
	sweeper: Sweeper;
	/** Starts the expiry sweeper. */
	start(): void;
	/** Stops the sweeper (waiting for a sweep in flight) and closes the database. */
	stop(): Promise<void>;
}

export async function openInventory(options: InventoryOptions): Promise<Inventory> {
	const ctx = await openInventoryContext(options);
	const sweeper = new Sweeper(ctx, options.sweeper);
	return {
		context: ctx,
		defineSku: (sku, input) => defineSku(ctx, sku, input),
		receiveStock: (sku, input, actor) => receiveStock(ctx, sku, input, actor),
		adjustStock: (sku, input, actor) => adjustStock(ctx, sku, input, actor),
		reserve: (input, opts) => reserve(ctx, input, opts),
		commit: (id) => commitReservation(ctx, id),
		release: (id) => releaseReservation(ctx, id),
		reclaim: (id, opts) => reclaimReservation(ctx, id, opts),
		returnUnits: (id, by) => returnReservation(ctx, id, by),
		getReservation: (id) => getReservation(ctx, id),
		moveBooking: (line, to) => moveBooking(ctx, line, to),
		cancelBooking: (line) => cancelBooking(ctx, line),
		countReservationsByStatus: () => countReservationsByStatus(ctx),
		expireDue: (opts) => expireDue(ctx, opts),
		availability: (items) => availability(ctx, items),
		getStock: (sku) => getStock(ctx, sku),
		getLedger: (sku, query) => getLedger(ctx, sku, query),
		reconcile: (skus) => reconcile(ctx, skus),
		seedStock: (items, actor) => seedStock(ctx, items, actor),
		armFlashHold: (input) => armFlashHold(ctx, input),
		commitFlashUnits: (unit) => commitFlashUnits(ctx, unit),
		flashHoldRemaining: (holdId) => flashHoldRemaining(ctx, holdId),
		sweeper,
		start: () => sweeper.start(),
		async stop() {
			await sweeper.stop();
			await ctx.database.close();
		},
	};
}
