import type { SkuStock, StockRow } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { InventoryContext } from "./context";
import { type Reader, slotOut } from "./records";
import { requireSku } from "./stock-target";

/** A SKU's policy and every stock row it has (per warehouse, per slot). */
export async function getStock(ctx: InventoryContext, sku: string): Promise<SkuStock> {
	return readStock(ctx.database.db, sku);
}

export async function readStock(db: Reader, sku: string): Promise<SkuStock> {
	const rec = await requireSku(db, sku);
	const rows = await db.all<{
		warehouse: string;
		slot: string;
		bounded: number;
		onHand: number;
		reserved: number;
		sold: number;
	}>(sql`SELECT warehouse, slot, bounded, on_hand AS onHand, reserved, sold FROM stock
		WHERE sku = ${rec.sku} ORDER BY slot, warehouse`);
	return {
		sku: rec.sku,
		policy: rec.policy,
		slotCapacity: rec.slotCapacity,
		rows: rows.map(
			(r): StockRow => ({
				warehouse: r.warehouse,
				slot: slotOut(r.slot),
				onHand: r.onHand,
				reserved: r.reserved,
				sold: r.sold,
				available: r.bounded ? r.onHand - r.reserved - r.sold : null,
			}),
		),
	};
}
