import { parseProductQuery, problem, problemResponse, Slug, zodProblem } from "@bazaar/contracts";
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

// Public catalog JSON. Bad input is refused here, before any cache or core work; everything
// else is the core's pre-serialised answer, served from the nearest cache layer.

const failure = problemResponse;

function listQuery(c: AppContext, requireQ: boolean) {
	const parsed = parseProductQuery(new URL(c.req.url).searchParams);
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
	.get("/products", (c) =>
		respondCached(
			c,
			() => {
				const q = listQuery(c, false);
				if (q instanceof Response) return q;
				const t = targets.products(q);
				return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
			},
			failure,
		),
	)
	.get("/search", (c) =>
		respondCached(
			c,
			() => {
				const q = listQuery(c, true);
				if (q instanceof Response) return q;
				const t = targets.search(q);
				return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
			},
			failure,
		),
	)
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
