import { CategoryList, ProductList } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { edge, edgeJson } from "./helpers";

async function page(path: string, status = 200) {
	const res = await edge(path);
	const html = await res.text();
	expect(res.status, `${path}: ${html.slice(0, 300)}`).toBe(status);
	expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
	expect(html.startsWith("<!doctype html>")).toBe(true);
	// No inline script: the only script is a file from this site (the header's, see header.test.ts);
	// a product page's schema.org data block (type application/ld+json) is data a browser never runs.
	expect(html).not.toMatch(/<script(?![^>]*\bsrc="\/)(?! type="application\/ld\+json")/);
	expect(res.headers.get("set-cookie")).toBeNull();
	return { res, html };
}

async function categories() {
	return CategoryList.parse((await edgeJson("/api/catalog/categories")).body).items;
}

describe("storefront pages", () => {
	it("renders the home page with categories and new arrivals", async () => {
		const { res, html } = await page("/");
		const cats = await categories();
		for (const c of cats.filter((x) => x.parentId === null)) expect(html).toContain(`href="/categories/${c.slug}"`);
		expect(html).toContain('href="/products/');
		// Other test files add products without pictures, so which new arrivals have one varies.
		const newest = ProductList.parse((await edgeJson("/api/catalog/products?sort=newest&limit=12")).body).items;
		const pictured = newest.filter((p) => p.thumbnail !== null);
		if (pictured.length > 0) {
			expect(html).toMatch(/<img src="\/img\/[0-9a-f]{64}\.png" width="\d+" height="\d+" alt="" loading="lazy"/);
		}
		// Pages differ by market at one address: private to the browser, revalidated by ETag.
		expect(res.headers.get("cache-control")).toBe("private, no-cache");
		expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
		expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
		expect(html.length).toBeLessThan(60_000);
	});

	it("renders a category listing with a plain GET filter form and next-page link", async () => {
		const cat = (await categories()).find((c) => c.parentId === null && c.productCount > 3)!;
		const { html } = await page(`/categories/${cat.slug}?limit=2`);
		expect(html).toContain(`<h1>${cat.name}</h1>`);
		expect(html).toContain(`<form class="filters" action="/categories/${cat.slug}" method="get"`);
		for (const name of ["sort", "minPrice", "maxPrice", "inStock", "kind"]) expect(html).toContain(`name="${name}"`);
		const next = /<a href="([^"]+)" rel="next">/.exec(html);
		expect(next).not.toBeNull();
		const nextUrl = next![1]!.replaceAll("&amp;", "&");
		expect(nextUrl).toMatch(new RegExp(`^/categories/${cat.slug}\\?limit=2&cursor=`));
		const second = await page(nextUrl);
		expect(second.html).toContain("First page");
	});

	it("applies filters from the form and keeps them selected", async () => {
		const cat = (await categories()).find((c) => c.parentId === null && c.productCount > 0)!;
		const { html } = await page(`/categories/${cat.slug}?inStock=true&sort=price_desc&minPrice=&maxPrice=&kind=`);
		expect(html).toContain('value="true" checked=""');
		expect(html).toMatch(/<option value="price_desc" selected="">/);
	});

	it("renders the product page with variants, prices, srcset images and breadcrumbs", async () => {
		const list = ProductList.parse((await edgeJson("/api/catalog/products?limit=50")).body);
		const withImage = list.items.find((p) => p.thumbnail)!;
		const { html } = await page(`/products/${withImage.slug}`);
		expect(html).toContain(withImage.title.replaceAll("&", "&amp;"));
		expect(html).toMatch(/srcset="\/img\/[0-9a-f]{64}\.png \d+w, /);
		expect(html).toMatch(/<p class="price" data-testid="price">(From )?\$[\d,]+\.\d\d<\/p>/);
		expect(html).toContain('<nav class="crumbs" aria-label="Breadcrumbs"><a href="/">Home</a>');
		expect(html).toContain("<table>");
	});

	it("shows digital and service details", async () => {
		for (const kind of ["digital", "service"] as const) {
			const list = ProductList.parse((await edgeJson(`/api/catalog/products?kind=${kind}&limit=1`)).body);
			const { html } = await page(`/products/${list.items[0]!.slug}`);
			expect(html).toContain(kind === "digital" ? "<dt>Format</dt>" : "<dt>Billing</dt>");
		}
	});

	it("renders search results and an empty search page", async () => {
		const list = ProductList.parse((await edgeJson("/api/catalog/products?limit=1")).body);
		const word = list.items[0]!.title.split(/\s+/)[0]!;
		const { html } = await page(`/search?q=${encodeURIComponent(word)}`);
		expect(html).toContain("Results for");
		expect(html).toContain('href="/products/');
		const empty = await page("/search");
		expect(empty.html).toContain("Type what you are looking for");
	});

	it("answers unknown products, categories and paths with HTML 404 pages", async () => {
		const product = await page("/products/no-such-thing-here", 404);
		expect(product.html).toContain("We could not find that page");
		expect(product.res.headers.get("cache-control")).toBe("private, no-cache");
		await page("/categories/no-such-category", 404);
		await page("/products/Bad_Slug", 404);
		await page("/nowhere/at/all", 404);
	});

	it("answers malformed filters with an HTML 400 page that names the field", async () => {
		const cat = (await categories())[0]!;
		const { res, html } = await page(`/categories/${cat.slug}?minPrice=lots`, 400);
		expect(html).toContain("<code>minPrice</code>");
		expect(res.headers.get("cache-control")).toBe("no-store");
		await page("/search?q=shoe&sort=sideways", 400);
		await page("/categories/x?limit=5&limit=6", 400);
	});
});
