import { createRoute } from "@hono/zod-openapi";
import {
	PaymentList,
	PaymentQuery,
	ReconciliationRun,
	ReconciliationRunList,
	ReconciliationRunQuery,
} from "../payment";
import { answer, idParams, problem } from "./kit";

// The payment area (core /payment/admin/*, edge /api/admin/payment/*): which gateway and
// reference paid an order, and the reconciliation of payments whose webhook never came.

export const listOrderPayments = createRoute({
	method: "get",
	path: "/orders/{orderId}/payments",
	summary: "An order's payments",
	description: "Role: admin.",
	request: { params: idParams("orderId") },
	responses: {
		200: answer(
			PaymentList,
			"Every payment of the order (gateway, reference, status, refunded amount) with the refunds asked for it and why; none, or no such order: an empty list.",
		),
	},
});

export const listPayments = createRoute({
	method: "get",
	path: "/payments",
	summary: "List payments",
	description: "Role: admin. Every payment newest first, with the refunds asked for each.",
	request: { query: PaymentQuery },
	responses: {
		200: answer(PaymentList, "A page of payments."),
		400: problem("A malformed filter, a limit over 100, or a cursor this list did not give out."),
	},
});

export const listReconciliationRuns = createRoute({
	method: "get",
	path: "/reconciliation-runs",
	summary: "Reconciliation runs",
	description: "Role: admin. Newest first.",
	request: { query: ReconciliationRunQuery },
	responses: {
		200: answer(ReconciliationRunList, "The latest runs with what each payment's gateway answered."),
		400: problem("A malformed filter, a limit over 100, or a cursor this list did not give out."),
	},
});

export const reconcileNow = createRoute({
	method: "post",
	path: "/reconcile",
	summary: "Reconcile waiting payments now",
	description:
		"Role: admin. Asks each gateway about payments still waiting after the grace period (the scheduled run does the same every minute) and applies its answers exactly as their webhooks would; a webhook arriving later is then a duplicate. No body. The run is recorded.",
	responses: {
		200: answer(
			ReconciliationRun,
			"The run: how many payments were checked, settled, still pending or could not be asked.",
		),
	},
});

export const PAYMENT_ADMIN_ROUTES = [listOrderPayments, listPayments, listReconciliationRuns, reconcileNow];
