import { ReceiveStockRequest, type SkuStock } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { emitChange } from "./events";
import { readStock } from "./get-stock";
import { slotIn } from "./records";
import { appendLedger, type StockKey } from "./stock-moves";
import { checkTarget, ensureRow, requireSku } from "./stock-target";

/** Goods arrive in a warehouse (or a service slot gains capacity): on hand grows, on the ledger. */
export async function receiveStock(
	ctx: InventoryContext,
	sku: string,
	input: z.input<typeof ReceiveStockRequest>,
	actor: string,
): Promise<SkuStock> {
	const request = ReceiveStockRequest.parse(input);
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const rec = await requireSku(tx, sku);
		const key: StockKey = { sku: rec.sku, warehouse: request.warehouse, slot: slotIn(request.slot) };
		checkTarget(rec, key);
		const opened = await ensureRow(tx, rec, key, at);
		await tx.run(sql`UPDATE stock SET on_hand = on_hand + ${request.quantity}, updated_at = ${at}
			WHERE sku = ${key.sku} AND warehouse = ${key.warehouse} AND slot = ${key.slot}`);
		await appendLedger(tx, at, [
			...opened,
			{ ...key, quantity: request.quantity, kind: "received", reason: request.reason ?? null, actor },
		]);
		await emitChange(tx, at, () => [], [{ ...key, quantity: request.quantity }]);
		return readStock(tx, rec.sku);
	});
}
