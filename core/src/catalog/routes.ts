import {
	AdminProductQuery,
	CategoryInput,
	CategoryPatch,
	Id,
	ImageInput,
	ProductInput,
	ProductPatch,
	parseProductQuery,
	SitemapQuery,
	Slug,
	VariantInput,
	VariantPatch,
} from "@bazaar/contracts";
import { MarketList } from "@bazaar/contracts/market";
import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, cachedResponse, jsonResponse, rawJson, readJson, requireRole } from "../lib/http";
import { addImage } from "./add-image";
import { addVariant } from "./add-variant";
import { archiveProduct } from "./archive-product";
import { catalogVersion } from "./catalog-version";
import { createCategory } from "./create-category";
import { createProduct } from "./create-product";
import { getProductById, getProductBySlug } from "./get-product";
import { imagePath } from "./image-store";
import { listAdminProducts } from "./list-admin-products";
import { listCategories } from "./list-categories";
import { listProducts } from "./list-products";
import { listSitemap } from "./list-sitemap";
import { listMarkets, saveMarkets } from "./markets";
import type { CatalogModule } from "./module";
import { queryOf, readKey } from "./read-keys";
import { searchProducts } from "./search-products";
import { updateCategory } from "./update-category";
import { updateProduct } from "./update-product";
import { updateVariant } from "./update-variant";

// A thin adapter: validate with the shared contracts, call one service verb, send the result.
// Reads go through the versioned cache as pre-serialised bytes with an ETag.

export const ADMIN_ROLES = ["admin", "catalog_manager"];

export function catalogRoutes(mod: CatalogModule): Hono<AppEnv> {
	const { catalog, cache } = mod;
	const app = new Hono<AppEnv>();

	const query = (url: string) => {
		const parsed = parseProductQuery(new URL(url).searchParams);
		if (!parsed.success) throw parsed.error;
		return parsed.data;
	};

	// A query that fails validation throws inside the build, so it is never cached.
	app.get("/products", async (c) => {
		const entry = await cache.get(readKey.list(queryOf(c.req.url)), async () =>
			JSON.stringify(await listProducts(catalog, query(c.req.url))),
		);
		return cachedResponse(c, entry);
	});

	app.get("/search", async (c) => {
		const entry = await cache.get(readKey.search(queryOf(c.req.url)), async () =>
			JSON.stringify(await searchProducts(catalog, query(c.req.url))),
		);
		return cachedResponse(c, entry);
	});

	app.get("/products/:slug", async (c) => {
		const slug = c.req.param("slug");
		// A string that cannot be a slug names no product: 404, like any unknown one.
		if (!Slug.safeParse(slug).success) throw new NotFoundError(`Product "${slug.slice(0, 80)}"`);
		const entry = await cache.get(readKey.product(slug), async () =>
			JSON.stringify(await getProductBySlug(catalog, slug)),
		);
		return cachedResponse(c, entry);
	});

	app.get("/categories", async (c) => {
		const entry = await cache.get(readKey.categories(), async () => JSON.stringify(await listCategories(catalog)));
		return cachedResponse(c, entry);
	});

	app.get("/sitemap", async (c) => {
		const parsed = SitemapQuery.parse(Object.fromEntries(new URL(c.req.url).searchParams));
		const entry = await cache.get(readKey.sitemap(parsed.page, parsed.size), async () =>
			JSON.stringify(await listSitemap(catalog, parsed)),
		);
		return cachedResponse(c, entry);
	});

	app.get("/markets", async (c) => {
		const entry = await cache.get(readKey.markets(), async () => JSON.stringify(await listMarkets(catalog)));
		return cachedResponse(c, entry);
	});

	app.get("/version", async () => jsonResponse(await catalogVersion(catalog)));

	app.get("/images/:hash", async (c) => {
		const hash = c.req.param("hash");
		const path = imagePath(catalog.imagesDir, hash);
		const file = path ? Bun.file(path) : null;
		if (!file || !(await file.exists())) throw new NotFoundError(`Image ${hash.slice(0, 64)}`);
		const headers = {
			"content-type": "image/png",
			"cache-control": "public, max-age=31536000, immutable",
			etag: `"${hash}"`,
		};
		if (c.req.header("if-none-match")?.includes(hash)) return new Response(null, { status: 304, headers });
		return new Response(file, { headers });
	});

	// ---- admin ---------------------------------------------------------------------------------
	const admin = new Hono<AppEnv>();
	admin.use("*", requireRole(...ADMIN_ROLES));
	const id = (raw: string, what: string) => {
		if (!Id.safeParse(raw).success) throw new NotFoundError(`${what} ${raw.slice(0, 40)}`);
		return raw;
	};

	admin.get("/products", async (c) =>
		jsonResponse(await listAdminProducts(catalog, AdminProductQuery.parse(c.req.query()))),
	);
	admin.post("/products", async (c) => jsonResponse(await createProduct(catalog, readJson(c, ProductInput)), 201));
	admin.get("/products/:id", async (c) =>
		jsonResponse(await getProductById(catalog, id(c.req.param("id"), "Product"))),
	);
	admin.patch("/products/:id", async (c) =>
		jsonResponse(await updateProduct(catalog, id(c.req.param("id"), "Product"), readJson(c, ProductPatch))),
	);
	admin.post("/products/:id/archive", async (c) =>
		jsonResponse(await archiveProduct(catalog, id(c.req.param("id"), "Product"))),
	);
	admin.post("/products/:id/variants", async (c) =>
		jsonResponse(await addVariant(catalog, id(c.req.param("id"), "Product"), readJson(c, VariantInput)), 201),
	);
	admin.patch("/variants/:id", async (c) => {
		const variantId = id(c.req.param("id"), "Variant");
		const patch = onlySent(readJson(c, VariantPatch), rawJson(c));
		return jsonResponse(await updateVariant(catalog, variantId, patch));
	});
	admin.post("/categories", async (c) => jsonResponse(await createCategory(catalog, readJson(c, CategoryInput)), 201));
	admin.patch("/categories/:id", async (c) =>
		jsonResponse(await updateCategory(catalog, id(c.req.param("id"), "Category"), readJson(c, CategoryPatch))),
	);
	admin.post("/products/:id/images", async (c) =>
		jsonResponse(await addImage(catalog, id(c.req.param("id"), "Product"), readJson(c, ImageInput)), 201),
	);

	admin.get("/markets", async () => jsonResponse(await listMarkets(catalog)));
	admin.put("/markets", async (c) => jsonResponse(await saveMarkets(catalog, readJson(c, MarketList))));

	app.route("/admin", admin);
	return app;
}

/**
 * VariantPatch is VariantInput made partial, and zod still fills the input's defaults in
 * (options {}, inStock true, ...): a PATCH of the price alone would reset the stock flag.
 * Keep only the fields the client actually sent.
 */
function onlySent<T extends Record<string, unknown>>(parsed: T, raw: unknown): T {
	const sent = z.record(z.string(), z.unknown()).safeParse(raw);
	if (!sent.success) return parsed;
	return Object.fromEntries(Object.entries(parsed).filter(([k]) => k in sent.data)) as T;
}
