import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Catalog } from "../catalog/context";
import { products, variants } from "../catalog/schema";
import type { Inventory } from "../inventory/module";
import type { SeedStockItem } from "../inventory/seed-stock";

// Stock for the catalog's SKUs, so the seeded shop can sell: physical goods are counted
// (5–200 units), digital goods never run out, services booked by appointment hold a few
// customers per time slot (others, e.g. subscriptions, are unlimited). A variant the catalog
// seeded as out of stock is counted with 0 units, so both modules tell the same story.
// Deterministic per SKU; SKUs the inventory already knows are left alone (idempotent).

export function stockPlan(
	rows: { sku: string; kind: string; inStock: boolean; booking: string | null }[],
): SeedStockItem[] {
	return rows.map((r): SeedStockItem => {
		if (!r.inStock) return { sku: r.sku, policy: "tracked", quantity: 0 };
		const n = createHash("sha256").update(r.sku).digest().readUInt32BE(0);
		if (r.kind === "physical") return { sku: r.sku, policy: "tracked", quantity: 5 + (n % 196) };
		if (r.kind === "service" && r.booking === "appointment") {
			return { sku: r.sku, policy: "capacity", slotCapacity: 1 + (n % 8) };
		}
		return { sku: r.sku, policy: "unlimited" };
	});
}

export async function seedInventoryFromCatalog(catalog: Catalog, inventory: Pick<Inventory, "seedStock">) {
	const rows = await catalog.database.db
		.select({ sku: variants.sku, kind: products.kind, inStock: variants.inStock, service: products.service })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId));
	const plan = stockPlan(rows.map((r) => ({ ...r, booking: r.service?.booking ?? null })));
	const created = await inventory.seedStock(plan);
	return { skus: plan.length, created };
}
