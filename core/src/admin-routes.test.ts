import { describe, expect, it } from "bun:test";
import { ADMIN_ROUTES } from "@bazaar/contracts/admin-routes";
import { type AppDeps, createApp } from "./app";

// Every admin route the core serves must be one of the definitions in
// packages/contracts/src/admin-routes (served with `OpenAPIHono.openapi`), because the edge's
// OpenAPI document is generated from exactly those: a route without a definition would be
// undocumented, a definition without a route would document nothing.

/** Where each documented area is served in the core (the edge's routes/admin.ts forwards there). */
const CORE_PREFIX: Record<string, string> = {
	catalog: "/catalog/admin",
	identity: "/identity/admin",
	inventory: "/inventory/admin",
	orders: "/orders/admin",
	payment: "/payment/admin",
	promotions: "/promotion/admin",
	bus: "/bus/admin",
	fulfillment: "/fulfillment/admin",
	reviews: "/reviews/admin",
	support: "/support/admin",
	delivery: "/delivery/admin",
	flash: "/flash/admin",
};

// Only the composition is inspected (no request is made), so each module is a bottomless stand-in.
const anything: unknown = new Proxy(() => anything, { get: () => anything, apply: () => anything });
const deps = new Proxy(
	{ secret: "x" },
	{ get: (t, k) => (k === "secret" ? t.secret : k === "readiness" ? undefined : anything) },
);

describe("the core's admin routes", () => {
	it("are each served from an admin route definition, and each definition is served", () => {
		const app = createApp(deps as unknown as AppDeps);
		const served = new Set(
			app.routes
				.filter((r) => r.method !== "ALL" && /^\/[a-z-]+\/admin(\/|$)/.test(r.path))
				.map((r) => `${r.method} ${r.path.replace(/\/$/, "")}`),
		);
		const defined = new Set(
			Object.entries(ADMIN_ROUTES).flatMap(([area, routes]) =>
				routes.map((r) => {
					const path = r.path === "/" ? "" : r.path.replaceAll(/\{(\w+)\}/g, ":$1");
					return `${r.method.toUpperCase()} ${CORE_PREFIX[area]}${path}`;
				}),
			),
		);
		expect(Object.keys(ADMIN_ROUTES).sort()).toEqual(Object.keys(CORE_PREFIX).sort());
		expect(served.size).toBe(82);
		expect([...served].sort()).toEqual([...defined].sort());
	});
});
