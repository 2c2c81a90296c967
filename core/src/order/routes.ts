import {
	AdminOrderQuery,
	CancelInput,
	DeliverInput,
	FulfilInput,
	ListOrdersQuery,
	PaymentConflictQuery,
} from "@bazaar/contracts/order";
import { Hono } from "hono";
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

export function orderRoutes(mod: OrderModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const me = (c: { get(key: "caller"): { user: string } }) => {
		const user = c.get("caller").user;
		if (!user) throw new NotSignedInError();
		return user;
	};
	const optionalJson = <S extends Parameters<typeof readJson>[1]>(c: Parameters<typeof readJson>[0], schema: S) =>
		c.get("body").byteLength === 0 ? schema.parse({}) : readJson(c, schema);

	// ---- admin / fulfillment -------------------------------------------------------------------
	const admin = new Hono<AppEnv>();
	admin.use("*", requireReadWriteRoles({ read: ORDER_READ_ROLES, write: ORDER_ADMIN_ROLES }));
	admin.get("/", async (c) => jsonResponse(await mod.listOrders(AdminOrderQuery.parse(c.req.query()))));
	// Payments are not the support desk's: the conflicts (every order's) are for admins.
	admin.get("/payment-conflicts", requireRole(...ORDER_ADMIN_ROLES), async (c) =>
		jsonResponse(await mod.listAllPaymentConflicts(PaymentConflictQuery.parse(c.req.query()))),
	);
	admin.get("/:id", async (c) => jsonResponse(await mod.getOrder(c.req.param("id"))));
	admin.get("/:id/payment-conflicts", requireRole(...ORDER_ADMIN_ROLES), async (c) =>
		jsonResponse(await mod.listPaymentConflicts(c.req.param("id"))),
	);
	// Refunds themselves are asked for through the refund workflow (POST /orders/admin/:id/refund).
	admin.get("/:id/refunds", async (c) => jsonResponse({ items: await mod.listRefunds(c.req.param("id")) }));
	admin.post("/:id/cancel", async (c) => {
		const body = optionalJson(c, CancelInput);
		return jsonResponse((await mod.cancel(c.req.param("id"), { actor: c.get("caller").user, ...body })).order);
	});
	admin.post("/:id/fulfil", async (c) => {
		const body = optionalJson(c, FulfilInput);
		return jsonResponse((await mod.markFulfilled(c.req.param("id"), { actor: c.get("caller").user, ...body })).order);
	});
	admin.post("/:id/deliver", async (c) => {
		const body = optionalJson(c, DeliverInput);
		return jsonResponse((await mod.markDelivered(c.req.param("id"), { actor: c.get("caller").user, ...body })).order);
	});
	app.route("/admin", admin);

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
