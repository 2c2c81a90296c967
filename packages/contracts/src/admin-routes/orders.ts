import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
	AdminOrderQuery,
	AdminRefundAnswer,
	AdminRefundInput,
	CancelInput,
	DeliverInput,
	FulfilInput,
	IdempotencyKey,
	Order,
	OrderDetail,
	OrderList,
	PaymentConflictList,
	PaymentConflictPage,
	PaymentConflictQuery,
	RefundRequestList,
} from "../order";
import { answer, body, idParams, problem } from "./kit";

// The orders area (core /orders/admin/*, edge /api/admin/orders/*): any order, its transitions,
// and refunds through the core's refund workflow (core/src/workflows/refund.ts).

const READERS = "Role: admin or support_agent (read-only).";
const WRITERS = "Role: admin.";
const id = idParams("id");
const notAllowed = problem("The order's status does not allow this.");

export const listOrders = createRoute({
	method: "get",
	path: "/",
	summary: "List orders",
	description: `${READERS} Every customer's orders, newest first; filter by status, date, customer or gateway.`,
	request: { query: AdminOrderQuery },
	responses: {
		200: answer(OrderList, "A page of orders."),
		400: problem("A malformed filter, a limit over 100, or a cursor this list did not give out."),
	},
});

export const listAllPaymentConflicts = createRoute({
	method: "get",
	path: "/payment-conflicts",
	summary: "List payment conflicts",
	description: `${WRITERS} Payments that could not settle their order (paid twice, wrong amount, expired), every order's, newest first.`,
	request: { query: PaymentConflictQuery },
	responses: {
		200: answer(PaymentConflictPage, "A page of payment conflicts."),
		400: problem("A malformed filter, a limit over 100, or a cursor this list did not give out."),
	},
});

export const getOrder = createRoute({
	method: "get",
	path: "/{id}",
	summary: "Get any order",
	description: READERS,
	request: { params: id },
	responses: { 200: answer(OrderDetail, "The order with its timeline."), 404: problem("No such order.") },
});

export const listOrderPaymentConflicts = createRoute({
	method: "get",
	path: "/{id}/payment-conflicts",
	summary: "Payments that could not settle an order",
	description: `${WRITERS} Charges that arrived for an expired or cancelled order, a second charge, or a wrong amount, each with what became of it (revived, refund_requested, refunded). None: an empty list.`,
	request: { params: id },
	responses: { 200: answer(PaymentConflictList, "The order's payment conflicts, oldest first.") },
});

export const listOrderRefunds = createRoute({
	method: "get",
	path: "/{id}/refunds",
	summary: "An order's refund requests",
	description: READERS,
	request: { params: id },
	responses: {
		200: answer(RefundRequestList, "Every refund asked for, with its key, amount, gateway refund id and status."),
	},
});

export const cancelOrder = createRoute({
	method: "post",
	path: "/{id}/cancel",
	summary: "Cancel an order",
	description: `${WRITERS} Its reserved stock is released. The body is optional.`,
	request: { params: id, body: body(CancelInput, { reason: "Customer asked by phone" }, false) },
	responses: {
		200: answer(Order, "Cancelled."),
		400: problem("The body is not valid."),
		404: problem("No such order."),
		409: notAllowed,
	},
});

export const fulfilOrder = createRoute({
	method: "post",
	path: "/{id}/fulfil",
	summary: "Mark an order shipped",
	description: `${WRITERS} The body is optional.`,
	request: { params: id, body: body(FulfilInput, { trackingNumber: "1Z999AA10123456784" }, false) },
	responses: {
		200: answer(Order, "Fulfilled (shipped)."),
		400: problem("The body is not valid."),
		404: problem("No such order."),
		409: notAllowed,
	},
});

export const deliverOrder = createRoute({
	method: "post",
	path: "/{id}/deliver",
	summary: "Mark an order delivered",
	description: `${WRITERS} The body is optional.`,
	request: { params: id, body: body(DeliverInput, { reason: "Signed for at the door" }, false) },
	responses: {
		200: answer(Order, "Delivered."),
		400: problem("The body is not valid."),
		404: problem("No such order."),
		409: notAllowed,
	},
});

export const refundOrder = createRoute({
	method: "post",
	path: "/{id}/refund",
	summary: "Refund a paid order",
	description:
		"Role: admin. Asks the order's payment gateway to refund `amount` (default: everything left on the payment), in the order's currency; `restock` returns the order's sold units to stock and goes only with a refund of everything left. The request is recorded before the gateway is asked. The order's status moves to `partially_refunded` or `refunded` when the gateway's refund webhook lands, not in this answer.",
	request: {
		params: id,
		// Required, but checked by the workflow: without it the answer is a 428, not a 400.
		headers: z.object({
			"idempotency-key": IdempotencyKey.optional().meta({
				description:
					"Required (428 without). The same key never refunds twice: sent again (with the same body) it answers the same refund with `idempotent-replayed: true`.",
			}),
		}),
		body: body(AdminRefundInput, { reason: "Damaged in transit", amount: 500 }),
	},
	responses: {
		202: {
			...answer(
				AdminRefundAnswer,
				"Asked: the order and payment as they stand, and the gateway's refund id and status.",
			),
			headers: {
				"idempotent-replayed": {
					description: "`true` when this Idempotency-Key had already asked for this refund.",
					schema: { type: "string", enum: ["true"] },
				},
			},
		},
		400: problem("The body is not valid (no `reason`, a non-positive `amount`), or the Idempotency-Key is malformed."),
		404: problem("No such order."),
		409: problem(
			"The order is not paid (or already refunded in full); or, with `restock`, its units are still being committed as sold or were never sold.",
		),
		422: problem(
			"Over-refund (more than is left), another currency than the order's, `restock` with a partial amount, or this Idempotency-Key was used for a different refund of the order.",
		),
		428: problem("No Idempotency-Key header (required: the same key never refunds twice)."),
		502: problem("The payment gateway refused or failed; nothing was refunded, retry with the same key."),
		503: problem("The payment gateway or the core is unreachable; retry with the same key."),
	},
});

export const ORDER_ADMIN_ROUTES = [
	listOrders,
	listAllPaymentConflicts,
	getOrder,
	listOrderPaymentConflicts,
	listOrderRefunds,
	cancelOrder,
	fulfilOrder,
	deliverOrder,
	refundOrder,
];
