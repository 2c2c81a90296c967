import { problemResponse, zodProblem } from "@bazaar/contracts";
import {
	CancelInput,
	GuestOrderKey,
	type GuestOrderLink,
	GuestOrderLookup,
	ListOrdersQuery,
} from "@bazaar/contracts/order";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, type CoreAnswer, callerOf } from "../lib/core-call";
import { guestOrderPath, isOrderId, orders } from "../lib/orders";
import { apiProblem, relayProblem } from "../lib/problems";
import { apiWriteGuard } from "../middleware/api-write";
import { apiBodyLimit } from "../middleware/body";
import { loadSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";

// The signed-in customer's orders as JSON, for the browser (session cookie) and API clients
// (`Authorization: Bearer <session id>`): GET /api/orders, GET /api/orders/:id and
// POST /api/orders/:id/cancel. Anonymous → 401; anyone else's order → 404, like a missing one.
// A guest's order: POST /api/orders/lookup (number + email → its key) and GET /api/orders/guest/:id?key=.

export const apiOrders = new Hono<AppEnv>();

apiOrders.use("*", apiBodyLimit(16 * 1024));
apiOrders.use("*", loadSession);
apiOrders.use("*", apiWriteGuard);
apiOrders.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
	c.res.headers.append("vary", "Cookie, Authorization");
});

const NO_SUCH_ORDER = "There is no such order in your account.";

function signedIn(c: AppContext): ActiveSession | Response {
	return c.get("session") ?? apiProblem(401, "Sign in to see your orders.", {}, { "www-authenticate": "Bearer" });
}

const relay = (answer: Extract<CoreAnswer<unknown>, { ok: false }>) => relayProblem(answer, NO_SUCH_ORDER);

const json = (c: AppContext, value: unknown) => c.json(value as object, 200);

apiOrders.get("/", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const query = ListOrdersQuery.safeParse(c.req.query());
	if (!query.success) return problemResponse(zodProblem(query.error, "The order list query is not valid."));
	const list = await orders.list(c.env, callerOf(c, session), query.data);
	return list.ok ? json(c, list.value) : relay(list);
});

// ---- a guest's orders (no account: the link's key is the credential) -------------------------------

const NO_GUEST_MATCH = "No guest order matches that number and email address.";

/** Order number + email → the order's key and its page; misses are rate limited, each the same 404. */
apiOrders.post("/lookup", async (c) => {
	const parsed = GuestOrderLookup.safeParse(await c.req.json().catch(() => undefined));
	if (!parsed.success) return problemResponse(zodProblem(parsed.error, "Send the order number and the email address."));
	const found = await orders.lookup(c.env, anonymousCaller(c.req.raw), parsed.data);
	if (found.ok) {
		const link: GuestOrderLink = { ...found.value, href: guestOrderPath(found.value.orderId, found.value.key) };
		return json(c, link);
	}
	if (found.status === 404 || found.status === 400) return apiProblem(404, NO_GUEST_MATCH);
	if (found.status === 429) {
		return apiProblem(429, found.problem.detail, {}, found.retryAfter ? { "retry-after": found.retryAfter } : {});
	}
	return relay(found);
});

/** A guest order by its key (`?key=`, as in the mailed link); any other key is the same 404. */
apiOrders.get("/guest/:id", async (c) => {
	const id = c.req.param("id");
	const key = GuestOrderKey.safeParse(c.req.query("key"));
	if (!isOrderId(id) || !key.success) return apiProblem(404, "There is no such order.");
	const order = await orders.guest(c.env, anonymousCaller(c.req.raw), id, key.data);
	if (!order.ok && order.status === 404) return apiProblem(404, "There is no such order.");
	return order.ok ? json(c, order.value) : relay(order);
});

apiOrders.get("/:id", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!isOrderId(id)) return apiProblem(404, NO_SUCH_ORDER);
	const order = await orders.get(c.env, callerOf(c, session), id);
	return order.ok ? json(c, order.value) : relay(order);
});

apiOrders.post("/:id/cancel", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!isOrderId(id)) return apiProblem(404, NO_SUCH_ORDER);
	// The body is optional ({} or nothing); a reason is the only field.
	const text = await c.req.text();
	let raw: unknown = {};
	if (text.trim() !== "") {
		try {
			raw = JSON.parse(text);
		} catch {
			return apiProblem(400, "The body is not valid JSON.");
		}
	}
	const body = CancelInput.safeParse(raw);
	if (!body.success) return problemResponse(zodProblem(body.error, "The cancel request is not valid."));
	const result = await orders.cancel(c.env, callerOf(c, session), id, body.data);
	return result.ok ? json(c, result.value) : relay(result);
});
