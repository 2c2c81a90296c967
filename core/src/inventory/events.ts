import { AVAILABILITY_KEY, type InventoryEvent } from "@bazaar/contracts/inventory";
import { newId } from "@bazaar/ids";
import { emit } from "../bus/emit";
import type { TxDb } from "../lib/db";
import { readAvailability } from "./availability";
import type { Move } from "./stock-moves";

// Builds the inventory's events and writes them to its outbox inside the writing transaction
// (core/src/bus: they commit with the stock moves, and the relay sends them after the commit).

type Data<T extends InventoryEvent["type"]> = Extract<InventoryEvent, { type: T }>["data"];

export function inventoryEvent<T extends InventoryEvent["type"]>(
	type: T,
	key: string,
	data: Data<T>,
	occurredAt: string,
) {
	return { id: newId("evt"), type, occurredAt, source: "inventory", key, data } as Extract<InventoryEvent, { type: T }>;
}

/**
 * Emits the events, then — when the moves made a SKU run out or come back — one
 * availability_changed naming those SKUs. `moves` are the units that changed, `direction` how
 * they changed what is available (+1: back to stock, -1: taken). Only crossing zero is told:
 * the one listener (the catalog's in-stock flag) cares about nothing else, and a reservation
 * that leaves units on the shelf then costs no event. Slots are left out for the same reason
 * (a slot, not the service, sells out).
 */
export async function emitChange(
	tx: TxDb,
	at: string,
	build: () => InventoryEvent[],
	moves: Move[] = [],
	direction: 1 | -1 = 1,
): Promise<void> {
	for (const event of build()) await emit(tx, event);
	const deltas = new Map<string, number>();
	for (const m of moves) {
		if (m.slot !== "" || m.quantity === 0) continue;
		deltas.set(m.sku, (deltas.get(m.sku) ?? 0) + direction * m.quantity);
	}
	if (deltas.size === 0) return;
	const now = await readAvailability(
		tx,
		[...deltas.keys()].map((sku) => ({ sku })),
	);
	const flipped = now.filter((a) => {
		if (a.available === null) return false; // unlimited: never out
		const before = a.available - (deltas.get(a.sku) ?? 0);
		return before > 0 !== a.available > 0;
	});
	if (flipped.length === 0) return;
	await emit(tx, inventoryEvent("inventory.availability_changed", AVAILABILITY_KEY, { items: flipped }, at));
}
