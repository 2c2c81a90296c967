import { describe, expect, it } from "vitest";
import { edge } from "./helpers";

type Doc = {
	openapi: string;
	paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>>;
	components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

describe("OpenAPI", () => {
	it("serves an OpenAPI 3.1 document generated from the contracts", async () => {
		const res = await edge("/openapi.json");
		expect(res.status).toBe(200);
		const doc = (await res.json()) as Doc;
		expect(doc.openapi).toBe("3.1.0");
		for (const path of [
			"/api/catalog/products",
			"/api/catalog/search",
			"/api/catalog/products/{slug}",
			"/api/catalog/categories",
			"/img/{name}",
		]) {
			expect(doc.paths[path]?.get, path).toBeDefined();
		}
		const params = doc.paths["/api/catalog/products"]!.get!.parameters!.map((p) => p.name);
		expect(params).toEqual(
			expect.arrayContaining(["category", "minPrice", "maxPrice", "inStock", "sort", "limit", "cursor"]),
		);
		expect(Object.keys(doc.components.schemas.Product!.properties!)).toEqual(
			expect.arrayContaining(["slug", "variants", "images", "breadcrumbs"]),
		);
		// Every $ref points at a schema that exists.
		const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
		for (const ref of refs) expect(doc.components.schemas[ref.slice(22, -1)], ref).toBeDefined();
	});

	it("renders a readable reference page without scripts", async () => {
		const res = await edge("/docs");
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain("GET /api/catalog/products");
		expect(html).toContain('id="schema-ProductList"');
		expect(html).not.toContain("<script");
	});
});
