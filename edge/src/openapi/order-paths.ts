import { ListOrdersQuery, OrderId } from "@bazaar/contracts/order";
import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	type Json,
	json,
	paramSchema,
	pathParam,
	problem,
	SESSION,
} from "./parts";

// The signed-in customer's orders (edge/src/routes/api-orders.ts). Someone else's order is a
// 404 exactly like a missing one, so order ids cannot be probed.

const orderId = pathParam("id", "Order id.", paramSchema(OrderId));
const signIn = { "401": problem("Not signed in (no session, or it has ended); `WWW-Authenticate: Bearer`.") };
const notYours = { "404": problem("No such order in the customer's account.") };

const op = (operationId: string, summary: string, extra: Json, responses: Json) => ({
	tags: ["orders"],
	operationId,
	summary,
	security: SESSION,
	...extra,
	responses: { ...responses, ...signIn, ...coreTrouble },
});

export function orderPaths(): Record<string, Json> {
	return {
		"/api/orders": {
			get: op(
				"listOrders",
				"The customer's orders",
				{
					description: "Newest first; cursor pagination.",
					parameters: [
						{
							name: "cursor",
							in: "query",
							required: false,
							description: "`nextCursor` of the previous page.",
							schema: paramSchema(ListOrdersQuery.shape.cursor),
						},
						{
							name: "limit",
							in: "query",
							required: false,
							description: "Page size.",
							schema: paramSchema(ListOrdersQuery.shape.limit),
						},
					],
				},
				{
					"200": json("OrderList", "A page of order summaries."),
					"400": problem("An unknown query parameter, a cursor that is not an order id, or a limit outside 1–100."),
				},
			),
		},
		"/api/orders/{id}": {
			get: op(
				"getOrder",
				"One of the customer's orders",
				{ parameters: [orderId] },
				{ "200": json("OrderDetail", "The order with its timeline."), ...notYours },
			),
		},
		"/api/orders/{id}/cancel": {
			post: op(
				"cancelOrder",
				"Cancel an unpaid order",
				{
					description: `Cancels an order still waiting for its payment; its stock goes back. The body is optional (\`{}\` or none; a \`reason\` at most). ${COOKIE_WRITE_RULE}`,
					parameters: [orderId],
					requestBody: bodyOf("CancelInput", false),
				},
				{
					"200": json("Order", "Cancelled."),
					"400": problem("The body is not JSON or has fields other than `reason`."),
					...csrfProblems,
					...notYours,
					"409": problem(
						"The order's status does not allow cancelling it (already paid, shipped, cancelled or expired).",
					),
					"413": problem("The body is larger than 16 KB."),
				},
			),
		},
	};
}
