import { DEFAULT_WAREHOUSE, Policy, Sku } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { appendLedger, type LedgerInput } from "./stock-moves";

// Bulk first stocking (the demo seed, an import): thousands of SKUs in one transaction instead
// of a define + receive transaction each. SKUs the inventory already knows are left exactly as
// they are, so running it again changes nothing. Every unit received is on the ledger.

export const SeedStockItem = z
	.object({
		sku: Sku,
		policy: Policy,
		/** tracked: units received into the default warehouse (0 = known but sold out). */
		quantity: z.number().int().min(0).max(1_000_000).optional(),
		/** capacity: what each time slot holds. */
		slotCapacity: z.number().int().min(0).max(1_000_000).optional(),
	})
	.strict();
export type SeedStockItem = z.input<typeof SeedStockItem>;

const CHUNK = 400;

/** Returns how many SKUs were new (and so stocked now). */
export async function seedStock(ctx: InventoryContext, input: SeedStockItem[], actor = "seed"): Promise<number> {
	const items = z.array(SeedStockItem).parse(input);
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const known = new Set((await tx.all<{ sku: string }>(sql`SELECT sku FROM skus`)).map((r) => r.sku));
		const fresh: typeof items = [];
		for (const item of items) {
			if (known.has(item.sku)) continue;
			known.add(item.sku);
			fresh.push(item);
		}
		for (let i = 0; i < fresh.length; i += CHUNK) {
			const part = fresh.slice(i, i + CHUNK);
			await tx.run(
				sql`INSERT INTO skus (sku, policy, slot_capacity, created_at, updated_at) VALUES ${sql.join(
					part.map(
						(p) =>
							sql`(${p.sku}, ${p.policy}, ${p.policy === "capacity" ? (p.slotCapacity ?? 0) : null}, ${at}, ${at})`,
					),
					sql`, `,
				)}`,
			);
			const rows = part.filter((p) => p.policy !== "capacity");
			if (rows.length > 0) {
				await tx.run(
					sql`INSERT INTO stock (sku, warehouse, slot, bounded, on_hand, reserved, sold, updated_at) VALUES ${sql.join(
						rows.map(
							(p) =>
								sql`(${p.sku}, ${DEFAULT_WAREHOUSE}, '', ${p.policy === "tracked" ? 1 : 0}, ${p.policy === "tracked" ? (p.quantity ?? 0) : 0}, 0, 0, ${at})`,
						),
						sql`, `,
					)}`,
				);
			}
		}
		const received = fresh
			.filter((p) => p.policy === "tracked" && (p.quantity ?? 0) > 0)
			.map(
				(p): LedgerInput => ({
					sku: p.sku,
					warehouse: DEFAULT_WAREHOUSE,
					slot: "",
					kind: "received",
					quantity: p.quantity ?? 0,
					reason: "initial stock",
					actor,
				}),
			);
		if (received.length > 0) await appendLedger(tx, at, received);
		return fresh.length;
	});
}
