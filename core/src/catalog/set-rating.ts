import type { RatingSummary } from "@bazaar/contracts/review";
import { and, eq, lt } from "drizzle-orm";
import type { Catalog } from "./context";
import { catalogWrite, nowIso } from "./context";
import { products } from "./schema";

/**
 * Copies the review module's aggregate of a product (review.rating_changed) onto the product, so
 * its pages and lists carry it through every cache. Only a newer revision is written (events may
 * arrive twice or out of order); each write bumps the catalog version like any catalog change,
 * which is what makes the edge drop its cached pages of the product. Returns whether it wrote.
 */
export async function setProductRating(catalog: Catalog, summary: RatingSummary): Promise<boolean> {
	return catalogWrite(catalog, async (tx, emit) => {
		const [row] = await tx
			.update(products)
			.set({
				ratingAvg: summary.average,
				ratingCount: summary.count,
				ratingHistogram: summary.histogram,
				ratingRevision: summary.revision,
				updatedAt: nowIso(),
			})
			.where(and(eq(products.id, summary.productId), lt(products.ratingRevision, summary.revision)))
			.returning({ slug: products.slug, categoryId: products.categoryId });
		if (!row) return false;
		emit("catalog.product.updated", { productId: summary.productId, slug: row.slug, categoryId: row.categoryId });
		return true;
	});
}
