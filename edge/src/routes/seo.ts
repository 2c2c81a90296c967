import {
	type Category,
	type Problem,
	problem,
	problemResponse,
	SITEMAP_MAX_URLS,
	type SitemapPage,
} from "@bazaar/contracts";
import { Hono } from "hono";
import { readTarget, targets } from "../cache/catalog";
import { type Entry, makeEntry } from "../cache/entry";
import { type Failure, isFailure } from "../cache/layers";
import { respondCached } from "../cache/respond";
import type { AppContext, AppEnv } from "../env";
import { etagOf, utf8 } from "../lib/bytes";
import { siteOrigin } from "../lib/site";
import { type SitemapUrl, sitemapIndexXml, sitemapPlan, urlsetXml } from "../lib/sitemap-xml";

// For search engines: robots.txt, and sitemap.xml built from the catalog. Sitemaps are cached
// like every catalog read (memory → Cache API → KV, keyed by the catalog version), so a catalog
// event (a product archived, a category added) makes the next read a new key: the sitemap follows
// the catalog through the same version bump that refreshes the pages, and costs the core one
// read per change, not one per crawler.

const XML_TYPE = "application/xml; charset=utf-8";
const PRODUCT_FILE = /^products-([1-9][0-9]{0,5})\.xml$/;

/** Shoppers' private pages, the API and endless filter combinations stay out of the index. */
const DISALLOW = ["/api/", "/account", "/cart", "/checkout", "/sandbox-pay/", "/dev/", "/search", "/internal/"];

async function xmlEntry(xml: string): Promise<Entry> {
	const body = utf8(xml);
	return makeEntry(200, body, XML_TYPE, await etagOf(body));
}

const notFound = async (detail: string): Promise<Entry> => {
	const body = utf8(JSON.stringify(problem(404, detail)));
	return makeEntry(404, body, "application/problem+json", await etagOf(body));
};

async function readSitemapInputs(
	c: AppContext,
	version: number,
	page: number,
): Promise<{ categories: Category[]; products: SitemapPage } | Failure | null> {
	const [categories, products] = await Promise.all([
		readTarget(c, version, targets.categories()),
		readTarget(c, version, targets.sitemap(page, SITEMAP_MAX_URLS)),
	]);
	if (isFailure(categories)) return categories;
	if (isFailure(products)) return products;
	if (!categories.found || !products.found) return null;
	return { categories: categories.data.items, products: products.data };
}

function fixedUrls(origin: string, categories: Category[]): SitemapUrl[] {
	return [{ loc: `${origin}/` }, ...categories.map((cat) => ({ loc: `${origin}/categories/${cat.slug}` }))];
}

function productUrls(origin: string, page: SitemapPage): SitemapUrl[] {
	return page.items.map((p) => ({ loc: `${origin}/products/${p.slug}`, lastmod: p.updatedAt }));
}

const failed = (p: Problem) => problemResponse(p);

export const seo = new Hono<AppEnv>()
	.get("/robots.txt", (c) => {
		const origin = siteOrigin(c);
		const lines = [
			"User-agent: *",
			"Allow: /",
			...DISALLOW.map((d) => `Disallow: ${d}`),
			"",
			`Sitemap: ${origin}/sitemap.xml`,
		];
		return c.text(`${lines.join("\n")}\n`, 200, { "cache-control": "public, max-age=3600" });
	})
	.get("/sitemap.xml", (c) =>
		respondCached(
			c,
			() => ({
				path: "/sitemap.xml",
				produce: async (v) => {
					const origin = siteOrigin(c);
					const inputs = await readSitemapInputs(c, v, 1);
					if (inputs === null) return notFound("The catalog could not be listed.");
					if (isFailure(inputs)) return inputs;
					const fixed = fixedUrls(origin, inputs.categories);
					const plan = sitemapPlan(fixed.length, inputs.products.totalProducts, SITEMAP_MAX_URLS);
					if (!plan.split) return xmlEntry(urlsetXml([...fixed, ...productUrls(origin, inputs.products)]));
					const files = [`${origin}/sitemaps/pages.xml`];
					for (let n = 1; n <= plan.productFiles; n++) files.push(`${origin}/sitemaps/products-${n}.xml`);
					return xmlEntry(sitemapIndexXml(files.map((loc) => ({ loc }))));
				},
			}),
			failed,
		),
	)
	.get("/sitemaps/:file", (c) =>
		respondCached(
			c,
			() => {
				const file = c.req.param("file");
				const productFile = PRODUCT_FILE.exec(file);
				if (file !== "pages.xml" && !productFile) return failed(problem(404, "There is no such sitemap."));
				const page = productFile ? Number(productFile[1]) : 1;
				return {
					path: `/sitemaps/${file}`,
					produce: async (v) => {
						const origin = siteOrigin(c);
						const inputs = await readSitemapInputs(c, v, page);
						if (inputs === null) return notFound("There is no such sitemap.");
						if (isFailure(inputs)) return inputs;
						if (!productFile)
							return xmlEntry(urlsetXml(fixedUrls(origin, inputs.categories).slice(0, SITEMAP_MAX_URLS)));
						if (inputs.products.items.length === 0) return notFound("There is no such sitemap.");
						return xmlEntry(urlsetXml(productUrls(origin, inputs.products)));
					},
				};
			},
			failed,
		),
	);
