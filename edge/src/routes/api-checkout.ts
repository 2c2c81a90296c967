import type { Problem } from "@bazaar/contracts";
import { GUEST_TOKEN_HEADER } from "@bazaar/contracts/cart";
import {
	CheckoutConfirmed,
	CheckoutResponse,
	Quote,
	QuoteRequest,
	StorefrontCheckoutRequest,
} from "@bazaar/contracts/checkout";
import { IdempotencyKey, OrderId } from "@bazaar/contracts/order";
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { checkoutCore } from "../checkout/core";
import { idempotencyKeyOf } from "../checkout/form-state";
import { checkoutShopper } from "../checkout/shopper";
import { paymentUrls } from "../checkout/urls";
import type { AppEnv } from "../env";
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
	SESSION_OR_GUEST,
	tooLarge,
} from "../openapi/route-kit";
import { loadSession } from "../session/middleware";

// The JSON checkout for API clients (cookie or bearer session, or a guest by the cart cookie with
// an email in the body) over the core's checkout workflow (core/src/workflows/checkout.ts):
// POST /api/checkout places the order and answers where to pay it; POST /api/checkout/quote
// prices the cart for an address; POST /api/checkout/orders/{orderId}/confirm settles the payment
// from the gateway on return. The edge fills in the gateway's return URLs; everything else is the
// core's CheckoutRequest.

const MAX_BODY = 16 * 1024;

function problemJson(p: Problem, status = p.status): Response {
	return new Response(JSON.stringify({ ...p, status }), {
		status,
		headers: { "content-type": "application/problem+json", "cache-control": "no-store" },
	});
}

/** The core's refusal as this API's problem; its failures are a 502/503, never passed on as ours. */
function refused(answer: { status: number; problem: Problem }): Response {
	if (answer.status >= 500) return problemJson(answer.problem, answer.status === 503 ? 503 : 502);
	return problemJson(answer.problem, answer.status);
}

/** Before anything is parsed: who is checking out; someone with neither a session nor a cart is a 401. */
const shopperOnly = (refusal: string) =>
	createMiddleware<AppEnv>(async (c, next) => {
		const shopper = await checkoutShopper(c, { api: true });
		if (!shopper) return apiProblem(401, refusal);
		c.set("shopper", shopper);
		await next();
	});
const NO_SHOPPER = "Sign in, or put something in a cart to check out as a guest.";

/** Before the body: a checkout without a usable Idempotency-Key is refused, naming the header. */
const keyed = createMiddleware<AppEnv>(async (c, next) => {
	if (idempotencyKeyOf(c.req.header("idempotency-key"))) return next();
	return apiProblem(400, "Send an Idempotency-Key header (8–200 printable characters, e.g. a UUID).", {
		errors: [{ path: "Idempotency-Key", message: "required: 8–200 printable ASCII characters" }],
	});
});

// ---- route definitions ---------------------------------------------------------------------------

const ONE_ADDRESS =
	"Send one of `addressId` (from the address book), `address`, or — when nothing in the cart ships (digital goods, booked services) — `billing` (name and country, for the tax); a cart that ships also needs `shippingMethod`, one that ships nothing ignores it and its order keeps no address (`address` and `shippingMethod` null).";

// The guest token is read by `checkoutShopper` (a malformed one names no cart: 401), so the
// header is documented here without a validator of its own.
const guestHeader = {
	[GUEST_TOKEN_HEADER]: z.string().optional().meta({
		description: "A guest's cart token (when not signed in, 43 base64url characters); overrides the guest cookie.",
	}),
};
const keyHeader = {
	"idempotency-key": IdempotencyKey.meta({
		description:
			"Checked before the body (400 without it): 8–200 printable ASCII characters, e.g. a UUID made once per checkout attempt.",
		example: "5f0c7a52-8f8e-4c52-9d0b-0a4b2d9e7c11",
	}),
};

const EXAMPLE_ADDRESS = {
	name: "Ada Lovelace",
	line1: "12 Analytical Row",
	city: "London",
	postalCode: "N1 9GU",
	country: "GB",
};

/** Every checkout operation's tag, security, CSRF rule and common refusals. */
function checkoutRoute<R extends RouteConfig>(route: R, address: boolean): R {
	return {
		...route,
		tags: ["checkout"],
		security: SESSION_OR_GUEST,
		description: [route.description, address ? ONE_ADDRESS : undefined, COOKIE_WRITE_RULE].filter(Boolean).join(" "),
		responses: {
			401: problem("Neither signed in nor a guest with a cart (no session or cart cookie)."),
			...csrfProblems,
			403: problem(
				"Not a customer account (staff accounts do not check out), or sent from another site's page without a bearer token.",
			),
			404: problem("`addressId` is not in the customer's address book."),
			409: problem("The cart is empty or a line cannot be bought as it stands (sold out, unavailable)."),
			...tooLarge("16 KB"),
			...route.responses,
			...coreTrouble,
		},
	};
}

const placeOrder = createRoute(
	checkoutRoute(
		{
			method: "post",
			path: "/",
			operationId: "checkout",
			summary: "Place the order",
			description:
				"Turns the signed-in customer's cart — or a guest's, named by the cart cookie, with `email` in the body (required for a guest) — into an order in `pending_payment`, with its stock reserved, and starts its payment: send the shopper to `payment.redirectUrl` (redirect gateways), or confirm `payment.clientSecret` with the gateway's element. Every amount is computed on the server. The ordered lines leave the cart. The same Idempotency-Key answers the same order again (200 with `idempotent-replayed: true`), never a second one.",
			middleware: [shopperOnly(NO_SHOPPER), keyed, bufferBody(MAX_BODY)],
			request: {
				headers: z.object({ ...guestHeader, ...keyHeader }),
				body: body(StorefrontCheckoutRequest, { address: EXAMPLE_ADDRESS, shippingMethod: "standard" }),
			},
			responses: {
				201: {
					...json(CheckoutResponse, "Placed: the order and where to pay it."),
					headers: { Location: { description: "`/api/orders/{id}`.", schema: { type: "string" } } },
				},
				200: {
					...json(
						CheckoutResponse,
						"This Idempotency-Key already placed this order: the same order, its latest payment.",
					),
					headers: { "idempotent-replayed": { schema: { type: "string", enum: ["true"] } } },
				},
				400: problem("No or a malformed Idempotency-Key header, or the body is not JSON or not a valid request."),
				409: problem(
					"The cart is empty, a line cannot be bought or there is not enough stock; or this key's order is cancelled or expired, or its payment failed too often (start a new checkout with a new key).",
				),
				422: problem(
					"The address cannot be shipped to, the cart has goods to ship and no address or shipping method came (`errors` names which), a guest sent no `email`, the gateway is not enabled, the cart's currency is not supported, or this Idempotency-Key was used for a different checkout.",
				),
			},
		},
		true,
	),
);

const quoteCheckout = createRoute(
	checkoutRoute(
		{
			method: "post",
			path: "/quote",
			operationId: "quoteCheckout",
			summary: "Price the cart for an address",
			description:
				"What the cart would cost shipped to the address: every shipping method with its shipping, tax, discount and total, computed by the same code that prices the order; for a cart with nothing to ship, `ships: false`, no options and its one price in `due`, taxed by the billing country. Nothing is reserved or written.",
			middleware: [shopperOnly(NO_SHOPPER), bufferBody(MAX_BODY)],
			request: {
				headers: z.object(guestHeader),
				body: body(QuoteRequest, { address: EXAMPLE_ADDRESS, shippingMethod: "standard" }),
			},
			responses: {
				200: json(Quote, "The lines and every shipping option (and the one asked for, if any)."),
				400: problem("The body is not JSON or not a valid request."),
				422: problem("The address cannot be shipped to, or the shop does not ship orders in the cart's currency."),
			},
		},
		true,
	),
);

const confirmCheckoutPayment = createRoute(
	checkoutRoute(
		{
			method: "post",
			path: "/orders/{orderId}/confirm",
			operationId: "confirmCheckoutPayment",
			summary: "Settle the payment on return from the gateway",
			description:
				"Back from the gateway's page, asks the gateway now (PayPal captures here) and applies its answer as its webhook would, instead of waiting for the webhook. Answers the order and its latest payment; the order itself turns paid a moment later, on the bus. Safe to repeat.",
			middleware: [shopperOnly("Sign in, or use the guest cart's cookie, to confirm a payment.")],
			request: {
				params: z.object({
					orderId: OrderId.meta({
						param: { description: "The order's id." },
						example: "ord_01J00000000000000000000000",
					}),
				}),
				headers: z.object(guestHeader),
			},
			responses: {
				200: json(CheckoutConfirmed, "The order and its latest payment, settled if the gateway says so."),
				404: problem("No such order, or another customer's."),
			},
		},
		false,
	),
);

// ---- handlers ----------------------------------------------------------------------------------

export const apiCheckout = apiRouter();
apiCheckout.use("*", loadSession);
apiCheckout.use("*", apiWriteGuard);

apiCheckout.openapi(placeOrder, async (c) => {
	const shopper = c.get("shopper");
	const key = idempotencyKeyOf(c.req.header("idempotency-key")) as string;
	const input = c.req.valid("json");
	if (shopper.guest && input.email === undefined) {
		return apiProblem(422, "A guest checks out with an email address: the order and its mail go there.", {
			errors: [{ path: "email", message: "required for a guest" }],
		});
	}
	const placed = await checkoutCore.place(c.env, shopper, key, { ...input, ...paymentUrls(c, key) });
	if (!placed.ok) return refused(placed);
	const replayed = placed.headers.get("idempotent-replayed") === "true";
	return c.json(placed.value, replayed ? 200 : 201, {
		"cache-control": "no-store",
		location: `/api/orders/${placed.value.order.id}`,
		...(replayed ? { "idempotent-replayed": "true" } : {}),
	});
});

apiCheckout.openapi(quoteCheckout, async (c) => {
	const quote = await checkoutCore.quote(c.env, c.get("shopper"), c.req.valid("json"));
	if (!quote.ok) return refused(quote);
	return c.json(quote.value, 200, { "cache-control": "no-store" });
});

/** Another customer's order is a 404, as is an id that cannot name one (the router's param check). */
apiCheckout.openapi(confirmCheckoutPayment, async (c) => {
	const confirmed = await checkoutCore.confirm(c.env, c.get("shopper"), c.req.valid("param").orderId);
	if (!confirmed.ok) return refused(confirmed);
	return c.json(confirmed.value, 200, { "cache-control": "no-store" });
});

apiCheckout.all("*", (c) =>
	c.req.method === "POST"
		? apiProblem(404, "There is no such checkout resource.")
		: apiProblem(405, `${c.req.method} is not allowed here.`, {}, { allow: "POST" }),
);
