import { ReconciliationRun, ReconciliationRunList } from "@bazaar/contracts/payment";
import { describe, expect, it } from "vitest";
import { OUTPUT_SCHEMAS } from "../src/openapi/components";
import { bearerFor, signUp } from "./account-support";
import { adminHeaders, edge, ORIGIN } from "./helpers";

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

	it("serves the reference through Swagger UI from this origin, under a strict CSP", async () => {
		const res = await edge("/docs");
		expect(res.status).toBe(200);
		const csp = res.headers.get("content-security-policy") ?? "";
		expect(csp).toContain("script-src 'self';");
		expect(csp).not.toContain("unsafe-eval");
		const html = await res.text();
		expect(html).toContain('<div id="api-reference" data-spec="/openapi.json">');
		const assets = [
			...html.matchAll(
				/(?:src|href)="(\/assets\/(?:swagger-ui\/\d+\.\d+\.\d+\/swagger-ui[a-z-]*\.(?:js|css)|docs\.js\?v=[0-9a-f]{8}))"/g,
			),
		].map((m) => m[1]!);
		expect(assets).toHaveLength(3);
		for (const path of assets) {
			const asset = await edge(path);
			expect(asset.status, path).toBe(200);
			expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
			expect((await asset.text()).length).toBeGreaterThan(path.includes("docs.js") ? 100 : 10_000);
		}
		for (const path of ["/assets/swagger-ui/1.0.0/swagger-ui.css", "/assets/swagger-ui/5.35.0/package.json"]) {
			expect((await edge(path)).status, path).toBe(404);
		}
		// Only our own scripts: none inline, none from elsewhere.
		expect(html).not.toMatch(/<script(?![^>]*\bsrc="\/)/);
	});

	it("renders a readable reference page without scripts", async () => {
		const res = await edge("/docs/plain");
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain("GET /api/catalog/products");
		expect(html).toContain('id="schema-ProductList"');
		expect(html).not.toContain("<script");
		for (const op of ["POST /api/cart/lines", "POST /api/checkout", "POST /api/admin/orders/{id}/refund"]) {
			expect(html).toContain(op);
		}
		// Operations that also work anonymously say so, and list only real credentials.
		expect(html).toContain("Works without signing in");
		expect(html).not.toContain("cookie undefined");
	});
});

// Every JSON route the Worker serves, as [method, OpenAPI path]: the reference must list each.
const SHOP_AND_ADMIN_ROUTES: [string, string][] = [
	["get", "/api/me"],
	["post", "/api/customers"],
	["post", "/api/customers/confirm"],
	["post", "/api/password-reset"],
	["post", "/api/password-reset/confirm"],
	["get", "/api/account/profile"],
	["patch", "/api/account/profile"],
	["post", "/api/account/password"],
	["get", "/api/account/addresses"],
	["post", "/api/account/addresses"],
	["get", "/api/account/addresses/{id}"],
	["patch", "/api/account/addresses/{id}"],
	["delete", "/api/account/addresses/{id}"],
	["get", "/api/cart"],
	["delete", "/api/cart"],
	["post", "/api/cart/lines"],
	["patch", "/api/cart/lines/{variantId}"],
	["delete", "/api/cart/lines/{variantId}"],
	["post", "/api/checkout"],
	["post", "/api/checkout/quote"],
	["post", "/api/checkout/orders/{orderId}/confirm"],
	["get", "/api/orders"],
	["get", "/api/orders/{id}"],
	["post", "/api/orders/{id}/cancel"],
	["get", "/api/admin/orders"],
	["get", "/api/admin/orders/payment-conflicts"],
	["get", "/api/admin/orders/{id}"],
	["post", "/api/admin/orders/{id}/cancel"],
	["post", "/api/admin/orders/{id}/fulfil"],
	["post", "/api/admin/orders/{id}/deliver"],
	["post", "/api/admin/orders/{id}/refund"],
	["get", "/api/admin/orders/{id}/refunds"],
	["get", "/api/admin/orders/{id}/payment-conflicts"],
	["get", "/api/admin/payment/orders/{orderId}/payments"],
	["get", "/api/admin/payment/payments"],
	["get", "/api/admin/payment/reconciliation-runs"],
	["post", "/api/admin/payment/reconcile"],
	["get", "/api/admin/bus/dead-letters"],
	["post", "/api/admin/bus/dead-letters/{group}/{id}/replay"],
	["get", "/api/admin/fulfillment/shipments"],
	["get", "/api/admin/fulfillment/shipments/{id}"],
	["post", "/api/admin/fulfillment/shipments/{id}/ship"],
	["post", "/api/admin/fulfillment/shipments/{id}/deliver"],
	["post", "/api/admin/fulfillment/shipments/{id}/cancel"],
];

type Op = {
	responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
	parameters?: { name: string; in: string; required?: boolean }[];
	security?: Record<string, unknown>[];
	requestBody?: { content: Record<string, { schema: { $ref: string } }> };
	description?: string;
};
type FullDoc = { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } };

async function document(): Promise<FullDoc> {
	return (await (await edge("/openapi.json")).json()) as FullDoc;
}

const operations = (doc: FullDoc) =>
	Object.entries(doc.paths).flatMap(([path, item]) =>
		Object.entries(item).map(([method, op]) => ({ path, method, op })),
	);
const isProblem = (answer: { content?: Record<string, unknown> } | undefined) =>
	Boolean(answer?.content?.["application/problem+json"]);
const WRITES = new Set(["post", "put", "patch", "delete"]);
const schemaIdOf = (answer: { content?: Record<string, unknown> } | undefined) =>
	(answer?.content?.["application/json"] as { schema?: { $ref?: string } } | undefined)?.schema?.$ref?.split("/").pop();

/** Sample path values: well-formed, naming nothing that exists. */
const SAMPLES: Record<string, string> = {
	id: "ord_00000000000000000000000000",
	orderId: "ord_00000000000000000000000000",
	variantId: "var_0OPENAPI",
	slug: "no-such-product-openapi",
	sku: "NO-SUCH-SKU-OPENAPI",
	name: `${"0".repeat(64)}.png`,
};
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLES[name] ?? "x");

describe("OpenAPI: the shop and admin routes", () => {
	it("lists every cart, checkout, order, refund, payment and fulfillment route", async () => {
		const doc = await document();
		for (const [method, path] of SHOP_AND_ADMIN_ROUTES)
			expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
	});

	it("gives every /api operation a 4xx problem answer (GET /api/me only a dead bearer token)", async () => {
		const doc = await document();
		for (const { path, method, op } of operations(doc)) {
			if (!path.startsWith("/api/")) continue;
			const problems = Object.entries(op.responses).filter(([, answer]) => isProblem(answer));
			if (method === "get" && path === "/api/me") {
				// Anonymous callers get `user: null`; a dead bearer token is a 401; the core's trouble a 5xx.
				expect(problems.map(([status]) => status)).toEqual(["401", "502", "503"]);
				continue;
			}
			const fourXx = problems.filter(([status]) => status.startsWith("4"));
			expect(fourXx.length, `${method} ${path}`).toBeGreaterThan(0);
			// Every write states what the CSRF guard answers a cookie-authenticated request.
			if (WRITES.has(method)) {
				expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["403", "415"]));
			} else {
				expect(op.responses["415"], `${method} ${path}`).toBeUndefined();
			}
		}
		const me = await edge("/api/me", { headers: { authorization: "Bearer not-a-session" } });
		expect(me.status).toBe(401);
		expect((await edge("/api/me")).status).toBe(200);
	});

	it("names bodies, auth, Idempotency-Key and the statuses the routes really answer", async () => {
		const doc = await document();
		const op = (method: string, path: string) => doc.paths[path]![method]!;
		const bodyOf = (o: Op) => o.requestBody?.content["application/json"]?.schema.$ref.split("/").pop();
		expect(bodyOf(op("post", "/api/cart/lines"))).toBe("AddLineRequest");
		expect(bodyOf(op("patch", "/api/cart/lines/{variantId}"))).toBe("SetQuantityRequest");
		expect(bodyOf(op("post", "/api/checkout"))).toBe("StorefrontCheckoutRequest");
		expect(bodyOf(op("post", "/api/checkout/quote"))).toBe("QuoteRequest");
		expect(bodyOf(op("post", "/api/orders/{id}/cancel"))).toBe("CancelInput");
		expect(bodyOf(op("post", "/api/admin/orders/{id}/refund"))).toBe("AdminRefundInput");

		const session = [{ sessionBearer: [] }, { sessionCookie: [] }];
		for (const path of ["/api/cart", "/api/me"]) expect(op("get", path).security).toEqual([...session, {}]);
		expect(op("post", "/api/checkout").security).toEqual([...session, { guestCartCookie: [] }]);
		expect(op("get", "/api/orders").security).toEqual(session);
		expect(op("post", "/api/admin/payment/reconcile").security).toEqual(session);
		expect(op("delete", "/api/cart/lines/{variantId}").parameters!.map((p) => `${p.in}:${p.name}`)).toEqual([
			"path:variantId",
			"query:slot",
			"header:x-bazaar-cart-token",
		]);
		expect(op("post", "/api/cart/lines").responses["200"]!.headers).toHaveProperty("x-bazaar-cart-token");

		// Header names are case-insensitive; the route validators read them lower-cased.
		const key = (o: Op) => o.parameters?.find((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key");
		expect(key(op("post", "/api/checkout"))?.required).toBe(true);
		expect(Object.keys(op("post", "/api/checkout").responses)).toEqual(
			expect.arrayContaining(["200", "201", "400", "409", "422"]),
		);
		const refund = op("post", "/api/admin/orders/{id}/refund");
		// The core's definition lets a missing key through to the workflow, which answers 428.
		expect(refund.parameters?.find((p) => p.in === "header" && p.name === "idempotency-key")).toBeDefined();
		expect(Object.keys(refund.responses)).toEqual(
			expect.arrayContaining(["202", "400", "403", "404", "409", "415", "422", "428"]),
		);
		expect(refund.description).toContain("Role: admin");
		for (const name of [
			"Cart",
			"Me",
			"CheckoutResponse",
			"Quote",
			"OrderList",
			"AdminRefundAnswer",
			"RefundRequestList",
			"PaymentList",
			"ReconciliationRun",
			"ReconciliationRunList",
			"PaymentConflictList",
		]) {
			expect(doc.components.schemas[name], name).toBeDefined();
		}
		const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
		for (const ref of refs) expect(doc.components.schemas[ref.slice(22, -1)], ref).toBeDefined();
	});

	it("documents what the Worker really answers: anonymous, customer and admin bearers, cookie writes off the rules", async () => {
		const doc = await document();
		const shopper = await signUp("Reference Reader");
		const bearer = await bearerFor(shopper);
		const cookie = shopper.jar.header();
		const admin = await adminHeaders();
		// [who, which operations, headers, body]: none of these may change anything.
		const passes: [string, (method: string, path: string) => boolean, Record<string, string>, string | undefined][] = [
			["anonymous, no content type", () => true, {}, undefined],
			["anonymous JSON", (m) => WRITES.has(m), { "content-type": "application/json" }, "{}"],
			[
				"customer bearer JSON",
				(m, p) => !(m === "delete" && p === "/api/session"),
				{ authorization: `Bearer ${bearer}`, "content-type": "application/json" },
				"{}",
			],
			[
				"cookie write from another site",
				(m) => WRITES.has(m),
				{ ...cookie, origin: "https://evil.example", "content-type": "application/json" },
				"{}",
			],
			["admin bearer reads", (m) => m === "get", admin, undefined],
			[
				"cookie write as text/plain",
				(m) => WRITES.has(m),
				{ ...cookie, origin: ORIGIN, "content-type": "text/plain" },
				"{}",
			],
		];
		for (const [who, applies, headers, body] of passes) {
			for (const { path, method, op } of operations(doc)) {
				if (!applies(method, path)) continue;
				const res = await edge(concrete(path), {
					method: method.toUpperCase(),
					headers,
					...(method === "get" ? {} : { body }),
				});
				const what = `${who}: ${method.toUpperCase()} ${path} → ${res.status} ${res.status >= 400 ? await res.clone().text() : ""}`;
				expect(Object.keys(op.responses), what).toContain(String(res.status));
				if (res.status >= 400) expect(res.headers.get("content-type"), what).toContain("application/problem+json");
				const id = schemaIdOf(op.responses[String(res.status)]);
				if (res.status < 300 && id) {
					const parsed = OUTPUT_SCHEMAS[id as keyof typeof OUTPUT_SCHEMAS].safeParse(await res.json());
					expect(parsed.error, `${what} is not a ${id}`).toBeUndefined();
				} else {
					await res.body?.cancel();
				}
			}
		}
		// The payment area's answers, including a run asked for now (it only settles long-waiting payments).
		const run = await edge("/api/admin/payment/reconcile", { method: "POST", headers: admin });
		expect(run.status).toBe(200);
		const { id: runId } = ReconciliationRun.parse(await run.json());
		const runs = await edge("/api/admin/payment/reconciliation-runs?limit=5", { headers: admin });
		expect(ReconciliationRunList.parse(await runs.json()).items.map((r) => r.id)).toContain(runId);
		// The customer is still signed in: no pass above ended the session.
		expect((await edge("/api/session", { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(200);
	});
});
