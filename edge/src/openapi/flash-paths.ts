import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	type Json,
	json,
	pathParam,
	problem,
	SESSION,
} from "./parts";

// Flash sales (edge/src/routes/api-flash.ts): buying through the item's stock shard, the
// reservation's order and its payment. A token that is not the caller's is a 404 like a made-up one.

const item = pathParam("item", "Flash-sale item id (`fsi_…`).");
const token = pathParam("token", "The reservation token from the buy's answer (`fr_….<mac>`).");
const signIn = { "401": problem("Not signed in (no session, or it has ended).") };
const noSuch = { "404": problem("No such reservation in the customer's account (or a made-up token).") };

export function flashPaths(): Record<string, Json> {
	return {
		"/api/flash/{item}": {
			get: {
				tags: ["flash sales"],
				operationId: "getFlashSale",
				summary: "A flash sale's terms and whether it is sold out",
				parameters: [item],
				responses: {
					"200": json("FlashSaleInfo", "Price, quota, per-shopper limit, window, sold out."),
					"404": problem("No armed flash sale has this id."),
					...coreTrouble,
				},
			},
		},
		"/api/flash/{item}/buy": {
			post: {
				tags: ["flash sales"],
				operationId: "buyFlashSale",
				summary: "Buy in a flash sale",
				description: `Customers only. Answered by the shopper's stock shard at once; the pending order appears a moment later (GET the reservation). ${COOKIE_WRITE_RULE}`,
				security: SESSION,
				parameters: [item],
				requestBody: bodyOf("FlashBuyRequest", false),
				responses: {
					"201": json("FlashBuyAnswer", "Reserved: the token, the order id it becomes, the flash price."),
					"400": problem("A body that is not JSON or not `{quantity}`."),
					...signIn,
					...csrfProblems,
					"403": problem("Not a customer account, or sent from another site's page without a bearer token."),
					"404": problem("No armed flash sale has this id."),
					"409": problem("Not started yet, or sold out (type `https://bazaar.dev/problems/sold-out`)."),
					"410": problem("The sale has ended."),
					"422": problem("More than the per-shopper limit."),
					"429": problem("Too many attempts by this shopper on this item; `Retry-After`."),
					...coreTrouble,
				},
			},
		},
		"/api/flash/reservations/{token}": {
			get: {
				tags: ["flash sales"],
				operationId: "getFlashReservation",
				summary: "The reservation's order",
				security: SESSION,
				parameters: [token],
				responses: {
					"200": json("FlashReservationStatus", "The order's status (null until the core has it), total, deadline."),
					...signIn,
					"403": problem("Not a customer account."),
					...noSuch,
					...coreTrouble,
				},
			},
		},
		"/api/flash/reservations/{token}/pay": {
			post: {
				tags: ["flash sales"],
				operationId: "payFlashReservation",
				summary: "Pay the reservation's order",
				description: `Starts (or resumes) its payment through the enabled gateway; send the shopper to \`redirectUrl\`. ${COOKIE_WRITE_RULE}`,
				security: SESSION,
				parameters: [token],
				requestBody: bodyOf("FlashPayRequest", false),
				responses: {
					"200": json("FlashPayAnswer", "The payment and where the shopper pays."),
					"400": problem("A body that is not JSON or not `{gateway?}`."),
					...signIn,
					...csrfProblems,
					"403": problem("Not a customer account, or sent from another site's page without a bearer token."),
					...noSuch,
					"409": problem("The order is no longer waiting for payment (paid, expired, cancelled)."),
					"422": problem("A gateway that is not enabled."),
					...coreTrouble,
				},
			},
		},
	};
}
