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

// A guest's order pages: /orders/guest/:id?key=… (the confirmation mail's signed link; the key
// is the credential, checked by the core) and /orders/lookup (order number + email → that link;
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
	return page(c, 200, <OrderDetailPage order={order.value} csrf={await csrfToken(c, null)} guest delivery={links} />);
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
