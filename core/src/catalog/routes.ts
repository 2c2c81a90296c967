import { Id, parseProductQuery, SitemapQuery, Slug } from "@bazaar/contracts";
import { catalogAdmin } from "@bazaar/contracts/admin-routes";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { z } from "zod";
import { adminRouter } from "../lib/admin-router";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, cachedResponse, jsonResponse, rawJson, requireRole } from "../lib/http";
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

	return app;
}

/**
 * Products, variants, images, categories and markets for staff (mount under /catalog/admin): each
 * route is its definition in packages/contracts/src/admin-routes/catalog.ts.
 */
export function catalogAdminRoutes(mod: CatalogModule): OpenAPIHono<AppEnv> {
	const { catalog } = mod;
	const admin = adminRouter();
	admin.use("*", requireRole(...ADMIN_ROLES));
	// A string that cannot be an id names nothing: the same 404 as an unknown one.
	const id = (raw: string, what: string) => {
		if (!Id.safeParse(raw).success) throw new NotFoundError(`${what} ${raw.slice(0, 40)}`);
		return raw;
	};

	admin.openapi(catalogAdmin.listProducts, async (c) =>
		jsonResponse(await listAdminProducts(catalog, c.req.valid("query"))),
	);
	admin.openapi(catalogAdmin.createProduct, async (c) =>
		jsonResponse(await createProduct(catalog, c.req.valid("json")), 201),
	);
	admin.openapi(catalogAdmin.getProduct, async (c) =>
		jsonResponse(await getProductById(catalog, id(c.req.valid("param").id, "Product"))),
	);
	admin.openapi(catalogAdmin.updateProduct, async (c) =>
		jsonResponse(await updateProduct(catalog, id(c.req.valid("param").id, "Product"), c.req.valid("json"))),
	);
	admin.openapi(catalogAdmin.archiveProduct, async (c) =>
		jsonResponse(await archiveProduct(catalog, id(c.req.valid("param").id, "Product"))),
	);
	admin.openapi(catalogAdmin.addVariant, async (c) =>
		jsonResponse(await addVariant(catalog, id(c.req.valid("param").id, "Product"), c.req.valid("json")), 201),
	);
	admin.openapi(catalogAdmin.addImage, async (c) =>
		jsonResponse(await addImage(catalog, id(c.req.valid("param").id, "Product"), c.req.valid("json")), 201),
	);
	admin.openapi(catalogAdmin.updateVariant, async (c) => {
		const variantId = id(c.req.valid("param").id, "Variant");
		const patch = onlySent(c.req.valid("json"), rawJson(c));
		return jsonResponse(await updateVariant(catalog, variantId, patch));
	});
	admin.openapi(catalogAdmin.getMarkets, async () => jsonResponse(await listMarkets(catalog)));
	admin.openapi(catalogAdmin.replaceMarkets, async (c) =>
		jsonResponse(await saveMarkets(catalog, c.req.valid("json"))),
	);
	admin.openapi(catalogAdmin.createCategory, async (c) =>
		jsonResponse(await createCategory(catalog, c.req.valid("json")), 201),
	);
	admin.openapi(catalogAdmin.updateCategory, async (c) =>
		jsonResponse(await updateCategory(catalog, id(c.req.valid("param").id, "Category"), c.req.valid("json"))),
	);
	return admin;
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
