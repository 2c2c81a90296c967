import { problemResponse, zodProblem } from "@bazaar/contracts";
import {
	CancelInput,
	GuestOrderKey,
	GuestOrderLink,
	GuestOrderLookup,
	ListOrdersQuery,
	Order,
	OrderDetail,
	OrderId,
	OrderList,
	RescheduleInput,
} from "@bazaar/contracts/order";
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, type CoreAnswer, callerOf } from "../lib/core-call";
import { guestOrderPath, isOrderId, orders } from "../lib/orders";
import { apiProblem, relayProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody, optionalJsonBody } from "../middleware/body";
import {
	apiRouter,
	body,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	json,
	problem,
	SESSION,
	SESSION_OR_NONE,
	tooLarge,
} from "../openapi/route-kit";
import { loadSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";

// The signed-in customer's orders as JSON, for the browser (session cookie) and API clients
// (`Authorization: Bearer <session id>`): GET /api/orders, GET /api/orders/{id} and
// POST /api/orders/{id}/cancel. Anonymous → 401; anyone else's order → 404, like a missing one,
// so order ids cannot be probed. A guest's order: POST /api/orders/lookup (number + email → its
// key), GET /api/orders/guest/{id}?key= and POST /api/orders/guest/{id}/cancel?key= (unpaid only,
// the account's rule; 409 once paid).

export const apiOrders = apiRouter();

apiOrders.use("*", bufferBody(16 * 1024));
apiOrders.use("*", loadSession);
apiOrders.use("*", apiWriteGuard);
apiOrders.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
	c.res.headers.append("vary", "Cookie, Authorization");
});

const NO_SUCH_ORDER = "There is no such order in your account.";
const NO_SUCH_GUEST_ORDER = "There is no such order.";

function signedIn(c: AppContext): ActiveSession | Response {
	return c.get("session") ?? apiProblem(401, "Sign in to see your orders.", {}, { "www-authenticate": "Bearer" });
}
/** Before anything is parsed: an account's orders need its session. */
const sessionFirst = createMiddleware<AppEnv>(async (c, next) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	await next();
});
const sessionOf = (c: AppContext) => c.get("session") as ActiveSession;

const relay = (answer: Extract<CoreAnswer<unknown>, { ok: false }>) => relayProblem(answer, NO_SUCH_ORDER);

const ok = (c: AppContext, value: unknown) => c.json(value as object, 200);

/**
 * A request that cannot name an order (a malformed id, or for a guest's a malformed key) is the
 * same 404 as one that names nothing; a bad body or query is still the router's 400.
 */
const notFoundUnless =
	(detail: string, targets: string[]) =>
	(result: { success: boolean; target: string; error?: unknown }): Response | undefined => {
		if (result.success) return undefined;
		if (targets.includes(result.target)) return apiProblem(404, detail);
		return problemResponse(zodProblem(result.error as z.ZodError, "The body is not valid."));
	};

// ---- route definitions ---------------------------------------------------------------------------

const EXAMPLE_ORDER_ID = "ord_01J00000000000000000000000";
const EXAMPLE_KEY = "k".repeat(43);
const orderParams = z.object({
	id: OrderId.meta({ param: { description: "Order id." }, example: EXAMPLE_ORDER_ID }),
});
const guestKeyQuery = z.object({
	key: GuestOrderKey.meta({
		param: {
			description: "The key of the order's link (from its confirmation mail, or from `POST /api/orders/lookup`).",
		},
		example: EXAMPLE_KEY,
	}),
});
const noGuestOrder = { 404: problem("No such guest order, or the key does not open it.") };
const notYours = { 404: problem("No such order in the customer's account.") };

/** One of the signed-in customer's: 401 without a session, before anything is read. */
function own<R extends RouteConfig>(route: R): R {
	return {
		...route,
		tags: ["orders"],
		security: SESSION,
		middleware: [sessionFirst, ...[route.middleware ?? []].flat()],
		responses: {
			...route.responses,
			401: problem("Not signed in (no session, or it has ended); `WWW-Authenticate: Bearer`."),
			...coreTrouble,
		},
	};
}

const lookupGuestOrder = createRoute({
	method: "post",
	path: "/lookup",
	tags: ["orders"],
	operationId: "lookupGuestOrder",
	summary: "Find a guest order by number + email",
	description: `For a shopper who checked out as a guest: the order number and the email it was placed with give the key of the order's link (the same one its confirmation mail carries). A wrong number and a wrong email get the same 404. Misses are rate limited per IP, per order number and per email (429 with \`Retry-After\`). ${COOKIE_WRITE_RULE}`,
	security: SESSION_OR_NONE,
	request: { body: body(GuestOrderLookup, { orderId: EXAMPLE_ORDER_ID, email: "ada@example.com" }) },
	responses: {
		200: json(GuestOrderLink, "The order's key and its storefront page."),
		400: problem("The body is not JSON, or not an order number and an email."),
		404: problem("No guest order has that number and email (the same answer for either mismatch)."),
		429: problem("Too many lookups; `Retry-After` says when to try again."),
		...csrfProblems,
		...tooLarge("16 KB"),
		...coreTrouble,
	},
});

const getGuestOrder = createRoute({
	method: "get",
	path: "/guest/{id}",
	tags: ["orders"],
	operationId: "getGuestOrder",
	summary: "A guest order, by its link's key",
	description:
		"The order with its timeline, for whoever holds its key. The key never expires; it stops working once the order is claimed into an account (sign-up with the order's email address, confirmed by mail). Any other key, and an account's order, is a 404.",
	security: [{}],
	request: { params: orderParams, query: guestKeyQuery },
	responses: { 200: json(OrderDetail, "The order."), ...noGuestOrder, ...coreTrouble },
});

const cancelGuestOrder = createRoute({
	method: "post",
	path: "/guest/{id}/cancel",
	tags: ["orders"],
	operationId: "cancelGuestOrder",
	summary: "Cancel a guest order that is not paid yet, by its link's key",
	description: `The same rule as for an account's order: only while it waits for payment (its stock goes back at once); cancelling it again answers it as it stands. ${COOKIE_WRITE_RULE}`,
	security: SESSION_OR_NONE,
	request: { params: orderParams, query: guestKeyQuery },
	responses: {
		200: json(Order, "The order, cancelled."),
		...noGuestOrder,
		409: problem("The order is paid (or expired) and can no longer be cancelled."),
		...csrfProblems,
		...coreTrouble,
	},
});

const listOrders = createRoute(
	own({
		method: "get",
		path: "/",
		operationId: "listOrders",
		summary: "The customer's orders",
		description: "Newest first; cursor pagination.",
		request: { query: ListOrdersQuery },
		responses: {
			200: json(OrderList, "A page of order summaries."),
			400: problem("An unknown query parameter, a cursor that is not an order id, or a limit outside 1–100."),
		},
	}),
);

const getOrder = createRoute(
	own({
		method: "get",
		path: "/{id}",
		operationId: "getOrder",
		summary: "One of the customer's orders",
		request: { params: orderParams },
		responses: { 200: json(OrderDetail, "The order with its timeline."), ...notYours },
	}),
);

const cancelOrder = createRoute(
	own({
		method: "post",
		path: "/{id}/cancel",
		operationId: "cancelOrder",
		summary: "Cancel an unpaid order",
		description: `Cancels an order still waiting for its payment; its stock goes back. The body is optional (\`{}\` or none; a \`reason\` at most). ${COOKIE_WRITE_RULE}`,
		middleware: [optionalJsonBody],
		request: { params: orderParams, body: body(CancelInput, { reason: "Ordered the wrong size." }, false) },
		responses: {
			200: json(Order, "Cancelled."),
			400: problem("The body is not JSON or has fields other than `reason`."),
			...csrfProblems,
			...notYours,
			409: problem("The order's status does not allow cancelling it (already paid, shipped, cancelled or expired)."),
			...tooLarge("16 KB"),
		},
	}),
);

apiOrders.openapi(listOrders, async (c) => {
	const list = await orders.list(c.env, callerOf(c, sessionOf(c)), c.req.valid("query"));
	return list.ok ? ok(c, list.value) : relay(list);
});

// ---- a guest's orders (no account: the link's key is the credential) -------------------------------

const NO_GUEST_MATCH = "No guest order matches that number and email address.";

/** Order number + email → the order's key and its page; misses are rate limited, each the same 404. */
apiOrders.openapi(lookupGuestOrder, async (c) => {
	const found = await orders.lookup(c.env, anonymousCaller(c.req.raw), c.req.valid("json"));
	if (found.ok) {
		const link: GuestOrderLink = { ...found.value, href: guestOrderPath(found.value.orderId, found.value.key) };
		return ok(c, link);
	}
	if (found.status === 404 || found.status === 400) return apiProblem(404, NO_GUEST_MATCH);
	if (found.status === 429) {
		return apiProblem(429, found.problem.detail, {}, found.retryAfter ? { "retry-after": found.retryAfter } : {});
	}
	return relay(found);
});

/** A guest order by its key (`?key=`, as in the mailed link); any other key is the same 404. */
apiOrders.openapi(
	getGuestOrder,
	async (c) => {
		const order = await orders.guest(
			c.env,
			anonymousCaller(c.req.raw),
			c.req.valid("param").id,
			c.req.valid("query").key,
		);
		if (!order.ok && order.status === 404) return apiProblem(404, NO_SUCH_GUEST_ORDER);
		return order.ok ? ok(c, order.value) : relay(order);
	},
	notFoundUnless(NO_SUCH_GUEST_ORDER, ["param", "query"]),
);

/** A guest cancels their unpaid order by its key; any other key is the same 404, a paid order a 409. */
apiOrders.openapi(
	cancelGuestOrder,
	async (c) => {
		const { id } = c.req.valid("param");
		const result = await orders.cancelGuest(c.env, anonymousCaller(c.req.raw), id, c.req.valid("query").key);
		if (!result.ok && result.status === 404) return apiProblem(404, NO_SUCH_GUEST_ORDER);
		return result.ok ? ok(c, result.value) : relay(result);
	},
	notFoundUnless(NO_SUCH_GUEST_ORDER, ["param", "query"]),
);

// ---- booked services: GET …/bookings, POST …/bookings/:line/reschedule {slot} | …/cancel ----------
// The account's under /api/orders/:id, the guest's under /api/orders/guest/:id?key=. The core checks
// the owner (or key), the merchant's cut-off (409 after) and the slot.

type Owner = { caller: ReturnType<typeof callerOf>; key?: string } | Response;

function bookingOwner(c: AppContext, guest: boolean): Owner {
	if (guest) {
		const key = GuestOrderKey.safeParse(c.req.query("key"));
		if (!key.success) return apiProblem(404, "There is no such order.");
		return { caller: anonymousCaller(c.req.raw), key: key.data };
	}
	const session = signedIn(c);
	return session instanceof Response ? session : { caller: callerOf(c, session) };
}

for (const guest of [true, false]) {
	const base = guest ? "/guest/:id" : "/:id";
	apiOrders.get(`${base}/bookings`, async (c) => {
		const owner = bookingOwner(c, guest);
		if (owner instanceof Response) return owner;
		const id = c.req.param("id");
		if (!isOrderId(id)) return apiProblem(404, NO_SUCH_ORDER);
		const list = await orders.bookings(c.env, owner.caller, id, owner.key);
		return list.ok ? ok(c, list.value) : relay(list);
	});
	apiOrders.post(`${base}/bookings/:line{[0-9]{1,3}}/reschedule`, async (c) => {
		const owner = bookingOwner(c, guest);
		if (owner instanceof Response) return owner;
		const id = c.req.param("id");
		if (!isOrderId(id)) return apiProblem(404, NO_SUCH_ORDER);
		const body = RescheduleInput.safeParse(await c.req.json().catch(() => undefined));
		if (!body.success)
			return problemResponse(zodProblem(body.error, 'Send the new slot, e.g. {"slot":"2026-12-24T10:00:00Z"}.'));
		const result = await orders.reschedule(
			c.env,
			owner.caller,
			id,
			Number(c.req.param("line")),
			body.data.slot,
			owner.key,
		);
		return result.ok ? ok(c, result.value) : relay(result);
	});
	apiOrders.post(`${base}/bookings/:line{[0-9]{1,3}}/cancel`, async (c) => {
		const owner = bookingOwner(c, guest);
		if (owner instanceof Response) return owner;
		const id = c.req.param("id");
		if (!isOrderId(id)) return apiProblem(404, NO_SUCH_ORDER);
		const result = await orders.cancelBooking(c.env, owner.caller, id, Number(c.req.param("line")), owner.key);
		return result.ok ? ok(c, result.value) : relay(result);
	});
}

apiOrders.openapi(
	getOrder,
	async (c) => {
		const order = await orders.get(c.env, callerOf(c, sessionOf(c)), c.req.valid("param").id);
		return order.ok ? ok(c, order.value) : relay(order);
	},
	notFoundUnless(NO_SUCH_ORDER, ["param"]),
);

apiOrders.openapi(
	cancelOrder,
	async (c) => {
		// The body is optional ({} or nothing); a reason is the only field.
		const result = await orders.cancel(
			c.env,
			callerOf(c, sessionOf(c)),
			c.req.valid("param").id,
			c.req.valid("json") ?? {},
		);
		return result.ok ? ok(c, result.value) : relay(result);
	},
	notFoundUnless(NO_SUCH_ORDER, ["param"]),
);
