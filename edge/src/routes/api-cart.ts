import {
	AddLineRequest,
	Cart,
	GUEST_TOKEN_HEADER,
	GuestToken,
	LineQuery,
	SetQuantityRequest,
	VariantId,
} from "@bazaar/contracts/cart";
import { ApplyCouponRequest } from "@bazaar/contracts/promotion";
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { z } from "zod";
import { coreCart, hasCart } from "../cart/core-cart";
import { guestToken, guestTokenForWrite, keepGuestToken } from "../cart/guest";
import type { AppContext } from "../env";
import type { CoreAnswer } from "../lib/core-call";
import { apiProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import {
	apiRouter,
	body,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	json,
	problem,
	SESSION_OR_NONE,
	tooLarge,
} from "../openapi/route-kit";
import { loadSession } from "../session/middleware";

// The JSON cart API: the core's cart verbs with the same semantics, for browsers (session and
// guest cart cookies, guarded against CSRF by apiWriteGuard) and API clients (a bearer session,
// or a guest cart token they keep themselves in `x-bazaar-cart-token`). Every answer is the
// re-checked cart; every refusal is problem JSON.

const MAX_BODY = 16 * 1024;
const PRIVATE = { "cache-control": "no-store, private" };

type Token = string | null;

/** The guest token: the header an API client sends (checked by the route), else the cookie's. */
const requestToken = (c: AppContext): Token => c.req.header(GUEST_TOKEN_HEADER) ?? guestToken(c);

function answer(c: AppContext, result: CoreAnswer<unknown>, headers: Record<string, string> = {}) {
	if (result.ok) return c.json(result.value, 200, { ...PRIVATE, ...headers });
	const { problem } = result;
	// The core's own trouble is a 502/503 here; its refusals (400/404/409/422) pass through.
	if (result.status >= 500) return apiProblem(result.status === 503 ? 503 : 502, problem.detail);
	return apiProblem(result.status, problem.detail, { errors: problem.errors, title: problem.title });
}

const noSuchLine = () => apiProblem(404, "That cart line was not found.");

// ---- route definitions ---------------------------------------------------------------------------

const WHOSE =
	"Whose cart: a signed-in session's (bearer token or cookie); otherwise a guest cart, named by the `__Host-bazaar_cart` cookie (browsers) or the `x-bazaar-cart-token` header (API clients keep the token the first add answers).";

const guestHeader = z.object({
	[GUEST_TOKEN_HEADER]: GuestToken.optional().meta({
		description: "A guest cart's token (when not signed in); overrides the guest cookie.",
	}),
});
const lineParams = z.object({
	variantId: VariantId.meta({ param: { description: "The line's variant id." }, example: "var_0EXAMPLE" }),
});
const lineQuery = z.object({
	slot: LineQuery.shape.slot.meta({
		description:
			"The booked time slot's start (UTC) of a service sold by appointment: names that line of the variant. Without it: the variant's line without a slot.",
	}),
});

const cartAnswer = (description: string, headers: Record<string, unknown> = {}) => ({
	...json(Cart, description),
	headers: { "Cache-Control": { schema: { type: "string" as const, enum: ["no-store, private"] } }, ...headers },
});
const freshToken = {
	[GUEST_TOKEN_HEADER]: {
		description: "Guests only: the cart's token, to send back in the same header.",
		schema: { type: "string" as const, pattern: "^[A-Za-z0-9_-]{43}$" },
	},
};
const common = {
	400: problem(`The \`${GUEST_TOKEN_HEADER}\` header is not a cart token (43 base64url characters).`),
	401: problem("A bearer token that names no live session (expired or signed out): never read as a guest."),
};
const writes = { ...common, ...csrfProblems, ...tooLarge("16 KB") };

function cartRoute<R extends RouteConfig>(route: R, write: boolean): R {
	return {
		...route,
		tags: ["cart"],
		security: SESSION_OR_NONE,
		description: [WHOSE, route.description, write ? COOKIE_WRITE_RULE : undefined].filter(Boolean).join(" "),
		responses: { ...(write ? writes : common), ...route.responses, ...coreTrouble },
	};
}

const getCart = createRoute(
	cartRoute(
		{
			method: "get",
			path: "/",
			operationId: "getCart",
			summary: "The cart",
			description: "Nobody's cart yet reads as an empty one.",
			request: { headers: guestHeader },
			responses: { 200: cartAnswer("The cart, priced now, with a status and message per line.") },
		},
		false,
	),
);

const clearCart = createRoute(
	cartRoute(
		{
			method: "delete",
			path: "/",
			operationId: "clearCart",
			summary: "Empty the cart",
			description: "Idempotent: no cart at all answers an empty one.",
			request: { headers: guestHeader },
			responses: { 200: cartAnswer("The emptied cart.") },
		},
		true,
	),
);

const addCartLine = createRoute(
	cartRoute(
		{
			method: "post",
			path: "/lines",
			operationId: "addCartLine",
			summary: "Add to the cart",
			description: `Adds \`quantity\` units (default 1) to the variant's line, or starts it; a service sold by appointment needs a \`slot\` (on the hour, in the future, at most 90 days ahead), and each slot is its own line. A guest's first add starts a cart: its token is set as the cookie and answered in the \`${GUEST_TOKEN_HEADER}\` header.`,
			request: { headers: guestHeader, body: body(AddLineRequest, { variantId: "var_0EXAMPLE", quantity: 1 }) },
			responses: {
				200: cartAnswer("The cart with the line added.", freshToken),
				400: problem("The body is not JSON or not an `AddLineRequest`, or the cart token header is malformed."),
				404: problem("The catalog has no such variant."),
				409: problem("Not enough stock (or no capacity left in the slot) for the line's new quantity."),
				422: problem(
					"The variant cannot be sold (archived, draft, not sold in the cart's currency), its slot is missing, not allowed or not bookable, or a cart limit (100 lines, 99 units a line) would be passed.",
				),
			},
		},
		true,
	),
);

const setCartLineQuantity = createRoute(
	cartRoute(
		{
			method: "patch",
			path: "/lines/{variantId}",
			operationId: "setCartLineQuantity",
			summary: "Change a line's quantity",
			description: "Sets the line's quantity (1–99); remove a line with DELETE.",
			request: {
				params: lineParams,
				query: lineQuery,
				headers: guestHeader,
				body: body(SetQuantityRequest, { quantity: 2 }),
			},
			responses: {
				200: cartAnswer("The cart with the new quantity."),
				400: problem(
					"The body is not `{quantity}`, `slot` is not a UTC date-time, or the cart token header is malformed.",
				),
				404: problem("The cart has no such line (or there is no cart)."),
				409: problem("Not enough stock (or slot capacity) for that quantity."),
				422: problem(
					"The variant is gone from the catalog or can no longer be sold, or the line's slot is no longer bookable.",
				),
			},
		},
		true,
	),
);

const removeCartLine = createRoute(
	cartRoute(
		{
			method: "delete",
			path: "/lines/{variantId}",
			operationId: "removeCartLine",
			summary: "Remove a line",
			request: { params: lineParams, query: lineQuery, headers: guestHeader },
			responses: {
				200: cartAnswer("The cart without the line."),
				400: problem("`slot` is not a UTC date-time, or the cart token header is malformed."),
				404: problem("The cart has no such line (or there is no cart)."),
			},
		},
		true,
	),
);

const applyCoupon = createRoute(
	cartRoute(
		{
			method: "post",
			path: "/coupon",
			operationId: "applyCoupon",
			summary: "Apply a discount code",
			description:
				"The promotion module checks the code; it stays on the cart and is judged again on every read (`promotion.coupon`), and checkout redeems it. Attempts are rate limited per shopper and per client address (only codes that fail count).",
			request: { headers: guestHeader, body: body(ApplyCouponRequest, { code: "WELCOME10" }) },
			responses: {
				200: cartAnswer("The cart with the code and what it takes off.", freshToken),
				422: problem(
					"This code is not valid. (One answer for every code that cannot be used: unknown, expired, disabled, used up.)",
				),
				429: problem("Too many codes tried; `Retry-After` says when to try again."),
			},
		},
		true,
	),
);

const removeCoupon = createRoute(
	cartRoute(
		{
			method: "delete",
			path: "/coupon",
			operationId: "removeCoupon",
			summary: "Remove the discount code",
			request: { headers: guestHeader },
			responses: { 200: cartAnswer("The cart without a code.") },
		},
		true,
	),
);

// ---- handlers ----------------------------------------------------------------------------------

export const apiCart = apiRouter();

apiCart.use("*", bufferBody(MAX_BODY));
apiCart.use("*", loadSession);
apiCart.use("*", async (c, next) => {
	// A bearer token that names no live session is refused, not quietly turned into a guest.
	if (c.get("authVia") === "bearer" && !c.get("session")) {
		return apiProblem(
			401,
			"The bearer session is not valid (expired or logged out).",
			{},
			{ "www-authenticate": "Bearer" },
		);
	}
	await next();
});
apiCart.use("*", apiWriteGuard);

apiCart.openapi(getCart, async (c) => answer(c, await coreCart.read(c, requestToken(c))));

apiCart.openapi(addCartLine, async (c) => {
	const token = requestToken(c);
	const input = c.req.valid("json");
	// A guest's first add mints the cart: kept in a cookie for browsers and returned in the
	// header for API clients, and only once the core accepted the line.
	const guest = c.get("session") ? null : guestTokenForWrite(c, token);
	const result = await coreCart.add(c, guest?.token ?? null, input);
	if (result.ok && guest?.fresh) keepGuestToken(c, guest.token);
	return answer(c, result, guest && result.ok ? { [GUEST_TOKEN_HEADER]: guest.token } : {});
});

apiCart.openapi(setCartLineQuantity, async (c) => {
	const token = requestToken(c);
	if (!hasCart(c, token)) return noSuchLine();
	const { variantId } = c.req.valid("param");
	const slot = c.req.valid("query").slot ?? null;
	return answer(c, await coreCart.setQuantity(c, token, variantId, slot, c.req.valid("json")));
});

apiCart.openapi(removeCartLine, async (c) => {
	const token = requestToken(c);
	if (!hasCart(c, token)) return noSuchLine();
	const { variantId } = c.req.valid("param");
	return answer(c, await coreCart.remove(c, token, variantId, c.req.valid("query").slot ?? null));
});

apiCart.openapi(clearCart, async (c) => {
	const token = requestToken(c);
	// No cart at all is already empty: answer the empty cart, as clearing is idempotent.
	return answer(c, hasCart(c, token) ? await coreCart.clear(c, token) : await coreCart.read(c, null));
});

apiCart.openapi(applyCoupon, async (c) => {
	const token = requestToken(c);
	const input = c.req.valid("json");
	// A guest may apply a code before adding anything: the cart is minted as for a first line.
	const guest = c.get("session") ? null : guestTokenForWrite(c, token);
	const result = await coreCart.applyCoupon(c, guest?.token ?? null, input.code);
	if (result.ok && guest?.fresh) keepGuestToken(c, guest.token);
	return answer(c, result, guest && result.ok ? { [GUEST_TOKEN_HEADER]: guest.token } : {});
});

apiCart.openapi(removeCoupon, async (c) => {
	const token = requestToken(c);
	return answer(c, hasCart(c, token) ? await coreCart.removeCoupon(c, token) : await coreCart.read(c, null));
});
