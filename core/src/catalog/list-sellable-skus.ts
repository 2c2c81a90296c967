import { eq } from "drizzle-orm";
import type { Catalog } from "./context";
import { products, variants } from "./schema";

export interface SellableSku {
	sku: string;
	kind: "physical" | "digital" | "service";
	inStock: boolean;
	/** Services: "appointment" (sold per time slot) or "none"; null for goods. */
	booking: "appointment" | "none" | null;
	/** Digital goods: a file to download or a licence key; null otherwise. */
	delivery: "download" | "license_key" | null;
}

/** Every variant's SKU with what it is: how the inventory's stock for a new shop is planned. */
export async function listSellableSkus(catalog: Catalog): Promise<SellableSku[]> {
	const rows = await catalog.database.db
		.select({
			sku: variants.sku,
			kind: products.kind,
			inStock: variants.inStock,
			service: products.service,
			digital: products.digital,
		})
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId));
	return rows.map((r) => ({
		sku: r.sku,
		kind: r.kind,
		inStock: r.inStock,
		booking: r.kind === "service" ? (r.service?.booking ?? "none") : null,
		delivery: r.kind === "digital" ? (r.digital?.delivery ?? null) : null,
	}));
}
