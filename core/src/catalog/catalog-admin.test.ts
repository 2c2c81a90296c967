import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
	type CatalogEvent,
	Category as CategorySchema,
	ImageRef as ImageRefSchema,
	type Product,
	type ProductInput,
	type ProductList,
	Product as ProductSchema,
	Variant as VariantSchema,
} from "@bazaar/contracts";
import { sign } from "@bazaar/signature";
import { PNG } from "pngjs";
import { busOutbox } from "../catalog/schema";
import { ADMIN, type Harness, harness, json, SECRET, SHOPPER } from "../testing/harness";
import { catalogEventOf } from "../workflows/edge-push";

let h: Harness;
let rootId: string;
let leafId: string;

beforeAll(async () => {
	h = await harness();
	const root = await json<{ id: string }>(
		await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Outdoor Gear" } }),
	);
	rootId = root.id;
	const leaf = await json<{ id: string }>(
		await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Tents", parentId: rootId } }),
	);
	leafId = leaf.id;
});
afterAll(() => h?.close());

const tent = (over: Partial<ProductInput> = {}) => ({
	kind: "physical",
	title: "Summit Two-Person Tent",
	description: "A light tent for two.",
	brand: "Summitline",
	categoryId: leafId,
	attributes: { colour: ["green", "orange"], season: ["3-season"] },
	variants: [
		{
			sku: `TENT-G-${Math.random().toString(36).slice(2, 8)}`,
			options: { colour: "green" },
			prices: [
				{ amount: 19900, currency: "USD" },
				{ amount: 18900, currency: "EUR" },
			],
		},
		{
			sku: `TENT-O-${Math.random().toString(36).slice(2, 8)}`,
			options: { colour: "orange" },
			prices: [{ amount: 17900, currency: "USD" }],
			compareAtPrices: [{ amount: 21900, currency: "USD" }],
			inStock: false,
		},
	],
	...over,
});

async function events(): Promise<CatalogEvent[]> {
	const rows = await h.mod.catalog.database.db.select().from(busOutbox).orderBy(busOutbox.seq);
	return rows.map((r) => catalogEventOf(JSON.parse(r.payload)));
}

async function version(): Promise<number> {
	return (await json<{ version: number }>(await h.call("GET", "/catalog/version"))).version;
}

describe("admin writes", () => {
	test("create product → 201, derived price/stock, event and version bump in one transaction", async () => {
		const before = await version();
		const eventsBefore = (await events()).length;
		const res = await h.call("POST", "/catalog/admin/products", { caller: ADMIN, body: tent() });
		expect(res.status).toBe(201);
		const p = ProductSchema.parse(await json(res));
		expect(p.slug).toBe("summit-two-person-tent");
		expect(p.options).toEqual([{ name: "colour", values: ["green", "orange"] }]);
		expect(await version()).toBe(before + 1);
		const evs = await events();
		expect(evs.length).toBe(eventsBefore + 1);
		expect(evs.at(-1)).toMatchObject({
			type: "catalog.product.created",
			version: before + 1,
			data: { productId: p.id, slug: p.slug },
		});

		const list = await json<ProductList>(await h.call("GET", `/catalog/products?category=outdoor-gear`));
		const summary = list.items.find((i) => i.id === p.id);
		expect(summary?.price).toEqual({ amount: 17900, currency: "USD" });
		expect(summary?.compareAtPrice).toEqual({ amount: 21900, currency: "USD" });
		expect(summary?.inStock).toBe(true);
		// Only one variant has a EUR price; the product still lists in EUR at that price.
		const eur = await json<ProductList>(await h.call("GET", `/catalog/products?category=outdoor-gear&currency=EUR`));
		expect(eur.items.find((i) => i.id === p.id)?.price).toEqual({ amount: 18900, currency: "EUR" });

		// The same slug again is derived to a free one; an explicit taken slug is a 409.
		const again = ProductSchema.parse(
			await json(await h.call("POST", "/catalog/admin/products", { caller: ADMIN, body: tent() })),
		);
		expect(again.slug).toBe("summit-two-person-tent-2");
		const taken = await h.call("POST", "/catalog/admin/products", { caller: ADMIN, body: tent({ slug: p.slug }) });
		expect(taken.status).toBe(409);
		const dupSku = tent();
		const sku = dupSku.variants[0]?.sku as string;
		await h.call("POST", "/catalog/admin/products", { caller: ADMIN, body: dupSku });
		const dup = await h.call("POST", "/catalog/admin/products", {
			caller: ADMIN,
			body: { ...tent(), variants: [{ sku, prices: [{ amount: 1, currency: "USD" }] }] },
		});
		expect(dup.status).toBe(409);
	});

	test("a failed write changes nothing: no version bump, no event", async () => {
		const before = await version();
		const n = (await events()).length;
		const bad = await h.call("POST", "/catalog/admin/products", {
			caller: ADMIN,
			body: tent({ categoryId: "cat_01UNKNOWN" }),
		});
		expect(bad.status).toBe(400);
		expect(await version()).toBe(before);
		expect((await events()).length).toBe(n);
	});

	test("update, archive, variants: each emits its event and the public view follows at once", async () => {
		const p = ProductSchema.parse(
			await json(
				await h.call("POST", "/catalog/admin/products", { caller: ADMIN, body: tent({ title: "Ridge Tent" }) }),
			),
		);
		expect((await h.call("GET", `/catalog/products/${p.slug}`)).status).toBe(200);

		const patched = await h.call("PATCH", `/catalog/admin/products/${p.id}`, {
			caller: ADMIN,
			body: { title: "Ridge Tent Pro", slug: "ridge-tent-pro", attributes: { season: ["4-season"] } },
		});
		expect(patched.status).toBe(200);
		const updated = ProductSchema.parse(await json(patched));
		expect(updated.title).toBe("Ridge Tent Pro");
		expect(updated.attributes).toEqual({ season: ["4-season"] });
		expect((await events()).at(-1)).toMatchObject({
			type: "catalog.product.updated",
			data: { slug: "ridge-tent-pro", previousSlug: p.slug },
		});
		expect((await h.call("GET", `/catalog/products/${p.slug}`)).status).toBe(404);
		expect((await h.call("GET", "/catalog/products/ridge-tent-pro")).status).toBe(200);
		const found = await json<ProductList>(await h.call("GET", "/catalog/search?q=ridge%20pro"));
		expect(found.items.map((i) => i.id)).toContain(p.id);

		const variant = await h.call("POST", `/catalog/admin/products/${p.id}/variants`, {
			caller: ADMIN,
			body: {
				sku: `TENT-B-${p.id.slice(-6)}`,
				options: { colour: "blue" },
				prices: [{ amount: 9900, currency: "USD" }],
			},
		});
		expect(variant.status).toBe(201);
		const v = VariantSchema.parse(await json(variant));
		expect(v.title).toBe("blue");
		let list = await json<ProductList>(await h.call("GET", "/catalog/products?category=tents&limit=100"));
		expect(list.items.find((i) => i.id === p.id)?.price.amount).toBe(9900);

		// A PATCH of the price alone keeps the rest of the variant (options, stock, weight).
		const priced = await h.call("PATCH", `/catalog/admin/variants/${v.id}`, {
			caller: ADMIN,
			body: { prices: [{ amount: 8900, currency: "USD" }] },
		});
		expect(priced.status).toBe(200);
		const pv = VariantSchema.parse(await json(priced));
		expect(pv.options).toEqual({ colour: "blue" });
		expect(pv.inStock).toBe(true);
		expect((await events()).at(-1)?.type).toBe("catalog.variant.updated");
		list = await json<ProductList>(await h.call("GET", "/catalog/products?category=tents&limit=100"));
		expect(list.items.find((i) => i.id === p.id)?.price.amount).toBe(8900);

		const stock = await h.call("PATCH", `/catalog/admin/variants/${v.id}`, { caller: ADMIN, body: { inStock: false } });
		expect(VariantSchema.parse(await json(stock)).prices).toEqual([{ amount: 8900, currency: "USD" }]);

		const archived = await h.call("POST", `/catalog/admin/products/${p.id}/archive`, { caller: ADMIN });
		expect(archived.status).toBe(200);
		expect(ProductSchema.parse(await json(archived)).status).toBe("archived");
		expect((await events()).at(-1)?.type).toBe("catalog.product.archived");
		expect((await h.call("GET", "/catalog/products/ridge-tent-pro")).status).toBe(404);
		expect((await h.call("GET", `/catalog/admin/products/${p.id}`, { caller: ADMIN })).status).toBe(200);
		list = await json<ProductList>(await h.call("GET", "/catalog/products?category=tents&limit=100"));
		expect(list.items.some((i) => i.id === p.id)).toBe(false);
	});

	test("categories: create, rename (search follows), refuse cycles", async () => {
		const created = await h.call("POST", "/catalog/admin/categories", {
			caller: ADMIN,
			body: { name: "Hammocks", parentId: rootId, position: 3 },
		});
		expect(created.status).toBe(201);
		const cat = CategorySchema.parse(await json(created));
		expect(cat.slug).toBe("hammocks");
		expect((await events()).at(-1)?.type).toBe("catalog.category.created");

		const renamed = await h.call("PATCH", `/catalog/admin/categories/${leafId}`, {
			caller: ADMIN,
			body: { name: "Shelters" },
		});
		expect(renamed.status).toBe(200);
		expect((await events()).at(-1)?.type).toBe("catalog.category.updated");
		const found = await json<ProductList>(await h.call("GET", "/catalog/search?q=shelters"));
		expect(found.items.length).toBeGreaterThan(0);

		const cycle = await h.call("PATCH", `/catalog/admin/categories/${rootId}`, {
			caller: ADMIN,
			body: { parentId: leafId },
		});
		expect(cycle.status).toBe(400);
		const self = await h.call("PATCH", `/catalog/admin/categories/${rootId}`, {
			caller: ADMIN,
			body: { parentId: rootId },
		});
		expect(self.status).toBe(400);
		const slugTaken = await h.call("POST", "/catalog/admin/categories", {
			caller: ADMIN,
			body: { name: "X", slug: "hammocks" },
		});
		expect(slugTaken.status).toBe(409);
	});

	test("image upload: PNG → three sizes stored and served; anything else → 415", async () => {
		const p = ProductSchema.parse(
			await json(
				await h.call("POST", "/catalog/admin/products", { caller: ADMIN, body: tent({ title: "Pictured Tent" }) }),
			),
		);
		const png = new PNG({ width: 1600, height: 900 });
		for (let i = 0; i < png.data.length; i += 4) {
			png.data[i] = (i / 4) % 1600 < 800 ? 200 : 20;
			png.data[i + 1] = 120;
			png.data[i + 2] = 60;
			png.data[i + 3] = 255;
		}
		const pngBase64 = PNG.sync.write(png).toString("base64");
		const res = await h.call("POST", `/catalog/admin/products/${p.id}/images`, {
			caller: ADMIN,
			body: { alt: "Tent in a field", pngBase64 },
		});
		expect(res.status).toBe(201);
		const ref = ImageRefSchema.parse(await json(res));
		expect(ref.sources.map((s) => [s.size, s.width, s.height])).toEqual([
			["thumb", 160, 90],
			["card", 480, 270],
			["full", 1200, 675],
		]);
		expect((await events()).at(-1)?.type).toBe("catalog.image.added");
		const full = await h.call("GET", `/catalog/images/${ref.sources[2]?.hash}`);
		const decoded = PNG.sync.read(Buffer.from(await full.arrayBuffer()));
		expect([decoded.width, decoded.height]).toEqual([1200, 675]);
		expect(decoded.data[0]).toBe(200); // left half stays the left half's colour after downscaling
		const detail = await json<Product>(await h.call("GET", `/catalog/products/${p.slug}`));
		expect(detail.images[0]?.alt).toBe("Tent in a field");

		const gif = Buffer.from("GIF89a....").toString("base64");
		const notPng = await h.call("POST", `/catalog/admin/products/${p.id}/images`, {
			caller: ADMIN,
			body: { alt: "x", pngBase64: gif },
		});
		expect(notPng.status).toBe(415);
		const corrupt = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), Buffer.from("garbage")]).toString(
			"base64",
		);
		expect(
			(
				await h.call("POST", `/catalog/admin/products/${p.id}/images`, {
					caller: ADMIN,
					body: { alt: "x", pngBase64: corrupt },
				})
			).status,
		).toBe(415);
		expect(
			(
				await h.call("POST", `/catalog/admin/products/${p.id}/images`, {
					caller: ADMIN,
					body: { alt: "x", pngBase64: "%%%" },
				})
			).status,
		).toBe(415);
	});
});

describe("refusals", () => {
	test("unsigned, tampered and stale calls are 401 problems; /healthz is open", async () => {
		expect((await h.app.request("/healthz")).status).toBe(200);
		expect(await (await h.app.request("/healthz")).json()).toEqual({ ok: true, service: "core" });
		const unsigned = await h.app.request("/catalog/products");
		expect(unsigned.status).toBe(401);
		expect(unsigned.headers.get("content-type")).toContain("application/problem+json");

		const path = "/catalog/products?limit=5";
		const headers = await sign({ secret: SECRET, method: "GET", path });
		expect((await h.app.request(path, { headers })).status).toBe(200);
		expect((await h.app.request("/catalog/products?limit=6", { headers })).status).toBe(401);
		expect((await h.app.request(path, { headers: { ...headers, "x-bazaar-roles": "admin" } })).status).toBe(401);
		const stale = await sign({ secret: SECRET, method: "GET", path, now: Date.now() - 301_000 });
		expect((await h.app.request(path, { headers: stale })).status).toBe(401);
		const wrongKey = await sign({ secret: "another-secret-entirely", method: "GET", path });
		expect((await h.app.request(path, { headers: wrongKey })).status).toBe(401);

		const body = JSON.stringify({ name: "Sneaky" });
		const signed = await sign({
			secret: SECRET,
			method: "POST",
			path: "/catalog/admin/categories",
			body,
			caller: ADMIN,
		});
		const tampered = await h.app.request("/catalog/admin/categories", {
			method: "POST",
			headers: signed,
			body: JSON.stringify({ name: "Sneakier" }),
		});
		expect(tampered.status).toBe(401);
	});

	test("non-admin callers get 403 on admin routes", async () => {
		const res = await h.call("POST", "/catalog/admin/categories", { caller: SHOPPER, body: { name: "Nope" } });
		expect(res.status).toBe(403);
		expect(
			(await h.call("GET", "/catalog/admin/products/prod_01ABC", { caller: { user: "x", roles: [] } })).status,
		).toBe(403);
		const manager = await h.call("POST", "/catalog/admin/categories", {
			caller: { user: "m", roles: ["catalog_manager"] },
			body: { name: "Managed" },
		});
		expect(manager.status).toBe(201);
	});

	test("bad input is a 4xx problem, never a 5xx", async () => {
		const post = (path: string, body: unknown, headers?: Record<string, string>) =>
			h.call("POST", path, { caller: ADMIN, body, headers });
		const cases: [Promise<Response>, number][] = [
			[post("/catalog/admin/products", "{not json"), 400],
			[post("/catalog/admin/products", ""), 400],
			[post("/catalog/admin/products", "[]"), 400],
			[post("/catalog/admin/products", { ...tent(), title: 42 }), 400],
			[post("/catalog/admin/products", { ...tent(), variants: [] }), 400],
			[post("/catalog/admin/products", { ...tent(), kind: "digital" }), 400],
			[
				post("/catalog/admin/products", { ...tent(), digital: { format: "PDF", sizeBytes: 1, delivery: "download" } }),
				400,
			],
			[post("/catalog/admin/products", { ...tent(), extra: true }), 400],
			[
				post("/catalog/admin/products", {
					...tent(),
					variants: [{ sku: "A-1", prices: [{ amount: 1.5, currency: "USD" }] }],
				}),
				400,
			],
			[
				post("/catalog/admin/products", {
					...tent(),
					variants: [
						{
							sku: "A-2",
							prices: [{ amount: 100, currency: "USD" }],
							compareAtPrices: [{ amount: 200, currency: "EUR" }],
						},
					],
				}),
				400,
			],
			[post("/catalog/admin/products", tent(), { "content-type": "text/plain" }), 415],
			[post("/catalog/admin/products", "x".repeat(1024 * 1024 + 10)), 413],
			[
				post(`/catalog/admin/products/prod_01UNKNOWN/variants`, {
					sku: "Z-1",
					prices: [{ amount: 1, currency: "USD" }],
				}),
				404,
			],
			[post("/catalog/admin/products/not-an-id/archive", {}), 404],
			[h.call("PATCH", "/catalog/admin/products/prod_01UNKNOWN", { caller: ADMIN, body: { title: "x" } }), 404],
			[h.call("PATCH", "/catalog/admin/variants/var_01UNKNOWN", { caller: ADMIN, body: { inStock: false } }), 404],
			[h.call("PATCH", "/catalog/admin/categories/cat_01UNKNOWN", { caller: ADMIN, body: { name: "x" } }), 404],
			[h.call("GET", "/catalog/admin/products/prod_01UNKNOWN", { caller: ADMIN }), 404],
			[h.call("GET", "/catalog/nowhere"), 404],
			[h.call("DELETE", "/catalog/products"), 404],
			[post(`/catalog/admin/products/prod_01UNKNOWN/images`, { alt: "x", pngBase64: "x".repeat(9_000_000) }), 400],
		];
		for (const [pending, status] of cases) {
			const res = await pending;
			const problem = await json<{ status: number; title: string }>(res);
			expect({ status: res.status, body: problem.status }).toEqual({ status, body: status });
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		const huge = await post(`/catalog/admin/products/prod_01UNKNOWN/images`, "x".repeat(11 * 1024 * 1024));
		expect(huge.status).toBe(413);
	});
});
