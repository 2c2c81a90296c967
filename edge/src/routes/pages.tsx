import {
	type Category,
	type Problem,
	type ProductQuery,
	parseProductQuery,
	problem,
	productQueryToParams,
	Slug,
	zodProblem,
} from "@bazaar/contracts";
import { Hono } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { readTarget, targets } from "../cache/catalog";
import type { Entry } from "../cache/entry";
import { type Failure, isFailure } from "../cache/layers";
import { respondCached } from "../cache/respond";
import type { AppContext, AppEnv } from "../env";
import { htmlResponse, pageEntry } from "../lib/html";
import { SiteOrigin, siteOrigin } from "../lib/site";
import { CategoryPage } from "../views/category-page";
import { ErrorPage } from "../views/error-page";
import { HomePage } from "../views/home-page";
import { ProductPage } from "../views/product-page";
import { SearchPage } from "../views/search-page";

// Storefront pages. Each is rendered once per catalog version and canonical URL from cached
// catalog JSON, then served as bytes like any other cached read; no page needs client script.

const HOME_QUERY = parseProductQuery(new URLSearchParams("sort=newest&limit=12"));

const renderFailure = (p: Problem) => htmlResponse(p.status, <ErrorPage problem={p} />);
const notFound = (detail: string, categories?: Category[]) =>
	pageEntry(404, <ErrorPage problem={problem(404, detail)} categories={categories} />);

/** A page entry whose canonical and share links carry the shop's public origin. */
const sitePage = (c: AppContext, status: number, node: JSX.Element) =>
	pageEntry(status, <SiteOrigin.Provider value={siteOrigin(c)}>{node}</SiteOrigin.Provider>);

function pageQuery(c: AppContext): ProductQuery | Promise<Response> {
	const parsed = parseProductQuery(new URL(c.req.url).searchParams);
	if (parsed.success) return parsed.data;
	return renderFailure(zodProblem(parsed.error, "Some filters in the address are not valid."));
}

async function categoriesOr(c: AppContext, version: number): Promise<Category[] | Failure> {
	const read = await readTarget(c, version, targets.categories());
	if (isFailure(read)) return read;
	return read.found ? read.data.items : [];
}

export const pages = new Hono<AppEnv>()
	.get("/", (c) =>
		respondCached(
			c,
			() => ({
				path: "/",
				produce: async (v): Promise<Entry | Failure> => {
					if (!HOME_QUERY.success) throw HOME_QUERY.error;
					const [categories, newest] = await Promise.all([
						categoriesOr(c, v),
						readTarget(c, v, targets.products(HOME_QUERY.data)),
					]);
					if (isFailure(categories)) return categories;
					if (isFailure(newest)) return newest;
					return sitePage(c, 200, <HomePage categories={categories} newest={newest.found ? newest.data.items : []} />);
				},
			}),
			renderFailure,
		),
	)
	.get("/categories/:slug", (c) =>
		respondCached(
			c,
			() => {
				const slug = c.req.param("slug");
				if (!Slug.safeParse(slug).success) return renderFailure(problem(404, "There is no such category."));
				const parsed = pageQuery(c);
				if (parsed instanceof Promise) return parsed;
				// The path names the category; a `category` parameter cannot point elsewhere.
				const query: ProductQuery = { ...parsed, category: slug };
				const canonical = productQueryToParams(query);
				canonical.delete("category");
				return {
					path: `/categories/${slug}?${canonical}`,
					produce: async (v) => {
						const categories = await categoriesOr(c, v);
						if (isFailure(categories)) return categories;
						const category = categories.find((x) => x.slug === slug);
						if (!category) return notFound("There is no such category.", categories);
						const list = await readTarget(c, v, targets.products(query));
						if (isFailure(list)) return list;
						if (!list.found) return notFound("There is no such category.", categories);
						return sitePage(
							c,
							200,
							<CategoryPage category={category} categories={categories} query={query} list={list.data} />,
						);
					},
				};
			},
			renderFailure,
		),
	)
	.get("/products/:slug", (c) =>
		respondCached(
			c,
			() => {
				const slug = c.req.param("slug");
				if (!Slug.safeParse(slug).success) return renderFailure(problem(404, "There is no such product."));
				return {
					path: `/products/${slug}`,
					produce: async (v) => {
						const [categories, product] = await Promise.all([
							categoriesOr(c, v),
							readTarget(c, v, targets.product(slug)),
						]);
						if (isFailure(categories)) return categories;
						if (isFailure(product)) return product;
						if (!product.found) return notFound("We have no product at this address.", categories);
						return sitePage(c, 200, <ProductPage product={product.data} categories={categories} />);
					},
				};
			},
			renderFailure,
		),
	)
	.get("/search", (c) =>
		respondCached(
			c,
			() => {
				const parsed = pageQuery(c);
				if (parsed instanceof Promise) return parsed;
				const query = parsed.q ? parsed : null;
				return {
					path: query ? `/search?${productQueryToParams(query)}` : "/search",
					produce: async (v) => {
						const [categories, list] = await Promise.all([
							categoriesOr(c, v),
							query ? readTarget(c, v, targets.search(query)) : Promise.resolve(null),
						]);
						if (isFailure(categories)) return categories;
						if (list && isFailure(list)) return list;
						const data = list?.found ? list.data : null;
						return sitePage(c, 200, <SearchPage categories={categories} query={query} list={data} />);
					},
				};
			},
			renderFailure,
		),
	);
