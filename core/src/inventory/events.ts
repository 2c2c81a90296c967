import { newId } from "@bazaar/ids";
import type { TxDb } from "../lib/db";
import { readAvailability } from "./availability";
import type { InventoryContext } from "./context";
import { AVAILABILITY_KEY, type InventoryEvent } from "./contracts";
import type { StockKey } from "./stock-moves";

// Builds the inventory's events and hands them to the bus seam inside the writing transaction.
// Nothing is computed for events when no one listens (ctx.emit is null), so the write path
// costs no extra statement until the bus is wired.

type Data<T extends InventoryEvent["type"]> = Extract<InventoryEvent, { type: T }>["data"];

export function inventoryEvent<T extends InventoryEvent["type"]>(
	type: T,
	key: string,
	data: Data<T>,
	occurredAt: string,
) {
	return { id: newId("evt"), type, occurredAt, source: "inventory", key, data } as Extract<InventoryEvent, { type: T }>;
}

/** Emits the events, then one availability_changed for the stock rows the change touched. */
export async function emitChange(
	ctx: InventoryContext,
	tx: TxDb,
	at: string,
	build: () => InventoryEvent[],
	touched: StockKey[] = [],
): Promise<void> {
	const emit = ctx.emit;
	if (!emit) return;
	for (const event of build()) await emit(tx, event);
	if (touched.length === 0) return;
	const seen = new Set<string>();
	const items = touched.flatMap((k) => {
		const key = `${k.sku}\u0000${k.slot}`;
		if (seen.has(key)) return [];
		seen.add(key);
		return [k.slot === "" ? { sku: k.sku } : { sku: k.sku, slot: k.slot }];
	});
	const availability = await readAvailability(tx, items);
	await emit(tx, inventoryEvent("inventory.availability_changed", AVAILABILITY_KEY, { items: availability }, at));
}
