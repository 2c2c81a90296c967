import { orderAdmin } from "@bazaar/contracts/admin-routes";
import { CancelInput, ListOrdersQuery } from "@bazaar/contracts/order";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { adminRouter } from "../lib/admin-router";
import { ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson, requireReadWriteRoles, requireRole } from "../lib/http";
import type { OrderModule } from "./module";

// A thin adapter under /orders: validate, call one verb, send the result. Customers see and
// cancel only their own orders (anyone else's is a 404); fulfilment transitions are for admins
// and the fulfillment service. Orders are placed by the checkout workflow in-process, not here.

export const ORDER_ADMIN_ROLES = ["admin", "service"];
/** Support agents look orders up (the list, one order, its refunds) but move none. */
export const ORDER_READ_ROLES = ["support_agent"];

class NotSignedInError extends ServiceError {
	constructor() {
		super(401, "This needs a signed-in user.");
	}
}

/**
 * Any order for staff (mount under /orders/admin, after the refund workflow's route): each route is
 * its definition in packages/contracts/src/admin-routes/orders.ts.
 */
export function orderAdminRoutes(mod: OrderModule): OpenAPIHono<AppEnv> {
	const admin = adminRouter();
	admin.use("*", requireReadWriteRoles({ read: ORDER_READ_ROLES, write: ORDER_ADMIN_ROLES }));
	// Payments are not the support desk's: the conflicts (every order's) are for admins.
	admin.use("/payment-conflicts", requireRole(...ORDER_ADMIN_ROLES));
	admin.use("/:id/payment-conflicts", requireRole(...ORDER_ADMIN_ROLES));
	const actor = (c: { get(key: "caller"): { user: string } }) => c.get("caller").user;
	admin.openapi(orderAdmin.listOrders, async (c) => jsonResponse(await mod.listOrders(c.req.valid("query"))));
	admin.openapi(orderAdmin.listAllPaymentConflicts, async (c) =>
		jsonResponse(await mod.listAllPaymentConflicts(c.req.valid("query"))),
	);
	admin.openapi(orderAdmin.getOrder, async (c) => jsonResponse(await mod.getOrder(c.req.valid("param").id)));
	admin.openapi(orderAdmin.listOrderPaymentConflicts, async (c) =>
		jsonResponse(await mod.listPaymentConflicts(c.req.valid("param").id)),
	);
	// Refunds themselves are asked for through the refund workflow (POST /orders/admin/:id/refund).
	admin.openapi(orderAdmin.listOrderRefunds, async (c) =>
		jsonResponse({ items: await mod.listRefunds(c.req.valid("param").id) }),
	);
	admin.openapi(orderAdmin.cancelOrder, async (c) => {
		const input = { actor: actor(c), ...c.req.valid("json") };
		return jsonResponse((await mod.cancel(c.req.valid("param").id, input)).order);
	});
	admin.openapi(orderAdmin.fulfilOrder, async (c) => {
		const input = { actor: actor(c), ...c.req.valid("json") };
		return jsonResponse((await mod.markFulfilled(c.req.valid("param").id, input)).order);
	});
	admin.openapi(orderAdmin.deliverOrder, async (c) => {
		const input = { actor: actor(c), ...c.req.valid("json") };
		return jsonResponse((await mod.markDelivered(c.req.valid("param").id, input)).order);
	});
	return admin;
}

export function orderRoutes(mod: OrderModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const me = (c: { get(key: "caller"): { user: string } }) => {
		const user = c.get("caller").user;
		if (!user) throw new NotSignedInError();
		return user;
	};
	const optionalJson = <S extends Parameters<typeof readJson>[1]>(c: Parameters<typeof readJson>[0], schema: S) =>
		c.get("body").byteLength === 0 ? schema.parse({}) : readJson(c, schema);

	// ---- the signed-in customer ----------------------------------------------------------------
	app.get("/", async (c) => {
		const query = ListOrdersQuery.parse(c.req.query());
		return jsonResponse(await mod.listOrders({ ...query, customer: me(c) }));
	});
	app.get("/:id", async (c) => jsonResponse(await mod.getOrder(c.req.param("id"), me(c))));
	app.post("/:id/cancel", async (c) => {
		const user = me(c);
		const body = optionalJson(c, CancelInput);
		return jsonResponse((await mod.cancel(c.req.param("id"), { actor: user, ownerId: user, ...body })).order);
	});

	return app;
}
