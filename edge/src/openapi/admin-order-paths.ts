import { AdminOrderQuery, IdempotencyKey, PaymentConflictQuery } from "@bazaar/contracts/order";
import { bodyOf, header, idParam, type Json, json, listParams, problem } from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// The admin API's orders area (core /orders/admin/*): any order, its transitions, and refunds
// through the core's refund workflow (core/src/workflows/refund.ts).

const orders = staffOp("orders");
const orderId = idParam("Order id");
const conflict = { "409": problem("The order's status does not allow this.") };

export function adminOrderPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/orders": {
			get: orders(
				"List orders",
				{
					description: "Role: admin or support_agent (read-only). Every customer's orders, newest first.",
					parameters: listParams(AdminOrderQuery, {
						status: "Only orders in this status.",
						from: "Created at or after (a date or an ISO date-time).",
						to: "Created before (a date or an ISO date-time).",
						customer: "Only this customer's orders (user id).",
						gateway: "Only orders paid through this gateway.",
					}),
				},
				["200", "OrderList", "A page of orders."],
				{ "404": null },
			),
		},
		"/api/admin/orders/payment-conflicts": {
			get: orders(
				"List payment conflicts",
				{
					description:
						"Role: admin. Payments that could not settle their order (paid twice, wrong amount, expired), every order's, newest first.",
					parameters: listParams(PaymentConflictQuery, {
						resolution: "`open`: not acted on yet; or what became of it.",
					}),
				},
				["200", "PaymentConflictPage", "A page of payment conflicts."],
				{ "404": null },
			),
		},
		"/api/admin/orders/{id}": {
			get: orders(
				"Get any order",
				{ parameters: [orderId], description: "Role: admin or support_agent (read-only)." },
				["200", "OrderDetail", "The order with its timeline."],
			),
		},
		"/api/admin/orders/{id}/cancel": {
			post: orders(
				"Cancel an order",
				{ parameters: [orderId], requestBody: bodyOf("CancelInput", false) },
				["200", "Order", "Cancelled; its stock is released."],
				conflict,
			),
		},
		"/api/admin/orders/{id}/fulfil": {
			post: orders(
				"Mark an order shipped",
				{ parameters: [orderId], requestBody: bodyOf("FulfilInput", false) },
				["200", "Order", "Fulfilled (shipped)."],
				conflict,
			),
		},
		"/api/admin/orders/{id}/deliver": {
			post: orders(
				"Mark an order delivered",
				{ parameters: [orderId], requestBody: bodyOf("DeliverInput", false) },
				["200", "Order", "Delivered."],
				conflict,
			),
		},
		"/api/admin/orders/{id}/refund": {
			post: orders(
				"Refund a paid order",
				{
					parameters: [
						orderId,
						header(
							"Idempotency-Key",
							IdempotencyKey,
							true,
							"Required. The same key never refunds twice: sent again (with the same body) it answers the same refund with `idempotent-replayed: true`.",
						),
					],
					requestBody: bodyOf("AdminRefundInput"),
					description:
						"Role: admin. Asks the order's payment gateway to refund `amount` (default: everything left on the payment), in the order's currency; `restock` returns the order's sold units to stock and goes only with a refund of everything left. The request is recorded before the gateway is asked. The order's status moves to `partially_refunded` or `refunded` when the gateway's refund webhook lands, not in this answer.",
				},
				[
					"202",
					"AdminRefundAnswer",
					"Asked: the order and payment as they stand, and the gateway's refund id and status.",
				],
				{
					"202": {
						...json(
							"AdminRefundAnswer",
							"Asked: the order and payment as they stand, and the gateway's refund id and status.",
						),
						headers: {
							"idempotent-replayed": {
								description: "`true` when this Idempotency-Key had already asked for this refund.",
								schema: { type: "string", enum: ["true"] },
							},
						},
					},
					"400": problem(
						"The body is not valid (no `reason`, a non-positive `amount`), or the Idempotency-Key is malformed.",
					),
					"404": problem("No such order."),
					"409": problem(
						"The order is not paid (or already refunded in full); or, with `restock`, its units are still being committed as sold or were never sold.",
					),
					"422": problem(
						"Over-refund (more than is left), another currency than the order's, `restock` with a partial amount, or this Idempotency-Key was used for a different refund of the order.",
					),
					"428": problem("No Idempotency-Key header."),
					"502": problem("The payment gateway refused or failed; nothing was refunded, retry with the same key."),
					"503": problem("The payment gateway or the core is unreachable; retry with the same key."),
				},
			),
		},
		"/api/admin/orders/{id}/refunds": {
			get: orders(
				"An order's refund requests",
				{ parameters: [orderId] },
				["200", "RefundRequestList", "Every refund asked for, with its key, amount, gateway refund id and status."],
				{ "404": problem("Not an order id (an order with no refunds, or none with this id: an empty list).") },
			),
		},
		"/api/admin/orders/{id}/payment-conflicts": {
			get: orders(
				"Payments that could not settle an order",
				{
					parameters: [orderId],
					description:
						"Role: admin. Charges that arrived for an expired or cancelled order, a second charge, or a wrong amount. Each is acted on automatically: an expired order whose items can still be reserved is revived and paid by it, any other is refunded through its gateway. None: an empty list.",
				},
				[
					"200",
					"PaymentConflictList",
					"The payments that could not settle the order, oldest first, each with what became of it (revived, refund_requested, refunded).",
				],
				{ "404": null },
			),
		},
	});
}
