import { and, eq, inArray } from "drizzle-orm";
import type { Catalog } from "../catalog/context";
import { loadImages } from "../catalog/read-model";
import { products, variantPrices, variants } from "../catalog/schema";
import type { Inventory } from "../inventory/module";
import { ServiceError } from "../lib/errors";
import type { CatalogPort, CatalogVariant, InventoryPort, StockLevel } from "./contracts";

// What the lead wires in production: the real catalog and inventory modules behind the cart's
// ports. Each port call is a fixed number of statements whatever the number of ids.

/**
 * Variants by id with their product's status and a price in one currency. The catalog has no
 * "variants by ids" verb yet, so this is that verb's body: one read-only join over the
 * catalog's own schema, then the catalog's read-model `loadImages` for thumbnails (2 statements
 * per call). It belongs in core/src/catalog (e.g. `getVariantsByIds`) once the lead moves it.
 */
export function catalogPort(catalog: Catalog, options: { thumbnails?: boolean } = {}): CatalogPort {
	const withThumbnails = options.thumbnails !== false;
	return {
		async variants(ids, currency) {
			const out = new Map<string, CatalogVariant>();
			const unique = [...new Set(ids)];
			if (unique.length === 0) return out;
			const db = catalog.database.db;
			const rows = await db
				.select({
					variantId: variants.id,
					sku: variants.sku,
					variantTitle: variants.title,
					weightGrams: variants.weightGrams,
					productId: products.id,
					productSlug: products.slug,
					productTitle: products.title,
					kind: products.kind,
					status: products.status,
					amount: variantPrices.amount,
				})
				.from(variants)
				.innerJoin(products, eq(products.id, variants.productId))
				.leftJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, currency)))
				.where(inArray(variants.id, unique));
			// Checkout prices lines without pictures: one statement fewer.
			const thumbs = withThumbnails
				? await loadImages(db, [...new Set(rows.map((r) => r.productId))], ["thumb"])
				: new Map<string, never[]>();
			for (const r of rows) {
				const thumb = thumbs.get(r.productId)?.[0]?.sources[0]?.hash;
				out.set(r.variantId, {
					variantId: r.variantId,
					sku: r.sku,
					productId: r.productId,
					productSlug: r.productSlug,
					productTitle: r.productTitle,
					variantTitle: r.variantTitle,
					kind: r.kind,
					status: r.status,
					price: r.amount === null ? null : { amount: r.amount, currency },
					...(thumb ? { thumbnailHash: thumb } : {}),
					weightGrams: r.weightGrams,
				});
			}
			return out;
		},
	};
}

/**
 * Stock through the inventory's `availability` verb (one query). That verb refuses the whole
 * batch when a SKU is unknown (404) or sells time slots (422: a slot is chosen at checkout);
 * those SKUs are set aside and the rest asked again, so at worst three calls, never one per
 * line. Unknown SKUs are left out (the cart reads them as sold out); slot-sold services count
 * as unlimited here, their capacity being checked when a slot is booked.
 */
export function inventoryPort(inventory: Pick<Inventory, "availability">): InventoryPort {
	return {
		async availability(skus) {
			const out = new Map<string, StockLevel>();
			let ask = [...new Set(skus)];
			for (let attempt = 0; attempt < 3 && ask.length > 0; attempt++) {
				try {
					const { items } = await inventory.availability(ask.map((sku) => ({ sku })));
					for (const item of items) out.set(item.sku, { available: item.available });
					return out;
				} catch (err) {
					if (!(err instanceof ServiceError) || !err.errors) throw err;
					const setAside = new Set<string>();
					if (err.status === 404) {
						for (const e of err.errors) setAside.add(e.path);
					} else if (err.status === 422) {
						for (const e of err.errors) {
							const sku = ask[Number(e.path)];
							if (sku !== undefined) {
								setAside.add(sku);
								out.set(sku, { available: null });
							}
						}
					} else {
						throw err;
					}
					if (setAside.size === 0) throw err;
					ask = ask.filter((s) => !setAside.has(s));
				}
			}
			return out;
		},
	};
}
