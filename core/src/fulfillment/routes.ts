import { fulfillmentAdmin } from "@bazaar/contracts/admin-routes";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { adminRouter } from "../lib/admin-router";
import { ServiceError } from "../lib/errors";
import { type AppEnv, actorOf, jsonResponse, onError, payloadTooLarge, requireReadWriteRoles } from "../lib/http";
import type { FulfillmentModule } from "./module";

// Two thin adapters. `fulfillmentRoutes` (under /fulfillment, BEHIND the signature check):
// admins and services read and move shipments; a signed-in customer reads their own order's.
// `fulfillmentPublicRoutes` (under /fulfillment, registered BEFORE the signature check in
// app.ts): the carrier webhook, which carries the carrier's own signature.

export const FULFILLMENT_ADMIN_ROLES = ["admin", "service"];
/** Support agents look shipments up (where is my parcel?) but move none. */
export const FULFILLMENT_READ_ROLES = ["support_agent"];
const MAX_WEBHOOK_BYTES = 64 * 1024;

class NotSignedInError extends ServiceError {
	constructor() {
		super(401, "This needs a signed-in user.");
	}
}

/**
 * Shipments for staff (mount under /fulfillment/admin): each route is its definition in
 * packages/contracts/src/admin-routes/fulfillment.ts.
 */
export function fulfillmentAdminRoutes(mod: FulfillmentModule): OpenAPIHono<AppEnv> {
	const admin = adminRouter();
	admin.use("*", requireReadWriteRoles({ read: FULFILLMENT_READ_ROLES, write: FULFILLMENT_ADMIN_ROLES }));
	admin.openapi(fulfillmentAdmin.listShipments, async (c) =>
		jsonResponse(await mod.listShipments(c.req.valid("query"))),
	);
	admin.openapi(fulfillmentAdmin.getShipment, async (c) =>
		jsonResponse(await mod.getShipment(c.req.valid("param").id)),
	);
	admin.openapi(fulfillmentAdmin.shipShipment, async (c) =>
		jsonResponse(await mod.ship(c.req.valid("param").id, c.req.valid("json"), actorOf(c))),
	);
	admin.openapi(fulfillmentAdmin.deliverShipment, async (c) =>
		jsonResponse(await mod.deliver(c.req.valid("param").id, c.req.valid("json"), actorOf(c))),
	);
	admin.openapi(fulfillmentAdmin.cancelShipment, async (c) =>
		jsonResponse(await mod.cancel(c.req.valid("param").id, c.req.valid("json"), actorOf(c))),
	);
	return admin;
}

export function fulfillmentRoutes(mod: FulfillmentModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();

	app.get("/orders/:orderId/shipments", async (c) => {
		const user = c.get("caller").user;
		if (!user) throw new NotSignedInError();
		return jsonResponse(await mod.listOrderShipments(c.req.param("orderId"), user));
	});
	return app;
}

export function fulfillmentPublicRoutes(mod: FulfillmentModule): Hono {
	const app = new Hono();
	app.onError(onError);
	// Answered 2xx only once the event is durable (or was already); 400 when it is not genuine.
	app.post(
		"/webhooks/carrier",
		bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: payloadTooLarge(MAX_WEBHOOK_BYTES) }),
		async (c) => jsonResponse(await mod.handleCarrierWebhook(await c.req.text(), c.req.raw.headers)),
	);
	return app;
}
