import {
	CategoryList,
	Product,
	ProductList,
	ProductQuery,
	parseProductQuery,
	problem,
	problemResponse,
	Slug,
	zodProblem,
} from "@bazaar/contracts";
import { MARKET_PARAM, MarketList, marketByCode } from "@bazaar/contracts/market";
import { ReviewPage, ReviewQuery, reviewQueryToParams } from "@bazaar/contracts/review";
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { readTarget, type Target, targets } from "../cache/catalog";
import { fromCore } from "../cache/core-source";
import { isFailure } from "../cache/layers";
import { respondCached } from "../cache/respond";
import type { AppContext } from "../env";
import { apiProblem } from "../lib/problems";
import { marketOf } from "../markets/state";
import { apiRouter, coreTrouble, json, problem as problemAnswer } from "../openapi/route-kit";

// Public catalog JSON. Bad input is refused here, before any cache or core work; everything
// else is the core's pre-serialised answer, served from the nearest cache layer.

const failure = problemResponse;

/**
 * `?market=<code>` asks for that market's currency: the same list (and cache entry) as its
 * `?currency=`. The address alone says which prices a public, cached answer holds, so an API
 * client names its market here rather than relying on a cookie or its country.
 */
async function marketParams(c: AppContext): Promise<URLSearchParams | Response> {
	const params = new URL(c.req.url).searchParams;
	const code = params.get(MARKET_PARAM);
	if (code === null) return params;
	const market = marketByCode((await marketOf(c)).list, code);
	if (!market) return apiProblem(400, "No market has that code.", { errors: [{ path: "market", message: "unknown" }] });
	const currency = params.get("currency");
	if (currency !== null && currency !== market.currency) {
		return apiProblem(400, `The ${market.name} market sells in ${market.currency}, not ${currency}.`, {
			errors: [{ path: "currency", message: `not ${market.currency}` }],
		});
	}
	params.delete(MARKET_PARAM);
	params.set("currency", market.currency);
	return params;
}

function listQuery(params: URLSearchParams, requireQ: boolean) {
	const parsed = parseProductQuery(params);
	if (!parsed.success) return problemResponse(zodProblem(parsed.error, "The product query is not valid."));
	if (requireQ && !parsed.data.q) {
		return apiProblem(400, "Search needs a `q` parameter.", { errors: [{ path: "q", message: "required" }] });
	}
	return parsed.data;
}

/** A list that is read whole (no filters, no pages): a query string is a mistake. */
const wholeList = <S extends z.ZodType>(c: AppContext, t: Target<S>) =>
	respondCached(
		c,
		() => {
			if (new URL(c.req.url).search !== "") return apiProblem(400, "This list takes no query parameters.");
			return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
		},
		failure,
	);

// ---- route definitions ---------------------------------------------------------------------------

const PARAM_DOCS: Record<string, string> = {
	category: "Category slug; includes the category's descendants.",
	kind: "Only products of this kind.",
	q: "Search text (ranked full-text search with prefix matching).",
	minPrice: "Lowest price, in minor units of `currency` (cents for USD).",
	maxPrice: "Highest price, in minor units of `currency`.",
	currency: "ISO 4217 currency of prices and price filters.",
	inStock: "Only products with a variant in stock.",
	minRating: "Only products whose average customer rating is at least this many stars (1–4).",
	sort: "Order of the list; search defaults to relevance, lists to newest.",
	limit: "Page size, 1 to 100.",
	cursor: "Opaque cursor from a previous page's `nextCursor`.",
};

/**
 * The list's query parameters, one per field of `ProductQuery` (the contract `parseProductQuery`
 * checks), plus `market` and the repeatable `attr.<name>`: parsed by the handler, which also
 * refuses repeated and unknown parameters, so they are declared here rather than validated twice.
 */
function queryParameters(search: boolean) {
	const params = Object.entries(ProductQuery.shape)
		.filter(([name]) => name !== "attr" && (search || name !== "q"))
		.map(([name, schema]) => {
			const { $schema: _s, ...rest } = z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" });
			return {
				name,
				in: "query" as const,
				required: search && name === "q",
				description: PARAM_DOCS[name] ?? "",
				// The contract's own JSON Schema (zod renders it); the handler validates.
				schema: rest as never,
				...(search && name === "q" ? { example: "mug" } : {}),
			};
		});
	return [
		...params,
		{
			name: "market",
			in: "query" as const,
			required: false,
			description:
				"A market's code (GET /api/catalog/markets): prices in its currency, the same list as its `currency`. An unknown code, or a `currency` the market does not sell in, is a 400.",
			schema: { type: "string" as const, minLength: 1, maxLength: 40 },
		},
		{
			name: "attr.<name>",
			in: "query" as const,
			required: false,
			description:
				"Attribute filter, repeatable: `attr.colour=red&attr.colour=blue` matches either colour; different attributes must all match. Names are a-z, 0-9 and _.",
			schema: { type: "string" as const, minLength: 1, maxLength: 80 },
		},
	];
}

const cached = (schema: z.ZodType, description: string) => ({
	...json(schema, description),
	headers: {
		ETag: { description: "Strong validator; send it back in If-None-Match.", schema: { type: "string" as const } },
		"Cache-Control": {
			description: "Short public freshness with stale-while-revalidate.",
			schema: { type: "string" as const },
		},
	},
});
const notModified = { 304: { description: "Not modified (If-None-Match matched the ETag)." } };
const slugParams = z.object({
	slug: Slug.meta({ param: { description: "Product slug." }, example: "no-such-product" }),
});

const listProducts = createRoute({
	method: "get",
	path: "/products",
	tags: ["catalog"],
	operationId: "listProducts",
	summary: "List products",
	description: "Filter by category, kind, price, stock and attributes; cursor pagination.",
	parameters: queryParameters(false),
	responses: {
		200: cached(ProductList, "A page of products."),
		...notModified,
		400: problemAnswer("The query is not valid (unknown or repeated parameter, bad value, unknown market)."),
		...coreTrouble,
	},
});

const searchProducts = createRoute({
	method: "get",
	path: "/search",
	tags: ["catalog"],
	operationId: "searchProducts",
	summary: "Search products",
	description: "Full-text search over titles, brands and descriptions; takes the same filters as the list.",
	parameters: queryParameters(true),
	responses: {
		200: cached(ProductList, "Ranked results."),
		...notModified,
		400: problemAnswer("`q` is missing or the query is not valid."),
		...coreTrouble,
	},
});

const getProduct = createRoute({
	method: "get",
	path: "/products/{slug}",
	tags: ["catalog"],
	operationId: "getProduct",
	summary: "Get a product",
	request: { params: slugParams },
	responses: {
		200: cached(Product, "The product with variants, images and details."),
		...notModified,
		404: problemAnswer("No active product has this slug."),
		...coreTrouble,
	},
});

const listProductReviews = createRoute({
	method: "get",
	path: "/products/{slug}/reviews",
	tags: ["catalog"],
	operationId: "listProductReviews",
	summary: "A product's published reviews",
	description:
		"Its exact aggregate (`summary`: count, average, per-star histogram) and a page of reviews. Cached with the product under the catalog version: a review published, hidden or edited is a new version. Helpful counts alone do not move the version, so they may lag until the next change.",
	request: { params: slugParams, query: ReviewQuery },
	responses: {
		200: cached(ReviewPage, "The summary and a page of reviews."),
		...notModified,
		400: problemAnswer("An unknown parameter, a bad sort, star count, limit or cursor."),
		404: problemAnswer("No product has that slug."),
		...coreTrouble,
	},
});

const wholeListRoute = (path: string, operationId: string, summary: string, description: string, schema: z.ZodType) =>
	createRoute({
		method: "get",
		path,
		tags: ["catalog"],
		operationId,
		summary,
		description,
		responses: {
			200: cached(schema, description),
			...notModified,
			400: problemAnswer("This list takes no query parameters."),
			...coreTrouble,
		},
	});

const listMarkets = wholeListRoute(
	"/markets",
	"listMarkets",
	"List markets",
	"The markets the shop sells in: each a currency, a locale, an hreflang and the countries whose shoppers land in it. Pages pick one per shopper (`?market=`, the market cookie, else the country); a product without a price in a market's currency is not sold there.",
	MarketList,
);
const listCategories = wholeListRoute(
	"/categories",
	"listCategories",
	"List categories",
	"The whole category tree as a flat list (`parentId` links).",
	CategoryList,
);

// ---- handlers ----------------------------------------------------------------------------------

export const apiCatalog = apiRouter()
	.openapi(listProducts, async (c) => {
		const params = await marketParams(c);
		if (params instanceof Response) return params;
		return respondCached(
			c,
			() => {
				const q = listQuery(params, false);
				if (q instanceof Response) return q;
				const t = targets.products(q);
				return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
			},
			failure,
		);
	})
	.openapi(searchProducts, async (c) => {
		const params = await marketParams(c);
		if (params instanceof Response) return params;
		return respondCached(
			c,
			() => {
				const q = listQuery(params, true);
				if (q instanceof Response) return q;
				const t = targets.search(q);
				return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
			},
			failure,
		);
	})
	.openapi(getProduct, (c) =>
		respondCached(
			c,
			() => {
				const { slug } = c.req.valid("param");
				const t = targets.product(slug);
				return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
			},
			failure,
		),
	)
	.openapi(listProductReviews, (c) =>
		respondCached(
			c,
			() => {
				const { slug } = c.req.valid("param");
				const q = c.req.valid("query");
				return {
					path: `/api/catalog/products/${slug}/reviews?${reviewQueryToParams(q)}`,
					// The product (cached) names its id; its reviews are keyed by the same version.
					produce: async (v) => {
						const product = await readTarget(c, v, targets.product(slug));
						if (isFailure(product)) return product;
						if (!product.found) return { problem: problem(404, "No product has that slug.") };
						const t = targets.reviews(slug, product.data.id, q);
						return fromCore(c.env, t.core, t.schema);
					},
				};
			},
			failure,
		),
	)
	.openapi(listMarkets, (c) => wholeList(c, targets.markets()))
	.openapi(listCategories, (c) => wholeList(c, targets.categories()));
