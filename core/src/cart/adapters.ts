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
					service: products.service,
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
					booking: r.kind === "service" ? (r.service?.booking ?? "none") : null,
				});
			}
			return out;
		},
	};
}

/**
 * Stock through the inventory's `availability` verb (one query), keyed as asked: a SKU, or
 * `sku@slot` for a booked service's slot (the slot's capacity left). That verb refuses the
 * whole batch when a SKU is unknown (404) or an item breaks its slot rule (422: a slot-sold SKU
 * asked without a slot, or a slot for one that takes none, i.e. the catalog and the inventory
 * disagree about the service); those keys are set aside and the rest asked again, so at worst
 * three calls, never one per line. Keys set aside are left out: the cart reads them as sold
 * out, and the reservation would refuse them too.
 */
export function inventoryPort(inventory: Pick<Inventory, "availability">): InventoryPort {
	return {
		async availability(keys) {
			const out = new Map<string, StockLevel>();
			let ask = [...new Set(keys)].map((key) => {
				const at = key.indexOf("@");
				return at === -1 ? { key, sku: key } : { key, sku: key.slice(0, at), slot: key.slice(at + 1) };
			});
			for (let attempt = 0; attempt < 3 && ask.length > 0; attempt++) {
				try {
					const { items } = await inventory.availability(
						ask.map(({ sku, slot }) => (slot === undefined ? { sku } : { sku, slot })),
					);
					// The verb answers item by item, in the order asked.
					for (const [i, item] of items.entries()) {
						const asked = ask[i];
						if (asked) out.set(asked.key, { available: item.available });
					}
					return out;
				} catch (err) {
					if (!(err instanceof ServiceError) || !err.errors) throw err;
					const setAside = new Set<string>();
					if (err.status === 404) {
						const unknown = new Set(err.errors.map((e) => e.path));
						for (const a of ask) if (unknown.has(a.sku)) setAside.add(a.key);
					} else if (err.status === 422) {
						for (const e of err.errors) {
							const asked = ask[Number(e.path)];
							if (asked) setAside.add(asked.key);
						}
					} else {
						throw err;
					}
					if (setAside.size === 0) throw err;
					ask = ask.filter((a) => !setAside.has(a.key));
				}
			}
			return out;
		},
	};
}
