import type { VariantSummary } from "@bazaar/contracts";
import { and, eq, inArray } from "drizzle-orm";
import type { Catalog } from "./context";
import { loadImages } from "./read-model";
import { products, variantPrices, variants } from "./schema";

/**
 * Variants by id with their product's kind and status and a price in one currency — what the
 * cart, checkout and fulfillment need of the catalog. An unknown id is absent from the answer.
 * Two statements whatever the number of ids (one without thumbnails).
 */
export async function variantSummaries(
	catalog: Catalog,
	ids: string[],
	currency: string,
	options: { thumbnails?: boolean } = {},
): Promise<Map<string, VariantSummary>> {
	const out = new Map<string, VariantSummary>();
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
			categoryId: products.categoryId,
			kind: products.kind,
			service: products.service,
			digital: products.digital,
			status: products.status,
			amount: variantPrices.amount,
		})
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.leftJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, currency)))
		.where(inArray(variants.id, unique));
	const thumbs =
		options.thumbnails === false
			? new Map<string, never[]>()
			: await loadImages(db, [...new Set(rows.map((r) => r.productId))], ["thumb"]);
	for (const r of rows) {
		const thumb = thumbs.get(r.productId)?.[0]?.sources[0]?.hash;
		out.set(r.variantId, {
			variantId: r.variantId,
			sku: r.sku,
			productId: r.productId,
			productSlug: r.productSlug,
			productTitle: r.productTitle,
			variantTitle: r.variantTitle,
			categoryId: r.categoryId,
			kind: r.kind,
			status: r.status,
			price: r.amount === null ? null : { amount: r.amount, currency },
			...(thumb ? { thumbnailHash: thumb } : {}),
			weightGrams: r.weightGrams,
			booking: r.kind === "service" ? (r.service?.booking ?? "none") : null,
			...(r.service?.cancelCutoffHours !== undefined ? { cancelCutoffHours: r.service.cancelCutoffHours } : {}),
			delivery: r.kind === "digital" ? (r.digital?.delivery ?? null) : null,
		});
	}
	return out;
}
