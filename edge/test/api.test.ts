import { CategoryList, Problem, Product, ProductList } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { edge, edgeJson } from "./helpers";

async function list(query = "") {
	const { res, body } = await edgeJson(`/api/catalog/products${query}`);
	expect(res.status, JSON.stringify(body)).toBe(200);
	return { res, data: ProductList.parse(body) };
}

async function expectProblem(res: Response, status: number) {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	const body = Problem.parse(await res.json());
	expect(body.status).toBe(status);
	expect(body.title).toBeTruthy();
	return body;
}

describe("public catalog API", () => {
	it("lists products that satisfy the ProductList contract", async () => {
		const { res, data } = await list("?limit=5");
		expect(res.headers.get("content-type")).toContain("application/json");
		expect(data.items).toHaveLength(5);
		expect(data.nextCursor).toBeTruthy();
	});

	it("pages with the cursor without repeating products", async () => {
		const first = await list("?limit=7&sort=price_asc");
		const second = await list(`?limit=7&sort=price_asc&cursor=${first.data.nextCursor}`);
		const ids = new Set(first.data.items.map((p) => p.id));
		expect(second.data.items.length).toBeGreaterThan(0);
		for (const p of second.data.items) expect(ids.has(p.id)).toBe(false);
		const last = first.data.items.at(-1)!.price.amount;
		for (const p of second.data.items) expect(p.price.amount).toBeGreaterThanOrEqual(last);
	});

	it("applies kind, price and stock filters", async () => {
		const { data } = await list("?kind=digital&limit=50");
		expect(data.items.length).toBeGreaterThan(0);
		for (const p of data.items) expect(p.kind).toBe("digital");

		const ranged = await list("?minPrice=1000&maxPrice=5000&limit=50");
		for (const p of ranged.data.items) {
			expect(p.price.amount).toBeGreaterThanOrEqual(1000);
			expect(p.price.amount).toBeLessThanOrEqual(5000);
		}
		const stocked = await list("?inStock=true&limit=50");
		for (const p of stocked.data.items) expect(p.inStock).toBe(true);
	});

	it("filters by category (with descendants) and by attribute facets", async () => {
		const cats = CategoryList.parse((await edgeJson("/api/catalog/categories")).body);
		const withProducts = cats.items.find((c) => c.productCount > 0)!;
		const { data } = await list(`?category=${withProducts.slug}&limit=100`);
		expect(data.items.length).toBeGreaterThan(0);
		const facet = data.facets.find((f) => f.values.length > 0);
		if (facet) {
			const value = facet.values[0]!;
			const filtered = await list(
				`?category=${withProducts.slug}&attr.${facet.name}=${encodeURIComponent(value.value)}&limit=100`,
			);
			expect(filtered.data.items.length).toBe(value.count);
		}
	});

	it("returns a product by slug and 404 problem for an unknown one", async () => {
		const { data } = await list("?limit=1");
		const slug = data.items[0]!.slug;
		const { res, body } = await edgeJson(`/api/catalog/products/${slug}`);
		expect(res.status).toBe(200);
		const product = Product.parse(body);
		expect(product.slug).toBe(slug);
		expect(product.variants.length).toBeGreaterThan(0);

		await expectProblem(await edge("/api/catalog/products/no-such-product-anywhere"), 404);
		await expectProblem(await edge("/api/catalog/products/Not_A_Slug"), 404);
	});

	it("lists categories, and answers HEAD without a body", async () => {
		const { res, body } = await edgeJson("/api/catalog/categories");
		expect(res.status).toBe(200);
		expect(CategoryList.parse(body).items.length).toBeGreaterThanOrEqual(10);
		const head = await edge("/api/catalog/categories", { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("etag")).toBe(res.headers.get("etag"));
		expect(await head.text()).toBe("");
	});

	it("searches, and requires q", async () => {
		const { data } = await list("?limit=1");
		const word = data.items[0]!.title.split(/\s+/)[0]!;
		const { res, body } = await edgeJson(`/api/catalog/search?q=${encodeURIComponent(word)}`);
		expect(res.status).toBe(200);
		expect(ProductList.parse(body).items.length).toBeGreaterThan(0);
		const missing = await expectProblem(await edge("/api/catalog/search"), 400);
		expect(missing.errors?.[0]?.path).toBe("q");
	});

	it("refuses malformed queries with a 400 problem listing the errors", async () => {
		for (const query of [
			"?limit=0",
			"?limit=abc",
			"?limit=1000",
			"?sort=cheapest",
			"?kind=vegetable",
			"?minPrice=-5",
			"?minPrice=900&maxPrice=100",
			"?inStock=maybe",
			"?colour=red",
			"?limit=5&limit=6",
			"?cursor=***",
			"?attr.Bad%20Name=x",
		]) {
			const res = await edge(`/api/catalog/products${query}`);
			const body = await expectProblem(res, 400);
			expect(body.errors?.length, query).toBeGreaterThan(0);
			expect(res.headers.get("set-cookie")).toBeNull();
		}
	});

	it("answers 405 for writes to the public catalog and 404 problems for unknown API paths", async () => {
		const res = await edge("/api/catalog/products", { method: "POST", body: "{}" });
		await expectProblem(res, 405);
		expect(res.headers.get("allow")).toBe("GET, HEAD");
		await expectProblem(await edge("/api/nothing-here"), 404);
	});
});
