import { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import { api } from "../api";
import { registerAdminRoutes } from "./admin-routes";
import { NAMED_SCHEMAS } from "./components";
import { SECURITY_SCHEMES } from "./route-kit";

// The OpenAPI 3.1 document, generated from the route definitions the Worker serves with
// (`api.openAPIRegistry`: each router's `createRoute` definitions, with their zod schemas, under
// the paths they are mounted at). Built once per isolate, on first request.

/** The document's registry: named schemas first (so each component is rendered on its own), then the routes. */
function registry(): OpenAPIHono["openAPIRegistry"] {
	const doc = new OpenAPIHono();
	// The named schemas carry their names already (components.ts); `register` would copy each with
	// `.openapi(name)`, a method zod adds only to schemas built after the extension. Keep the instance.
	(doc.openAPIRegistry as unknown as { schemaWithRefId: (id: string, s: z.ZodType) => z.ZodType }).schemaWithRefId = (
		_id,
		schema,
	) => schema;
	for (const [id, schema] of Object.entries(NAMED_SCHEMAS)) doc.openAPIRegistry.register(id, schema);
	for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) {
		doc.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
	}
	doc.route("/", api);
	// The admin areas the core serves from definitions (packages/contracts/src/admin-routes).
	registerAdminRoutes(doc.openAPIRegistry);
	return doc.openAPIRegistry;
}

type Json = Record<string, unknown>;

const INFO = {
	title: "Bazaar public API",
	version: "1.0.0",
	description:
		"Catalog reads served from the edge (cached per catalog version; ETag/304 supported); sign-in for API clients (`POST /api/session`, then `Authorization: Bearer <token>`); the shopper's cart, checkout and orders; the webhook endpoints gateways and carriers post to; and the admin API for staff accounts. Browsers may use the storefront's session cookie instead of a token; then every write must be same-site with `content-type: application/json` (CSRF). Errors are RFC 9457 problem details (`application/problem+json`).",
};

const TAGS = [
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
	{ name: "checkout", description: "Price the cart for an address and place the order." },
	{ name: "orders", description: "The signed-in customer's orders, and a guest's by its link's key." },
	{ name: "flash sales", description: "Buying in a flash sale through the item's stock shard." },
	{ name: "reviews", description: "A customer's reviews: write, edit, vote and report." },
	{
		name: "admin",
		description:
			"For staff accounts (admin, catalog_manager, support_agent), with a bearer token or the storefront's cookie. `/api/admin/<area>/…` forwards to the core's admin routes; each operation names the roles the core requires.",
	},
	{
		name: "support chat",
		description:
			"Live support: a ticket to join a chat room over a WebSocket (`POST /api/support/join`), and a message for the team when no agent is online.",
	},
	{
		name: "webhooks",
		description:
			"What payment gateways and carriers POST to the shop. The edge passes the raw bytes and the signature headers to the core untouched; the core verifies the signature, de-duplicates by event id and answers 2xx only once the change is durable (a sender retries anything else).",
	},
	{ name: "ops", description: "Health." },
];

/**
 * zod-to-openapi 9.1 renders a nullable use of a named schema as `allOf: [$ref, {type: [T, "null"]}]`,
 * which no null satisfies (the $ref is not nullable); OpenAPI 3.1 says it as `anyOf: [$ref, null]`.
 */
function nullableRefs(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(nullableRefs);
	if (node === null || typeof node !== "object") return node;
	const o = node as Json;
	const all = o.allOf as Json[] | undefined;
	if (Array.isArray(all) && all.length === 2 && typeof all[0]?.$ref === "string") {
		const { type, ...restOfSecond } = all[1] as Json;
		if (Array.isArray(type) && type.includes("null") && Object.keys(restOfSecond).length === 0) {
			const { allOf: _a, ...rest } = o;
			return { ...rest, anyOf: [all[0], { type: "null" }] };
		}
	}
	return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, nullableRefs(v)]));
}

export function buildOpenApi(): Json {
	const reg = registry();
	const doc = new OpenAPIHono();
	doc.openAPIRegistry = reg;
	const generated = doc.getOpenAPI31Document({ openapi: "3.1.0", info: INFO, servers: [{ url: "/" }], tags: TAGS });
	return nullableRefs(generated) as Json;
}
