import { createRoute } from "@hono/zod-openapi";
import {
	AdminProductList,
	AdminProductQuery,
	Category,
	CategoryInput,
	CategoryPatch,
	ImageInput,
	ImageRef,
	Product,
	ProductInput,
	ProductPatch,
	Variant,
	VariantInput,
	VariantPatch,
} from "../catalog";
import { DEFAULT_MARKETS, MarketList } from "../market";
import { answer, body, idParams, problem } from "./kit";

// The catalog area (core /catalog/admin/*, edge /api/admin/catalog/*): products in every status,
// their variants and images, categories and the markets. Every change is a catalog event and moves
// the catalog version, so the shop's cached pages follow.

const ROLE = "Role: admin or catalog_manager.";
const id = idParams("id");
const invalid = problem("The body is not valid (a category that does not exist included).");
/** A category id no test stack has: the examples are replayed against the shared test catalog. */
const CATEGORY = "cat_01JEXAMPLECATEGORY00000";

export const listProducts = createRoute({
	method: "get",
	path: "/products",
	summary: "List products of every status",
	description: `${ROLE} Drafts and archived products too (the shop's lists show active ones only), newest first; \`q\` matches words of the title, brand, description or category, or an exact slug or id; \`category\` is that category (slug) and those below it.`,
	request: { query: AdminProductQuery },
	responses: {
		200: answer(AdminProductList, "A page of products."),
		400: problem("A malformed filter, a limit over 100, or a cursor this list did not give out."),
		404: problem("No such category."),
	},
});

export const createProduct = createRoute({
	method: "post",
	path: "/products",
	summary: "Create a product",
	description: `${ROLE} With its variants (one SKU each); the slug is derived from the title when not given.`,
	request: {
		body: body(ProductInput, {
			kind: "physical",
			status: "draft",
			title: "Ridge tent, two person",
			categoryId: CATEGORY,
			variants: [{ sku: "RIDGE-2P-GRN", options: { colour: "green" }, prices: [{ amount: 24900, currency: "USD" }] }],
		}),
	},
	responses: {
		201: answer(Product, "Created."),
		400: invalid,
		409: problem("The slug is in use, or two variants share a SKU."),
	},
});

export const getProduct = createRoute({
	method: "get",
	path: "/products/{id}",
	summary: "Get a product in any status",
	description: ROLE,
	request: { params: id },
	responses: { 200: answer(Product, "The product."), 404: problem("No such product.") },
});

export const updateProduct = createRoute({
	method: "patch",
	path: "/products/{id}",
	summary: "Update a product",
	description: `${ROLE} Only the fields sent change.`,
	request: { params: id, body: body(ProductPatch, { title: "Ridge tent, two person (2027)" }) },
	responses: {
		200: answer(Product, "Updated."),
		400: invalid,
		404: problem("No such product."),
		409: problem("The slug is in use."),
	},
});

export const archiveProduct = createRoute({
	method: "post",
	path: "/products/{id}/archive",
	summary: "Archive a product",
	description: `${ROLE} It leaves the shop's pages and lists; orders keep it. No body.`,
	request: { params: id },
	responses: { 200: answer(Product, "Archived."), 404: problem("No such product.") },
});

export const addVariant = createRoute({
	method: "post",
	path: "/products/{id}/variants",
	summary: "Add a variant",
	description: ROLE,
	request: {
		params: id,
		body: body(VariantInput, {
			sku: "RIDGE-2P-RED",
			options: { colour: "red" },
			prices: [{ amount: 24900, currency: "USD" }],
		}),
	},
	responses: {
		201: answer(Variant, "Created."),
		400: problem("The body is not valid."),
		404: problem("No such product."),
		409: problem("The SKU is in use."),
	},
});

export const addImage = createRoute({
	method: "post",
	path: "/products/{id}/images",
	summary: "Add an image",
	description: `${ROLE} A PNG, base64-encoded (up to 8 MB of it); the core makes thumb, card and full sizes.`,
	request: {
		params: id,
		body: body(ImageInput, {
			alt: "The tent pitched on a ridge",
			pngBase64: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
		}),
	},
	responses: {
		201: answer(ImageRef, "Created; the core made thumb, card and full sizes."),
		400: problem("The body is not valid."),
		404: problem("No such product."),
		415: problem(
			"`pngBase64` is not a PNG (or not base64); or the body is not `content-type: application/json` (or, without a bearer token, no such type at all).",
		),
	},
});

export const updateVariant = createRoute({
	method: "patch",
	path: "/variants/{id}",
	summary: "Update a variant (prices, stock, options)",
	description: `${ROLE} Only the fields sent change.`,
	request: { params: id, body: body(VariantPatch, { inStock: false }) },
	responses: {
		200: answer(Variant, "Updated."),
		400: problem("The body is not valid."),
		404: problem("No such variant."),
	},
});

export const getMarkets = createRoute({
	method: "get",
	path: "/markets",
	summary: "The markets",
	description: ROLE,
	responses: { 200: answer(MarketList, "Every market and the default one.") },
});

export const replaceMarkets = createRoute({
	method: "put",
	path: "/markets",
	summary: "Replace the markets",
	description: `${ROLE} The whole list: codes and countries unique, the default one of them. A change moves the catalog version, so every page is rendered anew in its market.`,
	request: {
		// The list a fresh shop starts with: replaying it leaves the shared test shop as it was.
		body: body(MarketList, DEFAULT_MARKETS),
	},
	responses: {
		200: answer(MarketList, "Replaced."),
		400: problem("The body is not valid (a code or country twice, a default that is not one of them)."),
	},
});

export const createCategory = createRoute({
	method: "post",
	path: "/categories",
	summary: "Create a category",
	description: `${ROLE} The slug is derived from the name when not given.`,
	request: {
		body: body(CategoryInput, { name: "Tents", parentId: CATEGORY, position: 2 }),
	},
	responses: {
		201: answer(Category, "Created."),
		400: problem("The body is not valid (a parent category that does not exist included)."),
		409: problem("The slug is in use."),
	},
});

export const updateCategory = createRoute({
	method: "patch",
	path: "/categories/{id}",
	summary: "Update a category",
	description: `${ROLE} Only the fields sent change; a category cannot be moved below itself.`,
	request: { params: id, body: body(CategoryPatch, { name: "Tents and shelters" }) },
	responses: {
		200: answer(Category, "Updated."),
		400: problem("The body is not valid, or the move would make a cycle."),
		404: problem("No such category."),
		409: problem("The slug is in use."),
	},
});

export const CATALOG_ADMIN_ROUTES = [
	listProducts,
	createProduct,
	getProduct,
	updateProduct,
	archiveProduct,
	addVariant,
	addImage,
	updateVariant,
	getMarkets,
	replaceMarkets,
	createCategory,
	updateCategory,
];
