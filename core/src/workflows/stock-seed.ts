import { createHash } from "node:crypto";
import type { Catalog } from "../catalog/context";
import { listSellableSkus, type SellableSku } from "../catalog/list-sellable-skus";
import type { Inventory } from "../inventory/module";
import type { SeedStockItem } from "../inventory/seed-stock";

// Stock for the catalog's SKUs, so the seeded shop can sell: physical goods are counted
// (5–200 units), downloads never run out, licence keys are counted (none until staff upload a
// pool: each key uploaded is a unit), services booked by appointment hold a few
// customers per time slot (others, e.g. subscriptions, are unlimited). A variant the catalog
// seeded as out of stock is counted with 0 units, so both modules tell the same story.
// Deterministic per SKU; SKUs the inventory already knows are left alone (idempotent).

export function stockPlan(rows: SellableSku[]): SeedStockItem[] {
	return rows.map((r): SeedStockItem => {
		if (!r.inStock) return { sku: r.sku, policy: "tracked", quantity: 0 };
		const n = createHash("sha256").update(r.sku).digest().readUInt32BE(0);
		if (r.delivery === "license_key") return { sku: r.sku, policy: "tracked", quantity: 0 };
		if (r.kind === "physical") return { sku: r.sku, policy: "tracked", quantity: 5 + (n % 196) };
		if (r.kind === "service" && r.booking === "appointment") {
			return { sku: r.sku, policy: "capacity", slotCapacity: 1 + (n % 8) };
		}
		return { sku: r.sku, policy: "unlimited" };
	});
}

export async function seedInventoryFromCatalog(catalog: Catalog, inventory: Pick<Inventory, "seedStock">) {
	const plan = stockPlan(await listSellableSkus(catalog));
	const created = await inventory.seedStock(plan);
	return { skus: plan.length, created };
}
