import { problem, problemResponse } from "@bazaar/contracts";
import { inventoryAdmin } from "@bazaar/contracts/admin-routes";
import { OUT_OF_STOCK_TYPE, parseAvailabilityQuery, ReserveRequest, ReturnRequest } from "@bazaar/contracts/inventory";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { adminRouter } from "../lib/admin-router";
import { type AppEnv, jsonResponse, onError, readJson, requireRole } from "../lib/http";
import { OutOfStockError } from "./errors";
import type { Inventory } from "./module";

// A thin adapter under /inventory: validate, call one verb, send the result. Reservations are
// taken, committed and released by other core modules and workflows (role "service"; admins
// too); stock itself is managed by admins and catalog managers (who receive what they list).
// Availability is no one's secret: any signed caller.

export const INVENTORY_ADMIN_ROLES = ["admin", "catalog_manager"];
export const INVENTORY_SERVICE_ROLES = ["service", "admin"];

export function inventoryRoutes(inv: Inventory): Hono<AppEnv> {
	const app = new Hono<AppEnv>();

	app.get("/availability", async (c) => {
		const parsed = parseAvailabilityQuery(new URL(c.req.url).searchParams);
		if (!parsed.success) throw parsed.error;
		return jsonResponse(await inv.availability(parsed.data));
	});

	// ---- reservations (other modules) ---------------------------------------------------------
	const reservations = new Hono<AppEnv>();
	reservations.use("*", requireRole(...INVENTORY_SERVICE_ROLES));
	reservations.post("/", async (c) => {
		const { reservation, created } = await inv.reserve(readJson(c, ReserveRequest));
		return jsonResponse(
			reservation,
			created ? 201 : 200,
			created ? { location: `/inventory/reservations/${reservation.id}` } : {},
		);
	});
	reservations.get("/:id", async (c) => jsonResponse(await inv.getReservation(c.req.param("id"))));
	reservations.post("/:id/commit", async (c) => jsonResponse(await inv.commit(c.req.param("id"))));
	reservations.post("/:id/release", async (c) => jsonResponse(await inv.release(c.req.param("id"))));
	reservations.post("/:id/return", async (c) => {
		const body = readJson(c, ReturnRequest);
		return jsonResponse(await inv.returnUnits(c.req.param("id"), { actor: c.get("caller").user, reason: body.reason }));
	});
	app.route("/reservations", reservations);

	app.onError(inventoryOnError);
	return app;
}

/**
 * Stock for admins and catalog managers (mount under /inventory/admin): each route is its
 * definition in packages/contracts/src/admin-routes/inventory.ts.
 */
export function inventoryAdminRoutes(inv: Inventory): OpenAPIHono<AppEnv> {
	const admin = adminRouter();
	admin.use("*", requireRole(...INVENTORY_ADMIN_ROLES));
	admin.openapi(inventoryAdmin.defineSku, async (c) => {
		const { stock, created } = await inv.defineSku(c.req.valid("param").sku, c.req.valid("json"));
		return jsonResponse(stock, created ? 201 : 200);
	});
	admin.openapi(inventoryAdmin.getStock, async (c) => jsonResponse(await inv.getStock(c.req.valid("param").sku)));
	admin.openapi(inventoryAdmin.receiveStock, async (c) =>
		jsonResponse(await inv.receiveStock(c.req.valid("param").sku, c.req.valid("json"), c.get("caller").user)),
	);
	admin.openapi(inventoryAdmin.adjustStock, async (c) =>
		jsonResponse(await inv.adjustStock(c.req.valid("param").sku, c.req.valid("json"), c.get("caller").user)),
	);
	admin.openapi(inventoryAdmin.getLedger, async (c) =>
		jsonResponse(await inv.getLedger(c.req.valid("param").sku, c.req.valid("query"))),
	);
	// Every `sku` given, however many (the definition's query says one or several).
	admin.openapi(inventoryAdmin.reconcile, async (c) => jsonResponse(await inv.reconcile(c.req.queries("sku"))));
	admin.onError(inventoryOnError);
	return admin;
}

/** The shared error handler, plus the machine-readable shortages of an out-of-stock answer. */
export const inventoryOnError: typeof onError = (err, c) => {
	if (err instanceof OutOfStockError) {
		const body = {
			...problem(409, err.message, { type: OUT_OF_STOCK_TYPE, title: "Out of stock", errors: err.errors }),
			shortages: err.shortages,
		};
		return problemResponse(body);
	}
	return onError(err, c);
};
