import { AdjustStockRequest, type SkuStock } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { changes } from "../lib/db";
import { ConflictError, ValidationError } from "../lib/errors";
import { type InventoryContext, inventoryWrite, iso } from "./context";
import { emitChange } from "./events";
import { readStock } from "./get-stock";
import { slotIn } from "./records";
import { appendLedger, type StockKey } from "./stock-moves";
import { checkTarget, ensureRow, requireSku } from "./stock-target";

/**
 * An admin's correction (shrinkage, damage, a recount, a service slot's capacity), with the
 * reason and who made it on the ledger. Units that are reserved or sold cannot be taken away:
 * removing more than is available is a 409 and changes nothing.
 */
export async function adjustStock(
	ctx: InventoryContext,
	sku: string,
	input: z.input<typeof AdjustStockRequest>,
	actor: string,
): Promise<SkuStock> {
	const request = AdjustStockRequest.parse(input);
	if (!actor.trim()) throw new ValidationError("An adjustment needs the actor who made it.");
	const at = iso(ctx.now());
	return inventoryWrite(ctx, async (tx) => {
		const rec = await requireSku(tx, sku);
		const key: StockKey = { sku: rec.sku, warehouse: request.warehouse, slot: slotIn(request.slot) };
		checkTarget(rec, key);
		const opened = await ensureRow(tx, rec, key, at);
		const delta = request.delta;
		const changed = await tx.run(sql`UPDATE stock SET on_hand = on_hand + ${delta}, updated_at = ${at}
			WHERE sku = ${key.sku} AND warehouse = ${key.warehouse} AND slot = ${key.slot}
				AND on_hand + ${delta} >= reserved + sold`);
		if (changes(changed) === 0) {
			const [row] = await tx.all<{ onHand: number; reserved: number; sold: number }>(sql`SELECT on_hand AS onHand,
					reserved, sold FROM stock WHERE sku = ${key.sku} AND warehouse = ${key.warehouse} AND slot = ${key.slot}`);
			const r = row ?? { onHand: 0, reserved: 0, sold: 0 };
			throw new ConflictError(
				`Only ${r.onHand - r.reserved - r.sold} units of ${rec.sku} can be removed here ` +
					`(on hand ${r.onHand}, reserved ${r.reserved}, sold ${r.sold}); asked to remove ${-delta}.`,
			);
		}
		await appendLedger(tx, at, [
			...opened,
			{ ...key, quantity: delta, kind: "adjusted", reason: request.reason, actor },
		]);
		await emitChange(tx, at, () => [], [{ ...key, quantity: delta }]);
		return readStock(tx, rec.sku);
	});
}
