import { CategoryList, Product, SitemapPage } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { sitemapIndexXml, sitemapPlan, urlsetXml } from "../src/lib/sitemap-xml";
import { archive, makeProduct } from "./cart-fixtures";
import { core, edge, edgeJson, ORIGIN, syncVersion } from "./helpers";

// What search engines and link previews read: robots.txt, sitemap.xml (following catalog events),
// canonical URLs, Open Graph / Twitter tags and schema.org JSON-LD on product pages.

const ADMIN = { user: "seo-test-admin", roles: ["admin"] };

const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));

/** Every active product, as the core lists them (the truth the sitemap must match). */
async function activeSlugs(): Promise<string[]> {
	const res = await core().request("GET", "/catalog/sitemap");
	return SitemapPage.parse(await res.json()).items.map((i) => i.slug);
}

async function sitemap(): Promise<string> {
	const res = await edge("/sitemap.xml");
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
	expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
	return res.text();
}

function jsonLd(html: string): Record<string, unknown>[] {
	return [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map(
		(m) => JSON.parse(m[1]!) as Record<string, unknown>,
	);
}

const meta = (html: string, key: string) =>
	new RegExp(`<meta (?:property|name)="${key.replace(/[:+]/g, "\\$&")}" content="([^"]*)"`).exec(html)?.[1];

describe("robots.txt", () => {
	it("lets crawlers in, keeps private pages out and names the sitemap", async () => {
		const res = await edge("/robots.txt");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
		const text = await res.text();
		expect(text).toMatch(/^User-agent: \*$/m);
		for (const path of ["/account", "/cart", "/checkout", "/api/"]) expect(text).toContain(`Disallow: ${path}\n`);
		expect(text).toContain(`Sitemap: ${ORIGIN}/sitemap.xml`);
	});
});

describe("sitemap.xml", () => {
	it("lists exactly the active products and every category, and drops an archived product after the event", async () => {
		await syncVersion();
		const made = await makeProduct([1]);
		await syncVersion();
		const xml = await sitemap();
		expect(
			xml.startsWith(
				'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
			),
		).toBe(true);
		const urls = locs(xml);
		const products = urls
			.filter((u) => u.startsWith(`${ORIGIN}/products/`))
			.map((u) => u.slice(`${ORIGIN}/products/`.length));
		expect(products.sort()).toEqual((await activeSlugs()).sort());
		expect(products).toContain(made.product.slug);
		const categories = CategoryList.parse((await edgeJson("/api/catalog/categories")).body).items;
		for (const cat of categories) expect(urls).toContain(`${ORIGIN}/categories/${cat.slug}`);
		expect(urls).toContain(`${ORIGIN}/`);
		expect(xml).toMatch(new RegExp(`<loc>${ORIGIN}/products/${made.product.slug}</loc><lastmod>\\d{4}-\\d\\d-\\d\\dT`));

		// Served from the edge's caches while the catalog does not change.
		const again = await edge("/sitemap.xml");
		expect(again.headers.get("x-bazaar-cache")).toBe("memory");

		// Archiving commits a catalog event; its push (as the core's relay sends it) moves the version.
		await archive(made.product.id);
		const stale = locs(await sitemap());
		expect(stale).toContain(`${ORIGIN}/products/${made.product.slug}`);
		await syncVersion();
		const fresh = locs(await sitemap());
		expect(fresh).not.toContain(`${ORIGIN}/products/${made.product.slug}`);
		expect(fresh.filter((u) => u.includes("/products/")).length).toBe(products.length - 1);
	});

	it("splits into an index of files past the protocol's 50,000 URLs", () => {
		expect(sitemapPlan(10, 49_990, 50_000)).toEqual({ split: false });
		expect(sitemapPlan(10, 49_991, 50_000)).toEqual({ split: true, productFiles: 1 });
		expect(sitemapPlan(10, 120_000, 50_000)).toEqual({ split: true, productFiles: 3 });
		const index = sitemapIndexXml([
			{ loc: `${ORIGIN}/sitemaps/pages.xml` },
			{ loc: `${ORIGIN}/sitemaps/products-1.xml` },
		]);
		expect(index).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
		expect(locs(index)).toEqual([`${ORIGIN}/sitemaps/pages.xml`, `${ORIGIN}/sitemaps/products-1.xml`]);
		expect(urlsetXml([{ loc: "https://x.example/?a=1&b=<2>" }])).toContain(
			"<loc>https://x.example/?a=1&amp;b=&lt;2&gt;</loc>",
		);
	});

	it("serves the split files by name and 404s any other", async () => {
		const pages = await edge("/sitemaps/pages.xml");
		expect(pages.status).toBe(200);
		expect(locs(await pages.text())).toContain(`${ORIGIN}/`);
		const first = await edge("/sitemaps/products-1.xml");
		expect(first.status).toBe(200);
		expect(locs(await first.text()).length).toBe((await activeSlugs()).length);
		for (const path of ["/sitemaps/products-2.xml", "/sitemaps/products-0.xml", "/sitemaps/x.xml"]) {
			const res = await edge(path);
			expect(res.status, path).toBe(404);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
	});
});

describe("product pages for search engines and link previews", () => {
	it("carry an absolute canonical URL, Open Graph and Twitter tags with the product image", async () => {
		const slug = (await activeSlugs())[0]!;
		const product = Product.parse((await edgeJson(`/api/catalog/products/${slug}`)).body);
		const html = await (await edge(`/products/${slug}`)).text();
		// The page names the market it shows (no country here: the default market's).
		const url = `${ORIGIN}/products/${slug}?market=us`;
		expect(html).toContain(`<link rel="canonical" href="${url}"/>`);
		expect(meta(html, "og:url")).toBe(url);
		expect(meta(html, "og:type")).toBe("product");
		expect(meta(html, "og:title")).toBe(product.title.replaceAll("&", "&amp;"));
		expect(meta(html, "twitter:card")).toBe(product.images.length > 0 ? "summary_large_image" : "summary");
		if (product.images.length > 0) {
			expect(meta(html, "og:image")).toMatch(new RegExp(`^${ORIGIN}/img/[0-9a-f]{64}\\.png$`));
			expect(meta(html, "og:image:width")).toMatch(/^\d+$/);
			expect(meta(html, "twitter:image")).toBe(meta(html, "og:image"));
		}
	});

	it("carry schema.org Product JSON-LD with an Offer per market price and a BreadcrumbList", async () => {
		const made = await makeProduct([2, 0], { price: 1999 });
		// A second currency on the first variant, and a zero-decimal one on the second.
		const [v1, v2] = made.variants;
		for (const [id, prices] of [
			[
				v1,
				[
					{ amount: 1999, currency: "USD" },
					{ amount: 1850, currency: "EUR" },
				],
			],
			[
				v2,
				[
					{ amount: 2099, currency: "USD" },
					{ amount: 3100, currency: "JPY" },
				],
			],
		] as const) {
			const res = await core().request("PATCH", `/catalog/admin/variants/${id}`, {
				caller: ADMIN,
				body: JSON.stringify({ prices }),
			});
			expect(res.status, await res.text()).toBe(200);
		}
		await syncVersion();
		const html = await (await edge(`/products/${made.product.slug}`)).text();
		const [product, crumbs, ...rest] = jsonLd(html);
		expect(rest).toEqual([]);
		const url = `${ORIGIN}/products/${made.product.slug}`;
		expect(product).toMatchObject({
			"@context": "https://schema.org",
			"@type": "Product",
			name: made.product.title,
			url,
			description: "Made by the cart tests.",
		});
		// An Offer per market that sells a variant; no market sells in JPY, so its price has none.
		expect(product!.offers).toHaveLength(3);
		expect(product!.offers).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					"@type": "Offer",
					price: "19.99",
					priceCurrency: "USD",
					availability: "https://schema.org/InStock",
					sku: made.product.variants[0]!.sku,
					url: `${url}?market=us`,
					eligibleRegion: [{ "@type": "Country", name: "US" }],
				}),
				expect.objectContaining({
					"@type": "Offer",
					price: "18.50",
					priceCurrency: "EUR",
					availability: "https://schema.org/InStock",
					url: `${url}?market=eu`,
				}),
				expect.objectContaining({
					"@type": "Offer",
					price: "20.99",
					priceCurrency: "USD",
					availability: "https://schema.org/OutOfStock",
				}),
			]),
		);
		expect(crumbs).toMatchObject({ "@context": "https://schema.org", "@type": "BreadcrumbList" });
		const items = crumbs!.itemListElement as { "@type": string; position: number; name: string; item: string }[];
		expect(items.map((i) => i.position)).toEqual(items.map((_, i) => i + 1));
		expect(items[0]).toEqual({ "@type": "ListItem", position: 1, name: "Home", item: `${ORIGIN}/` });
		expect(items.at(-1)).toEqual({ "@type": "ListItem", position: items.length, name: made.product.title, item: url });
		expect(items.slice(1, -1).every((i) => i.item.startsWith(`${ORIGIN}/categories/`))).toBe(true);
	});

	it("escape text so a product's words cannot close the JSON-LD script", async () => {
		const made = await makeProduct([1]);
		const res = await core().request("PATCH", `/catalog/admin/products/${made.product.id}`, {
			caller: ADMIN,
			body: JSON.stringify({ description: "Great </script><script>alert(1)</script> value" }),
		});
		expect(res.status).toBe(200);
		await syncVersion();
		const html = await (await edge(`/products/${made.product.slug}`)).text();
		expect(html).not.toContain("<script>alert(1)");
		const [product] = jsonLd(html);
		expect(product!.description).toBe("Great </script><script>alert(1)</script> value");
	});
});
