import { GUEST_ROLE } from "@bazaar/contracts/cart";
import { GuestOrderKey } from "@bazaar/contracts/order";
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { anonymousCaller } from "../lib/core-call";
import { delivery } from "../lib/delivery";
import { checkedForm } from "../lib/forms";
import { guestOrderPath, isOrderId, orders } from "../lib/orders";
import { coreTrouble, errorPage, personalPage as page, seeOther } from "../lib/personal-page";
import { formBodyLimit } from "../middleware/body";
import { csrfToken } from "../session/csrf";
import { GuestLookupPage } from "../views/guest-order-lookup";
import { OrderDetailPage } from "../views/order-detail";
import { changeBookingFromForm } from "./booking-form";

// A guest's order pages: /orders/guest/:id?key=… (the confirmation mail's signed link; the key
// is the credential, checked by the core), its cancel form while it is unpaid (CSRF-checked, the
// key sent back in the form; the core checks it again and applies the account's rule), and /orders/lookup (order number + email → that link;
// rate limited by the core, one answer for every miss). Personal and `no-store`; the key is
// never echoed into anything but the order's own links.

export const guestOrders = new Hono<AppEnv>();

guestOrders.use("*", formBodyLimit(8 * 1024));
guestOrders.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
	// The key in the address bar must not leave with a click to another site.
	c.res.headers.set("referrer-policy", "no-referrer");
});

const NO_SUCH_ORDER = "There is no such order, or the link is not complete. Find it with its number and email.";
const DONE: Record<string, string> = {
	cancelled: "The order was cancelled.",
	rescheduled: "Your booking was moved; the updated calendar invitation is on its way by mail.",
	"booking-cancelled":
		"Your booking was cancelled and is being refunded; the calendar cancellation is on its way by mail.",
};
const NO_MATCH = "No guest order matches that number and email address.";

guestOrders.get("/guest/:id", async (c) => {
	const id = c.req.param("id");
	const key = GuestOrderKey.safeParse(c.req.query("key"));
	if (!isOrderId(id) || !key.success) return errorPage(c, 404, NO_SUCH_ORDER);
	const order = await orders.guest(c.env, anonymousCaller(c.req.raw), id, key.data);
	if (!order.ok) return order.status === 404 ? errorPage(c, 404, NO_SUCH_ORDER) : coreTrouble(c, order.status);
	// The key proved the order is theirs: its digital goods are asked for as its guest owner.
	const owner = { user: order.value.customerId, roles: [GUEST_ROLE] };
	const digital = await delivery.ofOrder(c.env, owner, id);
	const links = digital.ok ? digital.value : null;
	const done = DONE[c.req.query("done") ?? ""];
	const bookings = order.value.lines.some((l) => l.slot)
		? await orders.bookings(c.env, anonymousCaller(c.req.raw), id, key.data)
		: null;
	return page(
		c,
		200,
		<OrderDetailPage
			order={order.value}
			csrf={await csrfToken(c, null)}
			guest
			guestKey={key.data}
			done={done}
			delivery={links}
			bookings={bookings?.ok ? bookings.value : null}
		/>,
	);
});

// A booked line moved or cancelled by the guest: CSRF-checked, the link's key sent back in the
// form; the core checks the key (404 for any other), the cut-off and the slot.
guestOrders.post("/guest/:id/bookings/:line{[0-9]{1,3}}/:action{reschedule|cancel}", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const key = GuestOrderKey.safeParse(fields.key);
	if (!isOrderId(id) || !key.success) return errorPage(c, 404, NO_SUCH_ORDER);
	const caller = anonymousCaller(c.req.raw);
	const { result, done, refusal } = await changeBookingFromForm(
		c.env,
		caller,
		id,
		Number(c.req.param("line")),
		c.req.param("action"),
		fields.slot,
		key.data,
	);
	if (result?.ok) return seeOther(c, `${guestOrderPath(id, key.data)}&done=${done}`);
	if (result && result.status === 404) return errorPage(c, 404, NO_SUCH_ORDER);
	if (result && ![400, 409, 422].includes(result.status)) return coreTrouble(c, result.status);
	const [order, bookings] = await Promise.all([
		orders.guest(c.env, caller, id, key.data),
		orders.bookings(c.env, caller, id, key.data),
	]);
	if (!order.ok) return coreTrouble(c, order.status);
	return page(
		c,
		result ? result.status : 422,
		<OrderDetailPage
			order={order.value}
			csrf={await csrfToken(c, null)}
			guest
			guestKey={key.data}
			message={{ text: refusal }}
			bookings={bookings.ok ? bookings.value : null}
		/>,
	);
});

guestOrders.post("/guest/:id/cancel", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const key = GuestOrderKey.safeParse(fields.key);
	if (!isOrderId(id) || !key.success) return errorPage(c, 404, NO_SUCH_ORDER);
	const caller = anonymousCaller(c.req.raw);
	const result = await orders.cancelGuest(c.env, caller, id, key.data);
	if (result.ok) return seeOther(c, `${guestOrderPath(id, key.data)}&done=cancelled`);
	if (result.status === 404) return errorPage(c, 404, NO_SUCH_ORDER);
	if (result.status !== 409) return coreTrouble(c, result.status);
	// Paid, expired or already settled meanwhile: the order as it is now, and why.
	const order = await orders.guest(c.env, caller, id, key.data);
	if (!order.ok) return coreTrouble(c, order.status);
	const message = { text: "This order can no longer be cancelled: it is not waiting for payment any more." };
	return page(
		c,
		409,
		<OrderDetailPage order={order.value} csrf={await csrfToken(c, null)} guest guestKey={key.data} message={message} />,
	);
});

guestOrders.get("/lookup", async (c) => page(c, 200, <GuestLookupPage csrf={await csrfToken(c, null)} />));

guestOrders.post("/lookup", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const form = { orderId: (fields.orderId ?? "").trim(), email: (fields.email ?? "").trim() };
	const again = async (status: number, text: string) =>
		page(c, status, <GuestLookupPage csrf={await csrfToken(c, null)} {...form} message={{ text }} />);
	if (!form.orderId || !form.email || form.orderId.length > 64 || form.email.length > 254) {
		return again(422, "Enter the order number and the email address.");
	}
	const found = await orders.lookup(c.env, anonymousCaller(c.req.raw), form);
	if (found.ok) return seeOther(c, guestOrderPath(found.value.orderId, found.value.key));
	if (found.status === 404 || found.status === 400) return again(404, NO_MATCH);
	if (found.status === 429) {
		const res = await again(429, "Too many attempts. Wait a few minutes and try again.");
		if (found.retryAfter) res.headers.set("retry-after", found.retryAfter);
		return res;
	}
	return coreTrouble(c, found.status);
});
