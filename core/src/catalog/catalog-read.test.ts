import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
	type CategoryList,
	type Product,
	type ProductList,
	ProductList as ProductListSchema,
	Product as ProductSchema,
} from "@bazaar/contracts";
import { countStatements, enableStatementCounting } from "../lib/db";
import { type Harness, harness, json } from "../testing/harness";
import { ftsMatchExpression } from "./search-syntax";

// Before the harness opens its database: statements are counted from the connection up.
enableStatementCounting();

let h: Harness;
beforeAll(async () => {
	h = await harness({ seeded: true });
}, 120_000);
afterAll(() => h?.close());

async function list(query: string, path = "/catalog/products"): Promise<ProductList> {
	const res = await h.call("GET", `${path}?${query}`);
	if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
	return ProductListSchema.parse(await json(res));
}

async function walk(query: string, path = "/catalog/products"): Promise<ProductList["items"]> {
	const all: ProductList["items"] = [];
	let cursor: string | null = null;
	for (let page = 0; page < 200; page++) {
		const body: ProductList = await list(`${query}${cursor ? `&cursor=${cursor}` : ""}`, path);
		all.push(...body.items);
		cursor = body.nextCursor;
		if (!cursor) return all;
	}
	throw new Error("pagination did not end");
}

describe("list", () => {
	test("matches the contract, newest first by default", async () => {
		const body = await list("limit=10");
		expect(body.items).toHaveLength(10);
		expect(body.version).toBeGreaterThan(0);
		const dates = body.items.map((p) => p.createdAt);
		expect([...dates].sort().reverse()).toEqual(dates);
		expect(body.items[0]?.thumbnail?.sources.map((s) => s.size)).toEqual(["thumb", "card"]);
		expect(body.facets.length).toBeGreaterThan(0);
		expect(body.priceRange?.min.currency).toBe("USD");
	});

	test("walking every page returns each active product exactly once, for every sort", async () => {
		const newest = await walk("limit=100");
		expect(newest.length).toBeGreaterThanOrEqual(500);
		expect(new Set(newest.map((p) => p.id)).size).toBe(newest.length);
		for (const sort of ["price_asc", "price_desc", "rating"]) {
			const items = await walk(`limit=37&sort=${sort}`);
			expect(items.map((p) => p.id).sort()).toEqual(newest.map((p) => p.id).sort());
			const prices = items.map((p) => p.price.amount);
			if (sort === "price_asc") expect(prices).toEqual([...prices].sort((a, b) => a - b));
			if (sort === "price_desc") expect(prices).toEqual([...prices].sort((a, b) => b - a));
			if (sort === "rating") {
				const ratings = items.map((p) => p.rating.average ?? -1);
				expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
			}
		}
	}, 60_000);

	test("category includes its descendants", async () => {
		const cats = await json<CategoryList>(await h.call("GET", "/catalog/categories"));
		const fashion = cats.items.find((c) => c.slug === "fashion");
		const children = cats.items.filter((c) => c.parentId === fashion?.id).map((c) => c.id);
		expect(children.length).toBeGreaterThan(1);
		const items = await walk("category=fashion&limit=100");
		expect(items.length).toBe(fashion?.productCount as number);
		expect(items.every((p) => children.includes(p.categoryId))).toBe(true);
		const shoes = await walk("category=shoes&limit=100");
		expect(shoes.length).toBeGreaterThan(0);
		expect(shoes.length).toBeLessThan(items.length);
	});

	test("filters: kind, price range in a currency, in stock, attributes (AND across names, OR within)", async () => {
		const digital = await walk("kind=digital&limit=100");
		expect(digital.length).toBeGreaterThan(0);
		expect(digital.every((p) => p.kind === "digital")).toBe(true);

		const ranged = await walk("currency=EUR&minPrice=2000&maxPrice=5000&limit=100");
		expect(ranged.length).toBeGreaterThan(0);
		expect(ranged.every((p) => p.price.currency === "EUR" && p.price.amount >= 2000 && p.price.amount <= 5000)).toBe(
			true,
		);

		const inStock = await walk("inStock=true&limit=100");
		const all = await walk("limit=100");
		expect(inStock.every((p) => p.inStock)).toBe(true);
		expect(inStock.length).toBeLessThan(all.length);

		const black = await walk("attr.colour=black&limit=100");
		const white = await walk("attr.colour=white&limit=100");
		const either = await walk("attr.colour=black&attr.colour=white&limit=100");
		const ids = new Set([...black, ...white].map((p) => p.id));
		expect(either.length).toBe(ids.size);
		const blackCotton = await walk("attr.colour=black&attr.material=cotton&limit=100");
		expect(blackCotton.length).toBeLessThanOrEqual(black.length);
		for (const p of blackCotton) {
			const detail = await json<Product>(await h.call("GET", `/catalog/products/${p.slug}`));
			expect(detail.attributes.colour).toContain("black");
			expect(detail.attributes.material).toContain("cotton");
		}
	});

	test("facets count each attribute value within the filtered set, excluding the name's own selection", async () => {
		const body = await list("category=tops&attr.colour=black&limit=5");
		const colour = body.facets.find((f) => f.name === "colour");
		// Other colours stay selectable (OR within a name).
		expect(colour?.values.length).toBeGreaterThan(1);
		const size = body.facets.find((f) => f.name === "size");
		const black = await walk("category=tops&attr.colour=black&limit=100");
		const m = size?.values.find((v) => v.value === "M");
		if (m) expect(m.count).toBeLessThanOrEqual(black.length);
	});

	test("price range ignores the price filter itself", async () => {
		const wide = await list("limit=1");
		const narrow = await list("limit=1&minPrice=5000&maxPrice=6000");
		expect(narrow.priceRange).toEqual(wide.priceRange);
	});

	test("bad queries are 400 problems, unknown category is 404", async () => {
		for (const q of [
			"limit=0",
			"limit=abc",
			"sort=cheapest",
			"minPrice=-1",
			"minPrice=9&maxPrice=1",
			"cursor=!!",
			"foo=bar",
			"limit=1&limit=2",
			"attr.Bad-Name=x",
		]) {
			const res = await h.call("GET", `/catalog/products?${q}`);
			expect(res.status).toBe(400);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		const forged = Buffer.from(JSON.stringify(["newest", 5, "x"])).toString("base64url");
		expect((await h.call("GET", `/catalog/products?cursor=${forged}`)).status).toBe(400);
		const otherSort = (await list("limit=2&sort=price_asc")).nextCursor;
		expect((await h.call("GET", `/catalog/products?limit=2&sort=newest&cursor=${otherSort}`)).status).toBe(400);
		expect((await h.call("GET", "/catalog/products?category=no-such-thing")).status).toBe(404);
		expect((await h.call("GET", "/catalog/products?sort=relevance")).status).toBe(400);
	});

	test("a list page runs the same small number of statements whatever its size", async () => {
		const counts: number[] = [];
		for (const limit of [2, 100]) {
			h.mod.cache.clear();
			const { total } = await countStatements(() => list(`limit=${limit}&category=electronics&attr.colour=black`));
			counts.push(total);
		}
		expect(counts[0]).toBe(counts[1] as number);
		expect(counts[0]).toBeGreaterThanOrEqual(4);
		expect(counts[0]).toBeLessThanOrEqual(6);
	});
});

describe("search", () => {
	test("ranks title matches first and matches word prefixes", async () => {
		const body = await list("q=headphones&limit=5", "/catalog/search");
		expect(body.items.length).toBeGreaterThan(0);
		expect(body.items[0]?.title.toLowerCase()).toContain("headphones");
		const prefix = await list("q=headph&limit=50", "/catalog/search");
		expect(prefix.items.map((p) => p.id)).toEqual(expect.arrayContaining(body.items.map((p) => p.id)));
		const two = await list("q=wireless%20headph&limit=50", "/catalog/search");
		expect(two.items.every((p) => /wireless/i.test(p.title) || p.title.length > 0)).toBe(true);
		expect(two.items.length).toBeLessThanOrEqual(prefix.items.length);
	});

	test("finds by brand and by category name, with the list's filters", async () => {
		const brand = await list("q=sonora&limit=50", "/catalog/search");
		expect(brand.items.length).toBeGreaterThan(0);
		expect(brand.items.every((p) => p.brand === "Sonora")).toBe(true);
		const byCategory = await list("q=cookware&limit=50", "/catalog/search");
		expect(byCategory.items.length).toBeGreaterThan(0);
		const digital = await list("q=the&kind=digital&limit=50", "/catalog/search");
		expect(digital.items.every((p) => p.kind === "digital")).toBe(true);
		const sorted = await walk("q=shirt&sort=price_asc&limit=3", "/catalog/search");
		const prices = sorted.map((p) => p.price.amount);
		expect(prices).toEqual([...prices].sort((a, b) => a - b));
	});

	test("relevance pagination is stable: no duplicates, no gaps", async () => {
		const paged = await walk("q=pro&limit=7", "/catalog/search");
		const whole = await list("q=pro&limit=100", "/catalog/search");
		expect(paged.map((p) => p.id)).toEqual(whole.items.map((p) => p.id));
	});

	test("hostile input never errors", async () => {
		const nasty = [
			'"',
			"'",
			"*",
			"head*",
			'"unterminated',
			"AND OR NOT",
			"NEAR(a b)",
			"title:foo",
			"-foo",
			"^foo",
			"(((",
			")",
			"a OR",
			"💥🛒",
			"ünïcödé çafé",
			"%00",
			"x".repeat(200),
			"; DROP TABLE products; --",
			"{title}:x",
		];
		for (const q of nasty) {
			const res = await h.call("GET", `/catalog/search?${new URLSearchParams({ q })}`);
			expect([200, 400]).toContain(res.status);
			if (res.status === 200) ProductListSchema.parse(await json(res));
		}
		expect((await h.call("GET", "/catalog/search?q=")).status).toBe(400);
		expect((await h.call("GET", "/catalog/search")).status).toBe(400);
		expect((await h.call("GET", `/catalog/search?q=${"x".repeat(201)}`)).status).toBe(400);
	});

	test("the match expression quotes every word", () => {
		expect(ftsMatchExpression('head" OR * NEAR(x)')).toBe('"head"* "or"* "near"* "x"*');
		expect(ftsMatchExpression("!!! ***")).toBeNull();
	});
});

describe("detail and categories", () => {
	test("product by slug with variants, prices, images, breadcrumbs", async () => {
		const { items } = await list("category=tops&limit=1");
		const res = await h.call("GET", `/catalog/products/${items[0]?.slug}`);
		expect(res.status).toBe(200);
		const p = ProductSchema.parse(await json(res));
		expect(p.kind).toBe("physical");
		expect(p.breadcrumbs.map((b) => b.slug)).toEqual(["fashion", "tops"]);
		expect(p.variants.length).toBeGreaterThan(0);
		expect(p.variants[0]?.prices.map((m) => m.currency).sort()).toEqual(["EUR", "GBP", "USD"]);
		expect(p.options.map((o) => o.name)).toContain("size");
		expect(p.images[0]?.sources.map((s) => s.size)).toEqual(["thumb", "card", "full"]);
		expect(new Set(p.variants.map((v) => v.sku)).size).toBe(p.variants.length);
	});

	test("digital and service details", async () => {
		const ebook = (await list("category=fiction-ebooks&limit=1")).items[0];
		const e = ProductSchema.parse(await json(await h.call("GET", `/catalog/products/${ebook?.slug}`)));
		expect(e.digital?.delivery).toBe("download");
		const box = (await list("category=subscription-boxes&limit=1")).items[0];
		const s = ProductSchema.parse(await json(await h.call("GET", `/catalog/products/${box?.slug}`)));
		expect(s.service?.billing).toBe("monthly");
		const install = (await list("category=installation&limit=1")).items[0];
		const i = ProductSchema.parse(await json(await h.call("GET", `/catalog/products/${install?.slug}`)));
		expect(i.service?.booking).toBe("appointment");
	});

	test("unknown or malformed slug is a 404 problem", async () => {
		for (const slug of ["no-such-product", "Bad%20Slug", "x".repeat(120)]) {
			const res = await h.call("GET", `/catalog/products/${slug}`);
			expect(res.status).toBe(404);
			expect((await json<{ status: number }>(res)).status).toBe(404);
		}
	});

	test("categories: a tree of at least 10 departments with subcategories and counts", async () => {
		const body = await json<CategoryList>(await h.call("GET", "/catalog/categories"));
		const top = body.items.filter((c) => c.parentId === null);
		expect(top.length).toBeGreaterThanOrEqual(10);
		for (const dept of top) {
			const subs = body.items.filter((c) => c.parentId === dept.id);
			expect(subs.length).toBeGreaterThan(0);
			expect(dept.productCount).toBe(subs.reduce((n, c) => n + c.productCount, 0));
		}
	});

	test("version endpoint and image bytes", async () => {
		const v = await json<{ version: number }>(await h.call("GET", "/catalog/version"));
		expect(v.version).toBeGreaterThan(0);
		const { items } = await list("limit=1");
		const hash = items[0]?.thumbnail?.sources[0]?.hash;
		const img = await h.call("GET", `/catalog/images/${hash}`);
		expect(img.status).toBe(200);
		expect(img.headers.get("content-type")).toBe("image/png");
		expect(img.headers.get("cache-control")).toContain("immutable");
		const bytes = new Uint8Array(await img.arrayBuffer());
		expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(hash as string);
		expect((await h.call("GET", `/catalog/images/${"0".repeat(64)}`)).status).toBe(404);
		expect((await h.call("GET", "/catalog/images/..%2F..%2Fetc%2Fpasswd")).status).toBe(404);
	});
});
