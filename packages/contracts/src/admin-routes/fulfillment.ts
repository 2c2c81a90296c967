import { createRoute } from "@hono/zod-openapi";
import {
	CancelShipmentInput,
	DeliverInput,
	ListShipmentsQuery,
	ShipInput,
	ShipmentDetail,
	ShipmentList,
} from "../fulfillment";
import { answer, body, idParams, problem } from "./kit";

// The fulfillment area (core /fulfillment/admin/*, edge /api/admin/fulfillment/*): shipments,
// what awaits dispatch, and moving a shipment along by hand.

const READERS = "Role: admin or support_agent (read-only).";
const WRITERS = "Role: admin.";
const id = idParams("id");
const moves = {
	400: problem("The body is not valid."),
	404: problem("No such shipment."),
	409: problem("The shipment's status does not allow this."),
};

export const listShipments = createRoute({
	method: "get",
	path: "/shipments",
	summary: "List shipments",
	description: `${READERS} Newest first, with their history; \`status=pending&kind=parcel\` is what awaits dispatch.`,
	request: { query: ListShipmentsQuery },
	responses: {
		200: answer(ShipmentList, "A page of shipments."),
		400: problem("A malformed filter, a limit over 100, or a cursor this list did not give out."),
	},
});

export const getShipment = createRoute({
	method: "get",
	path: "/shipments/{id}",
	summary: "Get a shipment",
	description: READERS,
	request: { params: id },
	responses: { 200: answer(ShipmentDetail, "The shipment with its history."), 404: problem("No such shipment.") },
});

export const shipShipment = createRoute({
	method: "post",
	path: "/shipments/{id}/ship",
	summary: "Hand a shipment to the carrier",
	description: `${WRITERS} The body is optional: the built-in carrier generates a tracking number.`,
	request: { params: id, body: body(ShipInput, {}, false) },
	responses: { 200: answer(ShipmentDetail, "Shipped (with its carrier and tracking number)."), ...moves },
});

export const deliverShipment = createRoute({
	method: "post",
	path: "/shipments/{id}/deliver",
	summary: "Mark a shipment delivered",
	description: `${WRITERS} The body is optional.`,
	request: { params: id, body: body(DeliverInput, { reason: "Signed for at the door" }, false) },
	responses: { 200: answer(ShipmentDetail, "Delivered."), ...moves },
});

export const cancelShipment = createRoute({
	method: "post",
	path: "/shipments/{id}/cancel",
	summary: "Cancel a shipment that has not shipped",
	description: `${WRITERS} The body is optional.`,
	request: { params: id, body: body(CancelShipmentInput, { reason: "Order cancelled by phone" }, false) },
	responses: { 200: answer(ShipmentDetail, "Cancelled (a repeat answers it unchanged)."), ...moves },
});

export const FULFILLMENT_ADMIN_ROUTES = [listShipments, getShipment, shipShipment, deliverShipment, cancelShipment];
