import { GUEST_TOKEN_HEADER, GuestToken, LineQuery, VariantId } from "@bazaar/contracts/cart";
import {
	bodyOf,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	header,
	type Json,
	json,
	paramSchema,
	pathParam,
	problem,
	SESSION_OR_NONE,
} from "./parts";

// The JSON cart (edge/src/routes/api-cart.ts): the core's cart verbs for browsers and API clients.
// Every answer is the whole cart, re-priced and re-checked against stock now.

const WHOSE =
	"Whose cart: a signed-in session's (bearer token or cookie); otherwise a guest cart, named by the `__Host-bazaar_cart` cookie (browsers) or the `x-bazaar-cart-token` header (API clients keep the token the first add answers).";

const guestToken = header(
	GUEST_TOKEN_HEADER,
	GuestToken,
	false,
	"A guest cart's token (when not signed in); overrides the guest cookie.",
);
const variantId = pathParam("variantId", "The line's variant id.", paramSchema(VariantId));
const slot = {
	name: "slot",
	in: "query",
	required: false,
	description:
		"The booked time slot's start (UTC) of a service sold by appointment: names that line of the variant. Without it: the variant's line without a slot.",
	schema: paramSchema(LineQuery.shape.slot),
};

const cartAnswer = (description: string) => ({
	...json("Cart", description),
	headers: { "Cache-Control": { schema: { type: "string", enum: ["no-store, private"] } } },
});
const common = {
	"400": problem(`The \`${GUEST_TOKEN_HEADER}\` header is not a cart token (43 base64url characters).`),
	"401": problem("A bearer token that names no live session (expired or signed out): never read as a guest."),
};
const writes = {
	...common,
	...csrfProblems,
	"413": problem("The body is larger than 16 KB."),
};

const op = (operationId: string, summary: string, extra: Json, responses: Json) => ({
	tags: ["cart"],
	operationId,
	summary,
	security: SESSION_OR_NONE,
	...extra,
	responses: { ...responses, ...coreTrouble },
});

export function cartPaths(): Record<string, Json> {
	return {
		"/api/cart": {
			get: op(
				"getCart",
				"The cart",
				{ description: `${WHOSE} Nobody's cart yet reads as an empty one.`, parameters: [guestToken] },
				{ "200": cartAnswer("The cart, priced now, with a status and message per line."), ...common },
			),
			delete: op(
				"clearCart",
				"Empty the cart",
				{
					description: `${WHOSE} Idempotent: no cart at all answers an empty one. ${COOKIE_WRITE_RULE}`,
					parameters: [guestToken],
				},
				{ "200": cartAnswer("The emptied cart."), ...writes },
			),
		},
		"/api/cart/lines": {
			post: op(
				"addCartLine",
				"Add to the cart",
				{
					description: `${WHOSE} Adds \`quantity\` units (default 1) to the variant's line, or starts it; a service sold by appointment needs a \`slot\` (on the hour, in the future, at most 90 days ahead), and each slot is its own line. A guest's first add starts a cart: its token is set as the cookie and answered in the \`${GUEST_TOKEN_HEADER}\` header. ${COOKIE_WRITE_RULE}`,
					parameters: [guestToken],
					requestBody: bodyOf("AddLineRequest"),
				},
				{
					"200": {
						...cartAnswer("The cart with the line added."),
						headers: {
							[GUEST_TOKEN_HEADER]: {
								description: "Guests only: the cart's token, to send back in the same header.",
								schema: paramSchema(GuestToken),
							},
						},
					},
					...writes,
					"400": problem("The body is not JSON or not an `AddLineRequest`, or the cart token header is malformed."),
					"404": problem("The catalog has no such variant."),
					"409": problem("Not enough stock (or no capacity left in the slot) for the line's new quantity."),
					"422": problem(
						"The variant cannot be sold (archived, draft, not sold in the cart's currency), its slot is missing, not allowed or not bookable, or a cart limit (100 lines, 99 units a line) would be passed.",
					),
				},
			),
		},
		"/api/cart/lines/{variantId}": {
			patch: op(
				"setCartLineQuantity",
				"Change a line's quantity",
				{
					description: `${WHOSE} Sets the line's quantity (1–99); remove a line with DELETE. ${COOKIE_WRITE_RULE}`,
					parameters: [variantId, slot, guestToken],
					requestBody: bodyOf("SetQuantityRequest"),
				},
				{
					"200": cartAnswer("The cart with the new quantity."),
					...writes,
					"400": problem(
						"The body is not `{quantity}`, `slot` is not a UTC date-time, or the cart token header is malformed.",
					),
					"404": problem("The cart has no such line (or there is no cart)."),
					"409": problem("Not enough stock (or slot capacity) for that quantity."),
					"422": problem(
						"The variant is gone from the catalog or can no longer be sold, or the line's slot is no longer bookable.",
					),
				},
			),
			delete: op(
				"removeCartLine",
				"Remove a line",
				{ description: `${WHOSE} ${COOKIE_WRITE_RULE}`, parameters: [variantId, slot, guestToken] },
				{
					"200": cartAnswer("The cart without the line."),
					...writes,
					"400": problem("`slot` is not a UTC date-time, or the cart token header is malformed."),
					"404": problem("The cart has no such line (or there is no cart)."),
				},
			),
		},
		"/api/cart/coupon": {
			post: op(
				"applyCoupon",
				"Apply a discount code",
				{
					description: `${WHOSE} The promotion module checks the code; it stays on the cart and is judged again on every read (\`promotion.coupon\`), and checkout redeems it. Attempts are rate limited per shopper and per client address (only codes that fail count). ${COOKIE_WRITE_RULE}`,
					parameters: [guestToken],
					requestBody: bodyOf("ApplyCouponRequest"),
				},
				{
					"200": cartAnswer("The cart with the code and what it takes off."),
					...writes,
					"422": problem(
						"This code is not valid. (One answer for every code that cannot be used: unknown, expired, disabled, used up.)",
					),
					"429": problem("Too many codes tried; `Retry-After` says when to try again."),
				},
			),
			delete: op(
				"removeCoupon",
				"Remove the discount code",
				{ description: `${WHOSE} ${COOKIE_WRITE_RULE}`, parameters: [guestToken] },
				{ "200": cartAnswer("The cart without a code."), ...writes },
			),
		},
	};
}
