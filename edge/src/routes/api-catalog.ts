import { parseProductQuery, problemResponse, Slug, zodProblem } from "@bazaar/contracts";
import { Hono } from "hono";
import { targets } from "../cache/catalog";
import { fromCore } from "../cache/core-source";
import { respondCached } from "../cache/respond";
import type { AppContext, AppEnv } from "../env";
import { apiProblem } from "../lib/problems";

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
	.get("/categories", (c) =>
		respondCached(
			c,
			() => {
				if (new URL(c.req.url).search !== "") return apiProblem(400, "This list takes no query parameters.");
				const t = targets.categories();
				return { path: t.api, produce: () => fromCore(c.env, t.core, t.schema) };
			},
			failure,
		),
	);
