import type { CheckoutResponse } from "@bazaar/contracts/checkout";
import type { OrderDetail } from "@bazaar/contracts/order";
import type { AppContext } from "../env";
import { coreTrouble, errorPage, seeOther } from "../lib/personal-page";
import { checkoutCore, isOrderId } from "./core";
import type { Shopper } from "./shopper";
import { payPath, returnPath } from "./urls";

// Where the checkout pages send the shopper next, shared by the steps and the payment pages.

/** Guests sign in first and come back here (the login page honours a local `next`). */
export function toLogin(c: AppContext, back: string) {
	return seeOther(c, `/account/login?next=${encodeURIComponent(back).replaceAll("%2F", "/")}`);
}

export const here = (c: AppContext) => {
	const url = new URL(c.req.url);
	return `${url.pathname}${url.search}`;
};

/** A redirect gateway's own page, or our page with its element (Stripe's Payment Element). */
export function toGateway(c: AppContext, { order, payment }: CheckoutResponse, key: string) {
	if (payment.redirectUrl) return seeOther(c, payment.redirectUrl);
	if (payment.clientSecret) return seeOther(c, payPath(order.id, key));
	return seeOther(c, returnPath(order.id, key));
}

/** The shopper's own order (an account's, or a guest's by their cart cookie), or the 404/5xx page to answer instead. */
export async function ownOrder(c: AppContext, shopper: Shopper, id: string): Promise<OrderDetail | Response> {
	if (!isOrderId(id)) return errorPage(c, 404, "There is no such order.");
	const answer = await checkoutCore.order(c.env, shopper, id);
	if (answer.ok) return answer.value;
	// Someone else's order is exactly as absent as one that does not exist.
	if (answer.status === 404 || answer.status === 400) return errorPage(c, 404, "There is no such order.");
	return coreTrouble(c, answer.status);
}
