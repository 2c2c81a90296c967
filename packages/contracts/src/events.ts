import { z } from "zod";

export const CatalogEventType = z.enum([
	"catalog.product.created",
	"catalog.product.updated",
	"catalog.product.archived",
	"catalog.variant.created",
	"catalog.variant.updated",
	"catalog.category.created",
	"catalog.category.updated",
	"catalog.image.added",
	/** Staff changed the markets (packages/contracts/src/market.ts); every page's prices follow. */
	"catalog.markets.updated",
]);
export type CatalogEventType = z.infer<typeof CatalogEventType>;

export const CatalogEvent = z.object({
	id: z.string(),
	type: CatalogEventType,
	occurredAt: z.string(),
	/** The catalog version after this change; caches key on it. */
	version: z.number().int(),
	data: z.object({
		productId: z.string().optional(),
		slug: z.string().optional(),
		previousSlug: z.string().optional(),
		categoryId: z.string().optional(),
	}),
});
export type CatalogEvent = z.infer<typeof CatalogEvent>;

/** What the core pushes to the edge's /internal/catalog-events (signed like every call). */
export const CatalogEventBatch = z.object({ events: z.array(CatalogEvent).min(1).max(500) });
export type CatalogEventBatch = z.infer<typeof CatalogEventBatch>;
