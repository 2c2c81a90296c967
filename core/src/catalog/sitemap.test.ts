import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type SitemapPage, SitemapPage as SitemapPageSchema } from "@bazaar/contracts";
import { ADMIN, type Harness, harness, json } from "../testing/harness";

let h: Harness;
let categoryId: string;
beforeAll(async () => {
	h = await harness();
	categoryId = (
		await json<{ id: string }>(
			await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Maps" } }),
		)
	).id;
});
afterAll(() => h?.close());

async function create(title: string, status: "active" | "draft" = "active"): Promise<{ id: string; slug: string }> {
	const res = await h.call("POST", "/catalog/admin/products", {
		caller: ADMIN,
		body: {
			kind: "physical",
			status,
			title,
			categoryId,
			variants: [{ sku: `MAP-${Math.random().toString(36).slice(2, 10)}`, prices: [{ amount: 900, currency: "USD" }] }],
		},
	});
	expect(res.status).toBe(201);
	return json(res);
}

async function sitemap(query = ""): Promise<SitemapPage> {
	const res = await h.call("GET", `/catalog/sitemap${query}`);
	expect(res.status).toBe(200);
	return SitemapPageSchema.parse(await json(res));
}

describe("sitemap pages", () => {
	test("list exactly the active products, paged in a stable order, and drop an archived one", async () => {
		const a = await create("Alps Hiking Map");
		const b = await create("Pyrenees Hiking Map");
		const c = await create("Dolomites Hiking Map");
		await create("Unpublished Map", "draft");
		const all = await sitemap();
		expect(all.items.map((i) => i.slug)).toEqual([a.slug, b.slug, c.slug]);
		expect(all.totalProducts).toBe(3);
		const second = await sitemap("?page=2&size=2");
		expect(second.items.map((i) => i.slug)).toEqual([c.slug]);
		expect(second.totalProducts).toBe(3);

		expect((await h.call("POST", `/catalog/admin/products/${b.id}/archive`, { caller: ADMIN })).status).toBe(200);
		const after = await sitemap();
		expect(after.items.map((i) => i.slug)).toEqual([a.slug, c.slug]);
		expect(after.version).toBeGreaterThan(all.version);
	});

	test("refuses a page size past the protocol's limit and unknown parameters", async () => {
		for (const q of ["?size=50001", "?page=0", "?page=x", "?sort=slug"]) {
			const res = await h.call("GET", `/catalog/sitemap${q}`);
			expect(res.status, q).toBe(400);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
	});
});
