import { inArray } from "drizzle-orm";
import type { Catalog } from "./context";
import { variants } from "./schema";
import { updateVariant } from "./update-variant";

/**
 * Sets the in-stock flag of the variants with these SKUs (the inventory said a SKU ran out or
 * came back). Only a flag that actually flips is written: each write bumps the catalog version,
 * and so every cached page. Setting, never toggling: a repeat changes nothing. Returns how many
 * variants changed.
 */
export async function setStockFlags(catalog: Catalog, inStockBySku: Map<string, boolean>): Promise<number> {
	if (inStockBySku.size === 0) return 0;
	const rows = await catalog.database.db
		.select({ id: variants.id, sku: variants.sku, inStock: variants.inStock })
		.from(variants)
		.where(inArray(variants.sku, [...inStockBySku.keys()]));
	let changed = 0;
	for (const row of rows) {
		const inStock = inStockBySku.get(row.sku);
		if (inStock === undefined || row.inStock === inStock) continue;
		await updateVariant(catalog, row.id, { inStock });
		changed++;
	}
	return changed;
}
