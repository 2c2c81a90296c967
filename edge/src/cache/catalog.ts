import {
	CategoryList,
	Product,
	ProductList,
	type ProductQuery,
	productQueryToParams,
	SitemapPage,
} from "@bazaar/contracts";
import { MarketList } from "@bazaar/contracts/market";
import { ReviewPage, type ReviewQuery, reviewQueryToParams } from "@bazaar/contracts/review";
import type { z } from "zod";
import type { AppContext } from "../env";
import { fromCore } from "./core-source";
import { type Failure, isFailure, type Loaded, load } from "./layers";
import { RENDER_VERSION } from "./policy";

// The catalog reads the edge makes, each as (public API path, core path, contract). The API path is
// the cache key, so a page that needs the product list shares the entry `/api/catalog/products`
// already cached, and the other way round.

export interface Target<S extends z.ZodType> {
	api: string;
	core: string;
	schema: S;
}

export const targets = {
	products: (q: ProductQuery): Target<typeof ProductList> => {
		const qs = productQueryToParams(q).toString();
		return { api: `/api/catalog/products?${qs}`, core: `/catalog/products?${qs}`, schema: ProductList };
	},
	search: (q: ProductQuery): Target<typeof ProductList> => {
		const qs = productQueryToParams(q).toString();
		return { api: `/api/catalog/search?${qs}`, core: `/catalog/search?${qs}`, schema: ProductList };
	},
	product: (slug: string): Target<typeof Product> => ({
		api: `/api/catalog/products/${slug}`,
		core: `/catalog/products/${slug}`,
		schema: Product,
	}),
	/**
	 * A product's published reviews. Cached under the catalog version like the product itself:
	 * every change shoppers can see of them moves the product's rating revision in the catalog,
	 * hence the version (helpful counts alone do not, so they may lag until the next change).
	 */
	reviews: (slug: string, productId: string, q: ReviewQuery): Target<typeof ReviewPage> => {
		const qs = reviewQueryToParams(q).toString();
		return {
			api: `/api/catalog/products/${slug}/reviews?${qs}`,
			core: `/reviews/products/${encodeURIComponent(productId)}?${qs}`,
			schema: ReviewPage,
		};
	},
	/** Not a public API route: the path only names the cache entry. */
	sitemap: (page: number, size: number): Target<typeof SitemapPage> => ({
		api: `/api/catalog/sitemap?page=${page}&size=${size}`,
		core: `/catalog/sitemap?page=${page}&size=${size}`,
		schema: SitemapPage,
	}),
	/** The shop's markets (packages/contracts/src/market.ts); public, like the categories. */
	markets: (): Target<typeof MarketList> => ({
		api: "/api/catalog/markets",
		core: "/catalog/markets",
		schema: MarketList,
	}),
	categories: (): Target<typeof CategoryList> => ({
		api: "/api/catalog/categories",
		core: "/catalog/categories",
		schema: CategoryList,
	}),
};

export function loadTarget<S extends z.ZodType>(
	c: AppContext,
	version: number,
	target: Target<S>,
): Promise<Loaded | Failure> {
	return load(c.env, c.executionCtx, `/v${version}.${RENDER_VERSION}${target.api}`, () =>
		fromCore(c.env, target.core, target.schema),
	);
}

export type Read<T> = { found: true; data: T } | { found: false } | Failure;

/** For pages: the decoded data (validated when it came from the core), "not found", or a failure. */
export async function readTarget<S extends z.ZodType>(
	c: AppContext,
	version: number,
	target: Target<S>,
): Promise<Read<z.infer<S>>> {
	const loaded = await loadTarget(c, version, target);
	if (isFailure(loaded)) return loaded;
	if (loaded.entry.status !== 200) return { found: false };
	return { found: true, data: JSON.parse(new TextDecoder().decode(loaded.entry.body)) as z.infer<S> };
}
