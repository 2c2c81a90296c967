import { GuestOrderKey, ListOrdersQuery, OrderId } from "@bazaar/contracts/order";
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
	SESSION_OR_NONE,
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

const guestKey = {
	name: "key",
	in: "query",
	required: true,
	description: "The key of the order's link (from its confirmation mail, or from `POST /api/orders/lookup`).",
	schema: paramSchema(GuestOrderKey),
};

/** A guest's orders: no account, the link's key is the credential. */
function guestOrderPaths(): Record<string, Json> {
	return {
		"/api/orders/lookup": {
			post: {
				tags: ["orders"],
				operationId: "lookupGuestOrder",
				summary: "Find a guest order by number + email",
				description: `For a shopper who checked out as a guest: the order number and the email it was placed with give the key of the order's link (the same one its confirmation mail carries). A wrong number and a wrong email get the same 404. Misses are rate limited per IP, per order number and per email (429 with \`Retry-After\`). ${COOKIE_WRITE_RULE}`,
				security: SESSION_OR_NONE,
				requestBody: bodyOf("GuestOrderLookup"),
				responses: {
					"200": json("GuestOrderLink", "The order's key and its storefront page."),
					"400": problem("The body is not JSON, or not an order number and an email."),
					"404": problem("No guest order has that number and email (the same answer for either mismatch)."),
					"429": problem("Too many lookups; `Retry-After` says when to try again."),
					...csrfProblems,
					"413": problem("The body is larger than 16 KB."),
					...coreTrouble,
				},
			},
		},
		"/api/orders/guest/{id}": {
			get: {
				tags: ["orders"],
				operationId: "getGuestOrder",
				summary: "A guest order, by its link's key",
				description:
					"The order with its timeline, for whoever holds its key. The key never expires; it stops working once the order is claimed into an account (sign-up with the order's email address, confirmed by mail). Any other key, and an account's order, is a 404.",
				security: [{}],
				parameters: [orderId, guestKey],
				responses: {
					"200": json("OrderDetail", "The order."),
					"404": problem("No such guest order, or the key does not open it."),
					...coreTrouble,
				},
			},
		},
	};
}

export function orderPaths(): Record<string, Json> {
	return {
		...guestOrderPaths(),
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
