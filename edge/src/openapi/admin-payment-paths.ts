import { PaymentQuery, ReconciliationRunQuery } from "@bazaar/contracts/payment";
import { type Json, listParams, pathParam, problem } from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// The admin API's payment area (core /payment/admin/*, core/src/payment/routes.ts): which
// gateway and reference paid an order, and the reconciliation of payments whose webhook never came.

const payment = staffOp("payment");

export function adminPaymentPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/payment/orders/{orderId}/payments": {
			get: payment(
				"An order's payments",
				{ parameters: [pathParam("orderId", "Order id.")] },
				[
					"200",
					"PaymentList",
					"Every payment of the order (gateway, reference, status, refunded amount) with the refunds asked for it and why (an admin's, or automatic for a payment that could not settle the order); none, or no such order: an empty list.",
				],
				{ "404": null },
			),
		},
		"/api/admin/payment/payments": {
			get: payment(
				"List payments",
				{
					description: "Role: admin. Every payment newest first, with the refunds asked for each.",
					parameters: listParams(PaymentQuery, {
						status: "Only payments in this status.",
						gateway: "Only payments through this gateway.",
						orderId: "Only this order's payments.",
					}),
				},
				["200", "PaymentList", "A page of payments."],
				{ "404": null },
			),
		},
		"/api/admin/payment/reconciliation-runs": {
			get: payment(
				"Reconciliation runs",
				{
					description: "Role: admin. Newest first.",
					parameters: listParams(ReconciliationRunQuery, {
						trigger: "Only the runs the schedule started, or those an admin asked for.",
					}),
				},
				["200", "ReconciliationRunList", "The latest runs with what each payment's gateway answered."],
				{ "404": null },
			),
		},
		"/api/admin/payment/reconcile": {
			post: payment(
				"Reconcile waiting payments now",
				{
					description:
						"Role: admin. Asks each gateway about payments still waiting after the grace period (the scheduled run does the same every minute) and applies its answers exactly as their webhooks would; a webhook arriving later is then a duplicate. No body. The run is recorded.",
				},
				[
					"200",
					"ReconciliationRun",
					"The run: how many payments were checked, settled, still pending or could not be asked.",
				],
				{ "400": problem("Encoded separators in the path."), "404": null },
			),
		},
	});
}
