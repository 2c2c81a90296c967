import {
	type Category,
	type Problem,
	type ProductQuery,
	type ProductSummary,
	parseProductQuery,
	problem,
	productQueryToParams,
	Slug,
	zodProblem,
} from "@bazaar/contracts";
import { MARKET_PARAM } from "@bazaar/contracts/market";
import { ReviewQuery, reviewQueryToParams } from "@bazaar/contracts/review";
import { Hono } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { readTarget, targets } from "../cache/catalog";
import type { Entry } from "../cache/entry";
import { type Failure, isFailure } from "../cache/layers";
import { respondCached } from "../cache/respond";
import type { AppContext, AppEnv } from "../env";
import { htmlResponse, pageEntry } from "../lib/html";
import { reviewQuery } from "../lib/reviews";
import { SiteOrigin, siteOrigin } from "../lib/site";
import { inMarket } from "../markets/context";
import { marketOf } from "../markets/state";
import type { SnapshotActivity } from "../promotions/display";
import { CategoryPage } from "../views/category-page";
import { ErrorPage } from "../views/error-page";
import { HomePage } from "../views/home-page";
import { ProductPage } from "../views/product-page";
import { ProductReviewsPage } from "../views/product-reviews-page";
import { PromoContext } from "../views/promo";
import { SalePage } from "../views/sale-page";
import { SearchPage } from "../views/search-page";

// Storefront pages. Each is rendered once per catalog version and canonical URL from cached
// catalog JSON, then served as bytes like any other cached read; no page needs client script.

const HOME_QUERY = parseProductQuery(new URLSearchParams("sort=newest&limit=12"));
/** The reviews a product page shows: the newest few. */
const PRODUCT_PAGE_REVIEWS = ReviewQuery.parse({ sort: "newest", limit: "5" });

const renderFailure = (p: Problem) => htmlResponse(p.status, <ErrorPage problem={p} />);
const notFound = async (c: AppContext, detail: string, categories?: Category[]) =>
	pageEntry(404, inMarket(await marketOf(c), <ErrorPage problem={problem(404, detail)} categories={categories} />));

/**
 * A page entry whose canonical and share links carry the shop's public origin, rendered for the
 * request's market (respondCached keys it on the market: `perMarket`).
 */
const sitePage = async (c: AppContext, status: number, node: JSX.Element) =>
	pageEntry(
		status,
		inMarket(await marketOf(c), <SiteOrigin.Provider value={siteOrigin(c)}>{node}</SiteOrigin.Provider>),
	);

/**
 * The listing's query. A page lists and filters in its market's currency whatever the address
 * says: a product without a price in it is not in that market's listings (never converted).
 */
function pageQuery(c: AppContext, currency: string): ProductQuery | Promise<Response> {
	const params = new URL(c.req.url).searchParams;
	params.delete(MARKET_PARAM);
	const parsed = parseProductQuery(params);
	if (parsed.success) return { ...parsed.data, currency };
	return renderFailure(zodProblem(parsed.error, "Some filters in the address are not valid."));
}

async function categoriesOr(c: AppContext, version: number): Promise<Category[] | Failure> {
	const read = await readTarget(c, version, targets.categories());
	if (isFailure(read)) return read;
	return read.found ? read.data.items : [];
}

const SALE_PAGE_PRODUCTS = 48;

/**
 * The products a sale covers, from cached catalog reads: the ones it names (one read by ids),
 * then its categories' and, for a shop-wide sale, the newest — up to SALE_PAGE_PRODUCTS.
 */
async function saleProducts(
	c: AppContext,
	version: number,
	activity: SnapshotActivity,
	categories: Category[],
): Promise<ProductSummary[] | Failure> {
	const ids = [
		...new Set([...activity.productIds, ...activity.salePrices.flatMap((p) => (p.productId ? [p.productId] : []))]),
	];
	const queries: ProductQuery[] = [];
	const base = parseProductQuery(new URLSearchParams(`limit=${SALE_PAGE_PRODUCTS}`));
	if (!base.success) throw base.error;
	base.data.currency = c.get("market").market.currency;
	if (ids.length > 0) queries.push({ ...base.data, ids: ids.slice(0, 100).sort() });
	for (const id of activity.categoryIds) {
		const slug = categories.find((x) => x.id === id)?.slug;
		if (slug) queries.push({ ...base.data, category: slug });
	}
	if (activity.wholeShop) queries.push({ ...base.data, sort: "newest" });
	const lists = await Promise.all(queries.map((q) => readTarget(c, version, targets.products(q))));
	const seen = new Set<string>();
	const out: ProductSummary[] = [];
	for (const list of lists) {
		if (isFailure(list)) return list;
		if (!list.found) continue;
		for (const p of list.data.items) {
			if (seen.has(p.id) || out.length >= SALE_PAGE_PRODUCTS) continue;
			seen.add(p.id);
			out.push(p);
		}
	}
	return out;
}

export const pages = new Hono<AppEnv>()
	.get("/", (c) =>
		respondCached(
			c,
			() => ({
				path: "/",
				perMarket: true,
				promotional: true,
				produce: async (v, promo): Promise<Entry | Failure> => {
					if (!HOME_QUERY.success) throw HOME_QUERY.error;
					const home = { ...HOME_QUERY.data, currency: c.get("market").market.currency };
					const [categories, newest] = await Promise.all([
						categoriesOr(c, v),
						readTarget(c, v, targets.products(home)),
					]);
					if (isFailure(categories)) return categories;
					if (isFailure(newest)) return newest;
					return sitePage(
						c,
						200,
						<PromoContext.Provider value={{ snapshot: promo, now: Date.now() }}>
							<HomePage categories={categories} newest={newest.found ? newest.data.items : []} />
						</PromoContext.Provider>,
					);
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
				const parsed = pageQuery(c, c.get("market").market.currency);
				if (parsed instanceof Promise) return parsed;
				// The path names the category; a `category` parameter cannot point elsewhere.
				const query: ProductQuery = { ...parsed, category: slug };
				const canonical = productQueryToParams(query);
				canonical.delete("category");
				return {
					path: `/categories/${slug}?${canonical}`,
					perMarket: true,
					promotional: true,
					produce: async (v, promo) => {
						const categories = await categoriesOr(c, v);
						if (isFailure(categories)) return categories;
						const category = categories.find((x) => x.slug === slug);
						if (!category) return notFound(c, "There is no such category.", categories);
						const list = await readTarget(c, v, targets.products(query));
						if (isFailure(list)) return list;
						if (!list.found) return notFound(c, "There is no such category.", categories);
						return sitePage(
							c,
							200,
							<PromoContext.Provider value={{ snapshot: promo, now: Date.now() }}>
								<CategoryPage category={category} categories={categories} query={query} list={list.data} />
							</PromoContext.Provider>,
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
					perMarket: true,
					promotional: true,
					produce: async (v, promo) => {
						const [categories, product] = await Promise.all([
							categoriesOr(c, v),
							readTarget(c, v, targets.product(slug)),
						]);
						if (isFailure(categories)) return categories;
						if (isFailure(product)) return product;
						if (!product.found) return notFound(c, "We have no product at this address.", categories);
						const reviews = await readTarget(c, v, targets.reviews(slug, product.data.id, PRODUCT_PAGE_REVIEWS));
						// The product is worth showing even when its reviews cannot be had this moment.
						const shown = !isFailure(reviews) && reviews.found ? reviews.data : null;
						return sitePage(
							c,
							200,
							<PromoContext.Provider value={{ snapshot: promo, now: Date.now() }}>
								<ProductPage product={product.data} categories={categories} reviews={shown} />
							</PromoContext.Provider>,
						);
					},
				};
			},
			renderFailure,
		),
	)
	.get("/sales/:slug", (c) =>
		respondCached(
			c,
			() => {
				const slug = c.req.param("slug");
				if (!Slug.safeParse(slug).success) return renderFailure(problem(404, "There is no such sale."));
				return {
					path: `/sales/${slug}`,
					perMarket: true,
					promotional: true,
					produce: async (v, promo) => {
						const now = Date.now();
						const categories = await categoriesOr(c, v);
						if (isFailure(categories)) return categories;
						const activity = promo.activities.find((a) => a.slug === slug && Date.parse(a.endsAt) > now);
						if (!activity) return notFound(c, "There is no such sale (or it has ended).", categories);
						const products = await saleProducts(c, v, activity, categories);
						if (isFailure(products)) return products;
						return sitePage(
							c,
							200,
							<PromoContext.Provider value={{ snapshot: promo, now }}>
								<SalePage activity={activity} products={products} categories={categories} now={now} />
							</PromoContext.Provider>,
						);
					},
				};
			},
			renderFailure,
		),
	)
	.get("/products/:slug/reviews", (c) =>
		respondCached(
			c,
			() => {
				const slug = c.req.param("slug");
				if (!Slug.safeParse(slug).success) return renderFailure(problem(404, "There is no such product."));
				const parsed = reviewQuery(c.req.url);
				if (!parsed.success)
					return renderFailure(zodProblem(parsed.error, "Some choices in the address are not valid."));
				const query = parsed.data;
				const t = new URLSearchParams(reviewQueryToParams(query));
				return {
					path: `/products/${slug}/reviews?${t}`,
					perMarket: true,
					produce: async (v) => {
						const [categories, product] = await Promise.all([
							categoriesOr(c, v),
							readTarget(c, v, targets.product(slug)),
						]);
						if (isFailure(categories)) return categories;
						if (isFailure(product)) return product;
						if (!product.found) return notFound(c, "We have no product at this address.", categories);
						const reviews = await readTarget(c, v, targets.reviews(slug, product.data.id, query));
						if (isFailure(reviews)) return reviews;
						if (!reviews.found) return notFound(c, "That page of reviews does not exist.", categories);
						return sitePage(
							c,
							200,
							<ProductReviewsPage product={product.data} categories={categories} query={query} page={reviews.data} />,
						);
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
				const parsed = pageQuery(c, c.get("market").market.currency);
				if (parsed instanceof Promise) return parsed;
				const query = parsed.q ? parsed : null;
				return {
					path: query ? `/search?${productQueryToParams(query)}` : "/search",
					perMarket: true,
					promotional: true,
					produce: async (v, promo) => {
						const [categories, list] = await Promise.all([
							categoriesOr(c, v),
							query ? readTarget(c, v, targets.search(query)) : Promise.resolve(null),
						]);
						if (isFailure(categories)) return categories;
						if (list && isFailure(list)) return list;
						const data = list?.found ? list.data : null;
						return sitePage(
							c,
							200,
							<PromoContext.Provider value={{ snapshot: promo, now: Date.now() }}>
								<SearchPage categories={categories} query={query} list={data} />
							</PromoContext.Provider>,
						);
					},
				};
			},
			renderFailure,
		),
	);
