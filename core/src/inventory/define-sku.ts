import { DEFAULT_WAREHOUSE, DefineSkuRequest, Sku, type SkuStock } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { ConflictError } from "../lib/errors";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { readStock } from "./get-stock";
import { loadSku } from "./records";

/**
 * Tells the inventory how a SKU is counted (created or updated; the lead wires the catalog's
 * variant events here). A SKU's policy is fixed once stock has moved: its ledger would no longer
 * add up under another rule. A service's slotCapacity may change at any time and applies to
 * slots booked from then on; a slot already open is changed with adjustStock.
 */
export async function defineSku(
	ctx: InventoryContext,
	skuInput: string,
	input: z.input<typeof DefineSkuRequest>,
): Promise<{ stock: SkuStock; created: boolean }> {
	const sku = Sku.parse(skuInput);
	const request = DefineSkuRequest.parse(input);
	const slotCapacity = request.slotCapacity ?? null;
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const existing = await loadSku(tx, sku);
		if (existing && existing.policy !== request.policy) {
			const [moved] = await tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM ledger WHERE sku = ${sku}`);
			if ((moved?.n ?? 0) > 0) {
				throw new ConflictError(
					`SKU ${sku} has stock movements; its policy (${existing.policy}) can no longer change.`,
				);
			}
			await tx.run(sql`DELETE FROM stock WHERE sku = ${sku}`);
		}
		await tx.run(sql`INSERT INTO skus (sku, policy, slot_capacity, created_at, updated_at)
			VALUES (${sku}, ${request.policy}, ${slotCapacity}, ${at}, ${at})
			ON CONFLICT (sku) DO UPDATE SET policy = excluded.policy, slot_capacity = excluded.slot_capacity,
				updated_at = excluded.updated_at`);
		if (request.policy !== "capacity") {
			// Goods start with an empty row in the default warehouse, so availability reads 0
			// (not unknown) before the first delivery.
			await tx.run(sql`INSERT INTO stock (sku, warehouse, slot, bounded, on_hand, reserved, sold, updated_at)
				VALUES (${sku}, ${DEFAULT_WAREHOUSE}, '', ${request.policy === "tracked" ? 1 : 0}, 0, 0, 0, ${at})
				ON CONFLICT DO NOTHING`);
		}
		return { stock: await readStock(tx, sku), created: !existing };
	});
}
