import { problem, problemResponse } from "@bazaar/contracts";
import {
	AdjustStockRequest,
	DefineSkuRequest,
	LedgerQuery,
	OUT_OF_STOCK_TYPE,
	parseAvailabilityQuery,
	ReceiveStockRequest,
	ReserveRequest,
	ReturnRequest,
} from "@bazaar/contracts/inventory";
import { Hono } from "hono";
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

	// ---- stock (admins) -------------------------------------------------------------------------
	const admin = new Hono<AppEnv>();
	admin.use("*", requireRole(...INVENTORY_ADMIN_ROLES));
	admin.put("/skus/:sku", async (c) => {
		const { stock, created } = await inv.defineSku(c.req.param("sku"), readJson(c, DefineSkuRequest));
		return jsonResponse(stock, created ? 201 : 200);
	});
	admin.get("/skus/:sku", async (c) => jsonResponse(await inv.getStock(c.req.param("sku"))));
	admin.post("/skus/:sku/receive", async (c) =>
		jsonResponse(await inv.receiveStock(c.req.param("sku"), readJson(c, ReceiveStockRequest), c.get("caller").user)),
	);
	admin.post("/skus/:sku/adjust", async (c) =>
		jsonResponse(await inv.adjustStock(c.req.param("sku"), readJson(c, AdjustStockRequest), c.get("caller").user)),
	);
	admin.get("/skus/:sku/ledger", async (c) => {
		const query = LedgerQuery.parse({ after: c.req.query("after"), limit: c.req.query("limit") });
		return jsonResponse(await inv.getLedger(c.req.param("sku"), query));
	});
	admin.get("/reconcile", async (c) => jsonResponse(await inv.reconcile(c.req.queries("sku") ?? undefined)));
	app.route("/admin", admin);

	app.onError(inventoryOnError);
	return app;
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
