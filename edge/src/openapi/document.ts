import { ProductQuery } from "@bazaar/contracts";
import { z } from "zod";
import { accountPaths } from "./account-paths";
import { adminBusPaths } from "./admin-bus-paths";
import { adminDeliveryPaths } from "./admin-delivery-paths";
import { adminOrderPaths } from "./admin-order-paths";
import { adminPaths } from "./admin-paths";
import { adminPaymentPaths } from "./admin-payment-paths";
import { adminPromotionPaths } from "./admin-promotion-paths";
import { cartPaths } from "./cart-paths";
import { checkoutPaths } from "./checkout-paths";
import { componentSchemas } from "./components";
import { flashPaths } from "./flash-paths";
import { mePaths } from "./me-paths";
import { orderPaths } from "./order-paths";
import { type Json, json, problem } from "./parts";
import { adminReviewPaths, reviewPaths } from "./review-paths";
import { sessionPaths } from "./session-paths";
import { supportJoinPaths } from "./support-join-paths";
import { adminSupportPaths, supportPaths } from "./support-paths";

// The OpenAPI 3.1 document is generated from the same zod contracts the edge and core validate
// with, so the reference cannot drift from the code. Built once per isolate, on first request.

const PARAM_DOCS: Record<string, string> = {
	category: "Category slug; includes the category's descendants.",
	kind: "Only products of this kind.",
	q: "Search text (ranked full-text search with prefix matching).",
	minPrice: "Lowest price, in minor units of `currency` (cents for USD).",
	maxPrice: "Highest price, in minor units of `currency`.",
	currency: "ISO 4217 currency of prices and price filters.",
	inStock: "Only products with a variant in stock.",
	minRating: "Only products whose average customer rating is at least this many stars (1–4).",
	sort: "Order of the list; search defaults to relevance, lists to newest.",
	limit: "Page size, 1 to 100.",
	cursor: "Opaque cursor from a previous page's `nextCursor`.",
};

function queryParameters(requireQ: boolean): Json[] {
	const params: Json[] = [];
	for (const [name, schema] of Object.entries(ProductQuery.shape)) {
		if (name === "attr") continue;
		if (!requireQ && name === "q") continue;
		const json = z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" }) as Json;
		const { $schema: _s, ...rest } = json;
		params.push({
			name,
			in: "query",
			required: requireQ && name === "q",
			description: PARAM_DOCS[name] ?? "",
			schema: rest,
		});
	}
	params.push({
		name: "market",
		in: "query",
		required: false,
		description:
			"A market's code (GET /api/catalog/markets): prices in its currency, the same list as its `currency`. An unknown code, or a `currency` the market does not sell in, is a 400.",
		schema: { type: "string", minLength: 1, maxLength: 40 },
	});
	params.push({
		name: "attr.<name>",
		in: "query",
		required: false,
		description:
			"Attribute filter, repeatable: `attr.colour=red&attr.colour=blue` matches either colour; different attributes must all match. Names are a-z, 0-9 and _.",
		schema: { type: "string", minLength: 1, maxLength: 80 },
	});
	return params;
}

const cached = {
	ETag: { description: "Strong validator; send it back in If-None-Match.", schema: { type: "string" } },
	"Cache-Control": { description: "Short public freshness with stale-while-revalidate.", schema: { type: "string" } },
};
const ok = (id: string, description: string) => ({ ...json(id, description), headers: cached });
const notModified = { description: "Not modified (If-None-Match matched the ETag)." };

export function buildOpenApi(): Json {
	const schemas = componentSchemas();
	return {
		openapi: "3.1.0",
		info: {
			title: "Bazaar public API",
			version: "1.0.0",
			description:
				"Catalog reads served from the edge (cached per catalog version; ETag/304 supported); sign-in for API clients (`POST /api/session`, then `Authorization: Bearer <token>`); the shopper's cart, checkout and orders; and the admin API for staff accounts. Browsers may use the storefront's session cookie instead of a token; then every write must be same-site with `content-type: application/json` (CSRF). Errors are RFC 9457 problem details (`application/problem+json`).",
		},
		servers: [{ url: "/" }],
		tags: [
			{ name: "catalog", description: "Public, cacheable catalog reads." },
			{ name: "images", description: "Content-addressed product images." },
			{ name: "session", description: "Sign in and out; the token works as `Authorization: Bearer`." },
			{
				name: "account",
				description: "Sign up, reset a password, the profile and the address book, as the account pages do.",
			},
			{ name: "shop", description: "The storefront header's personal bits." },
			{
				name: "cart",
				description:
					"The shopping cart: a signed-in customer's, or a guest's named by a cookie or the `x-bazaar-cart-token` header. Answers are never cached.",
			},
			{ name: "checkout", description: "Price the cart for an address and place the order (signed-in customers)." },
			{ name: "orders", description: "The signed-in customer's orders." },
			{
				name: "admin",
				description:
					"For staff accounts (admin, catalog_manager, support_agent), with a bearer token or the storefront's cookie. `/api/admin/<area>/…` forwards to the core's admin routes for catalog, identity, inventory, orders (with refunds), payment and fulfillment; each operation names the roles the core requires.",
			},
			{
				name: "support chat",
				description:
					"Live support: a ticket to join a chat room over a WebSocket (`POST /api/support/join`), and a message for the team when no agent is online.",
			},
			{ name: "ops", description: "Health." },
		],
		paths: {
			"/api/catalog/products": {
				get: {
					tags: ["catalog"],
					operationId: "listProducts",
					summary: "List products",
					description: "Filter by category, kind, price, stock and attributes; cursor pagination.",
					parameters: queryParameters(false),
					responses: {
						"200": ok("ProductList", "A page of products."),
						"304": notModified,
						"400": problem("The query is not valid (unknown or repeated parameter, bad value)."),
					},
				},
			},
			"/api/catalog/search": {
				get: {
					tags: ["catalog"],
					operationId: "searchProducts",
					summary: "Search products",
					description: "Full-text search over titles, brands and descriptions; takes the same filters as the list.",
					parameters: queryParameters(true),
					responses: {
						"200": ok("ProductList", "Ranked results."),
						"304": notModified,
						"400": problem("`q` is missing or the query is not valid."),
					},
				},
			},
			"/api/catalog/products/{slug}": {
				get: {
					tags: ["catalog"],
					operationId: "getProduct",
					summary: "Get a product",
					parameters: [
						{
							name: "slug",
							in: "path",
							required: true,
							schema: { type: "string", pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$" },
						},
					],
					responses: {
						"200": ok("Product", "The product with variants, images and details."),
						"304": notModified,
						"404": problem("No active product has this slug."),
					},
				},
			},
			"/api/catalog/categories": {
				get: {
					tags: ["catalog"],
					operationId: "listCategories",
					summary: "List categories",
					description: "The whole category tree as a flat list (`parentId` links).",
					responses: {
						"200": ok("CategoryList", "All categories."),
						"304": notModified,
						"400": problem("This list takes no query parameters."),
					},
				},
			},
			"/api/catalog/markets": {
				get: {
					tags: ["catalog"],
					operationId: "listMarkets",
					summary: "List markets",
					description:
						"The markets the shop sells in: each a currency, a locale, an hreflang and the countries whose shoppers land in it. Pages pick one per shopper (`?market=`, the market cookie, else the country); a product without a price in a market's currency is not sold there.",
					responses: {
						"200": ok("MarketList", "Every market and the default one."),
						"304": notModified,
						"400": problem("This list takes no query parameters."),
					},
				},
			},
			"/img/{name}": {
				get: {
					tags: ["images"],
					operationId: "getImage",
					summary: "Get an image",
					description: "`name` is `<sha-256 of the bytes>.<png|jpg|webp>`; responses are immutable.",
					parameters: [
						{
							name: "name",
							in: "path",
							required: true,
							schema: { type: "string", pattern: "^[0-9a-f]{64}\\.(png|jpg|webp)$" },
						},
					],
					responses: {
						"200": {
							description: "The image bytes.",
							content: { "image/png": {}, "image/jpeg": {}, "image/webp": {} },
						},
						"304": notModified,
						"400": problem("Malformed image name."),
						"404": problem("No image has this hash."),
					},
				},
			},
			"/healthz": {
				get: {
					tags: ["ops"],
					operationId: "health",
					summary: "Edge health",
					responses: { "200": { description: '`{"ok":true,"service":"edge"}`' } },
				},
			},
			...sessionPaths(),
			...accountPaths(),
			...mePaths(),
			...cartPaths(),
			...checkoutPaths(),
			...orderPaths(),
			...flashPaths(),
			...supportJoinPaths(),
			...adminPaths(),
			...adminOrderPaths(),
			...adminPaymentPaths(),
			...adminBusPaths(),
			...adminPromotionPaths(),
			...adminDeliveryPaths(),
			...reviewPaths(),
			...adminReviewPaths(),
			...supportPaths(),
			...adminSupportPaths(),
		},
		components: {
			schemas,
			securitySchemes: {
				sessionBearer: {
					type: "http",
					scheme: "bearer",
					description: "The `token` from `POST /api/session`.",
				},
				sessionCookie: {
					type: "apiKey",
					in: "cookie",
					name: "__Host-bazaar_session",
					description:
						"The storefront's session cookie; writes must then be same-site with `content-type: application/json`.",
				},
				guestCartCookie: {
					type: "apiKey",
					in: "cookie",
					name: "__Host-bazaar_cart",
					description:
						"A guest's cart cookie (set when a shopper without an account first adds to a cart): a guest checks out and pays with it.",
				},
			},
		},
	};
}
