import { parseProductQuery, problem, problemResponse, Slug, zodProblem } from "@bazaar/contracts";
import { MARKET_PARAM, marketByCode } from "@bazaar/contracts/market";
import { reviewQueryToParams } from "@bazaar/contracts/review";
import { Hono } from "hono";
import type { z } from "zod";
import { readTarget, type Target, targets } from "../cache/catalog";
import { fromCore } from "../cache/core-source";
import { isFailure } from "../cache/layers";
import { respondCached } from "../cache/respond";
import type { AppContext, AppEnv } from "../env";
import { apiProblem } from "../lib/problems";
import { reviewQuery } from "../lib/reviews";
import { marketOf } from "../markets/state";

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

export const apiCatalog = new Hono<AppEnv>()
	.get("/products", async (c) => {
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
	.get("/search", async (c) => {
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
	.get("/products/:slug", (c) =>
		respondCached(
			c,
			() => {
				const slug = c.req.param("slug");
				if (!Slug.safeParse(slug).success) return apiProblem(404, "No product has that slug.");
				const t = targets.product(slug);
				return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
			},
			failure,
		),
	)
	.get("/products/:slug/reviews", (c) =>
		respondCached(
			c,
			() => {
				const slug = c.req.param("slug");
				if (!Slug.safeParse(slug).success) return apiProblem(404, "No product has that slug.");
				const parsed = reviewQuery(c.req.url);
				if (!parsed.success) return problemResponse(zodProblem(parsed.error, "The review query is not valid."));
				const q = parsed.data;
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
	.get("/markets", (c) => wholeList(c, targets.markets()))
	.get("/categories", (c) => wholeList(c, targets.categories()));
