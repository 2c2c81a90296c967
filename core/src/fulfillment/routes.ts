import { CancelShipmentInput, DeliverInput, ListShipmentsQuery, ShipInput } from "@bazaar/contracts/fulfillment";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, onError, payloadTooLarge, readJson, requireReadWriteRoles } from "../lib/http";
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

export function fulfillmentRoutes(mod: FulfillmentModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const optionalJson = <S extends Parameters<typeof readJson>[1]>(c: Parameters<typeof readJson>[0], schema: S) =>
		c.get("body").byteLength === 0 ? schema.parse({}) : readJson(c, schema);

	const admin = new Hono<AppEnv>();
	admin.use("*", requireReadWriteRoles({ read: FULFILLMENT_READ_ROLES, write: FULFILLMENT_ADMIN_ROLES }));
	admin.get("/shipments", async (c) => jsonResponse(await mod.listShipments(ListShipmentsQuery.parse(c.req.query()))));
	admin.get("/shipments/:id", async (c) => jsonResponse(await mod.getShipment(c.req.param("id"))));
	admin.post("/shipments/:id/ship", async (c) =>
		jsonResponse(await mod.ship(c.req.param("id"), optionalJson(c, ShipInput), c.get("caller").user || "service")),
	);
	admin.post("/shipments/:id/deliver", async (c) =>
		jsonResponse(
			await mod.deliver(c.req.param("id"), optionalJson(c, DeliverInput), c.get("caller").user || "service"),
		),
	);
	admin.post("/shipments/:id/cancel", async (c) =>
		jsonResponse(
			await mod.cancel(c.req.param("id"), optionalJson(c, CancelShipmentInput), c.get("caller").user || "service"),
		),
	);
	app.route("/admin", admin);

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
