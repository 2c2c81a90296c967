import { ListOrdersQuery } from "@bazaar/contracts/order";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { callerOf } from "../lib/core-call";
import { delivery } from "../lib/delivery";
import { checkedForm } from "../lib/forms";
import { isOrderId, orders } from "../lib/orders";
import { coreTrouble, errorPage, personalPage as page, seeOther } from "../lib/personal-page";
import { endSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";
import { OrderDetailPage } from "../views/order-detail";
import { OrderListPage } from "../views/order-list";
import { changeBookingFromForm } from "./booking-form";

// The customer's orders at /account/orders: the list (keyset pages from the core), one order
// with its timeline, and cancelling an order that is still waiting for payment. The core answers
// 404 for anyone else's order, exactly as for one that does not exist; so does this page.

export const accountOrders = new Hono<AppEnv>();

const NO_SUCH_ORDER = "There is no such order in your account.";

function signedIn(c: AppContext): ActiveSession | Response {
	const session = c.get("session");
	if (session) return session;
	return seeOther(c, `/account/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`);
}

async function signedOut(c: AppContext) {
	await endSession(c);
	return seeOther(c, "/account/login");
}

accountOrders.get("/", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const query = ListOrdersQuery.safeParse({ cursor: c.req.query("cursor"), limit: c.req.query("limit") });
	if (!query.success) return errorPage(c, 400, "That page of orders does not exist.");
	const list = await orders.list(c.env, callerOf(c, session), query.data);
	if (!list.ok) return list.status === 401 ? signedOut(c) : coreTrouble(c, list.status);
	const { cursor, limit } = query.data;
	const nextHref = list.value.nextCursor
		? `/account/orders?cursor=${encodeURIComponent(list.value.nextCursor)}${c.req.query("limit") ? `&limit=${limit}` : ""}`
		: null;
	return page(c, 200, <OrderListPage orders={list.value.items} nextHref={nextHref} firstPage={!cursor} />);
});

const DONE: Record<string, string> = {
	cancelled: "The order was cancelled.",
	rescheduled: "Your booking was moved; the updated calendar invitation is on its way by mail.",
	"booking-cancelled":
		"Your booking was cancelled and is being refunded; the calendar cancellation is on its way by mail.",
};

accountOrders.get("/:id", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!isOrderId(id)) return errorPage(c, 404, NO_SUCH_ORDER);
	const caller = callerOf(c, session);
	const [order, digital] = await Promise.all([orders.get(c.env, caller, id), delivery.ofOrder(c.env, caller, id)]);
	if (!order.ok) {
		if (order.status === 404) return errorPage(c, 404, NO_SUCH_ORDER);
		return order.status === 401 ? signedOut(c) : coreTrouble(c, order.status);
	}
	const done = DONE[c.req.query("done") ?? ""];
	// Without its links the order still shows; the shopper has them by mail too.
	const links = digital.ok ? digital.value : null;
	const bookings = order.value.lines.some((l) => l.slot) ? await orders.bookings(c.env, caller, id) : null;
	return page(
		c,
		200,
		<OrderDetailPage
			order={order.value}
			csrf={session.csrf}
			done={done}
			delivery={links}
			bookings={bookings?.ok ? bookings.value : null}
		/>,
	);
});

// A booked line moved or cancelled (CSRF-checked forms); the core checks the owner and the cut-off.
accountOrders.post("/:id/bookings/:line{[0-9]{1,3}}/:action{reschedule|cancel}", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!isOrderId(id)) return errorPage(c, 404, NO_SUCH_ORDER);
	const caller = callerOf(c, session);
	const { result, done, refusal } = await changeBookingFromForm(
		c.env,
		caller,
		id,
		Number(c.req.param("line")),
		c.req.param("action"),
		fields.slot,
	);
	if (result?.ok) return seeOther(c, `/account/orders/${id}?done=${done}`);
	if (result && result.status === 404) return errorPage(c, 404, NO_SUCH_ORDER);
	if (result && result.status === 401) return signedOut(c);
	if (result && ![400, 409, 422].includes(result.status)) return coreTrouble(c, result.status);
	const [order, bookings] = await Promise.all([orders.get(c.env, caller, id), orders.bookings(c.env, caller, id)]);
	if (!order.ok) return coreTrouble(c, order.status);
	return page(
		c,
		result ? result.status : 422,
		<OrderDetailPage
			order={order.value}
			csrf={session.csrf}
			message={{ text: refusal }}
			bookings={bookings.ok ? bookings.value : null}
		/>,
	);
});

accountOrders.post("/:id/cancel", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = c.req.param("id");
	if (!isOrderId(id)) return errorPage(c, 404, NO_SUCH_ORDER);
	const caller = callerOf(c, session);
	const result = await orders.cancel(c.env, caller, id);
	if (result.ok) return seeOther(c, `/account/orders/${id}?done=cancelled`);
	if (result.status === 404) return errorPage(c, 404, NO_SUCH_ORDER);
	if (result.status === 401) return signedOut(c);
	if (result.status !== 409) return coreTrouble(c, result.status);
	// Paid, expired or already settled meanwhile: show the order as it is now, and why.
	const order = await orders.get(c.env, caller, id);
	if (!order.ok) return coreTrouble(c, order.status);
	const message = { text: "This order can no longer be cancelled: it is not waiting for payment any more." };
	return page(c, 409, <OrderDetailPage order={order.value} csrf={session.csrf} message={message} />);
});
