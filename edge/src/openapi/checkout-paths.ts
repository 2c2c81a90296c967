import { GUEST_TOKEN_HEADER, GuestToken } from "@bazaar/contracts/cart";
import { IdempotencyKey } from "@bazaar/contracts/order";
import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	header,
	type Json,
	json,
	problem,
	SESSION_OR_GUEST,
} from "./parts";

// The JSON checkout (edge/src/routes/api-checkout.ts) over the core's checkout workflow
// (core/src/workflows/checkout.ts): the signed-in customer's cart, or a guest's (the cart cookie
// and an email), becomes an order.

/** A guest API client names its cart as at /api/cart. */
const guestToken = header(
	GUEST_TOKEN_HEADER,
	GuestToken,
	false,
	"A guest's cart token (when not signed in); overrides the guest cookie.",
);

const ONE_ADDRESS = "Send either `addressId` (from the address book) or `address`, not both.";

const common = {
	"401": problem("Neither signed in nor a guest with a cart (no session or cart cookie)."),
	...csrfProblems,
	"403": problem(
		"Not a customer account (staff accounts do not check out), or sent from another site's page without a bearer token.",
	),
	"404": problem("`addressId` is not in the customer's address book."),
	"409": problem("The cart is empty or a line cannot be bought as it stands (sold out, unavailable)."),
	"413": problem("The body is larger than 16 KB."),
	...coreTrouble,
};

export function checkoutPaths(): Record<string, Json> {
	return {
		"/api/checkout": {
			post: {
				tags: ["checkout"],
				operationId: "checkout",
				summary: "Place the order",
				description: `Turns the signed-in customer's cart — or a guest's, named by the cart cookie, with \`email\` in the body (required for a guest) — into an order in \`pending_payment\`, with its stock reserved, and starts its payment: send the shopper to \`payment.redirectUrl\` (redirect gateways), or confirm \`payment.clientSecret\` with the gateway's element. Every amount is computed on the server. The ordered lines leave the cart. ${ONE_ADDRESS} The same Idempotency-Key answers the same order again (200 with \`idempotent-replayed: true\`), never a second one. ${COOKIE_WRITE_RULE}`,
				security: SESSION_OR_GUEST,
				parameters: [
					guestToken,
					header(
						"Idempotency-Key",
						IdempotencyKey,
						true,
						"Required: 8–200 printable ASCII characters, e.g. a UUID made once per checkout attempt.",
					),
				],
				requestBody: bodyOf("StorefrontCheckoutRequest"),
				responses: {
					"201": {
						...json("CheckoutResponse", "Placed: the order and where to pay it."),
						headers: { Location: { description: "`/api/orders/{id}`.", schema: { type: "string" } } },
					},
					"200": {
						...json(
							"CheckoutResponse",
							"This Idempotency-Key already placed this order: the same order, its latest payment.",
						),
						headers: { "idempotent-replayed": { schema: { type: "string", enum: ["true"] } } },
					},
					"400": problem("No or a malformed Idempotency-Key header, or the body is not JSON or not a valid request."),
					...common,
					"409": problem(
						"The cart is empty, a line cannot be bought or there is not enough stock; or this key's order is cancelled or expired, or its payment failed too often (start a new checkout with a new key).",
					),
					"422": problem(
						"The address cannot be shipped to, the gateway is not enabled, the cart's currency is not supported, or this Idempotency-Key was used for a different checkout.",
					),
				},
			},
		},
		"/api/checkout/quote": {
			post: {
				tags: ["checkout"],
				operationId: "quoteCheckout",
				summary: "Price the cart for an address",
				description: `What the cart would cost shipped to the address: every shipping method with its shipping, tax, discount and total, computed by the same code that prices the order. Nothing is reserved or written. ${ONE_ADDRESS} ${COOKIE_WRITE_RULE}`,
				security: SESSION_OR_GUEST,
				parameters: [guestToken],
				requestBody: bodyOf("QuoteRequest"),
				responses: {
					"200": json("Quote", "The lines and every shipping option (and the one asked for, if any)."),
					"400": problem("The body is not JSON or not a valid request."),
					...common,
					"422": problem("The address cannot be shipped to, or the shop does not ship orders in the cart's currency."),
				},
			},
		},
		"/api/checkout/orders/{orderId}/confirm": {
			post: {
				tags: ["checkout"],
				operationId: "confirmCheckoutPayment",
				summary: "Settle the payment on return from the gateway",
				description: `Back from the gateway's page, asks the gateway now (PayPal captures here) and applies its answer as its webhook would, instead of waiting for the webhook. Answers the order and its latest payment; the order itself turns paid a moment later, on the bus. Safe to repeat. ${COOKIE_WRITE_RULE}`,
				security: SESSION_OR_GUEST,
				parameters: [{ name: "orderId", in: "path", required: true, schema: { type: "string" } }, guestToken],
				responses: {
					"200": json("CheckoutConfirmed", "The order and its latest payment, settled if the gateway says so."),
					...common,
					"404": problem("No such order, or another customer's."),
				},
			},
		},
	};
}
