import type { OrderDetail } from "@bazaar/contracts/order";
import { Hono } from "hono";
import { checkoutCore } from "../checkout/core";
import { gatewayFormCsp, STRIPE_PAY_CSP } from "../checkout/csp";
import { idempotencyKeyOf } from "../checkout/form-state";
import { choiceOf, gatewayOf } from "../checkout/gateways";
import { here, ownOrder, toGateway, toLogin } from "../checkout/navigation";
import { checkoutShopper, type Shopper } from "../checkout/shopper";
import { cancelledPath, paymentUrls, returnPath } from "../checkout/urls";
import type { AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { coreTrouble, errorPage, personalPage as page, seeOther } from "../lib/personal-page";
import { PayPage } from "../views/checkout-pay";
import { CancelledPage, ConfirmationPage } from "../views/checkout-result";

// The checkout's pages after the order is placed: our Payment Element page (for a gateway that
// confirms in its element on our page), the confirmation the gateway sends the shopper back to
// (it asks the gateway first, so the page need not wait for the webhook), and the page for a
// declined or abandoned payment with its retry. Mounted by the checkout router, which loads the
// session and makes every answer `no-store`.

export const checkoutPayment = new Hono<AppEnv>();

/** The checkout that placed this order, as a replay of it says it again (a guest's email included). */
const replayOf = (order: OrderDetail, shopper: Shopper) => ({
	address: order.address,
	shippingMethod: order.shippingMethod,
	...(shopper.guest ? { email: order.email } : {}),
});

// ---- d') pay on our page, in the gateway's element ----------------------------------------------

const NOTHING_TO_PAY = "There is no card payment to make for this order here.";

checkoutPayment.get("/pay/:orderId", async (c) => {
	const shopper = await checkoutShopper(c);
	if (!shopper) return toLogin(c, here(c));
	const order = await ownOrder(c, shopper, c.req.param("orderId"));
	if (order instanceof Response) return order;
	if (order.status !== "pending_payment") return seeOther(c, returnPath(order.id, null));
	const key = idempotencyKeyOf(c.req.query("k"));
	if (!key) return errorPage(c, 404, NOTHING_TO_PAY);
	// The client secret is never in a URL of ours: the checkout is replayed with its key (the
	// same attempt, or a new one after a declined card), replay only, so nothing new is ordered.
	const body = { ...replayOf(order, shopper), ...paymentUrls(c, key) };
	const [placed, gateways] = await Promise.all([
		checkoutCore.place(c.env, shopper, key, body, order.id),
		checkoutCore.gateways(c.env, shopper),
	]);
	if (!placed.ok) {
		if (placed.status === 401) return toLogin(c, here(c));
		if (placed.status === 404) return errorPage(c, 404, NOTHING_TO_PAY);
		if (placed.status >= 500) return coreTrouble(c, placed.status);
		return errorPage(c, placed.status, placed.problem.detail ?? placed.problem.title);
	}
	if (!gateways.ok) return coreTrouble(c, gateways.status);
	const { payment } = placed.value;
	const element = gateways.value.items.find((g) => g.name === payment.gateway && g.flow === "element");
	if (!payment.clientSecret || !element?.publishableKey) {
		// Paid at a redirect gateway (or the attempt moved there): nothing for this page to do.
		return errorPage(c, 404, NOTHING_TO_PAY);
	}
	const origin = new URL(c.req.url).origin;
	return page(
		c,
		200,
		<PayPage
			order={order}
			publishableKey={element.publishableKey}
			clientSecret={payment.clientSecret}
			returnUrl={`${origin}${returnPath(order.id, key)}`}
			otherWayUrl={cancelledPath(order.id, key, payment.gateway)}
		/>,
		{ "content-security-policy": STRIPE_PAY_CSP },
	);
});

// ---- e) back from the gateway ----------------------------------------------------------------

checkoutPayment.get("/return/:orderId", async (c) => {
	const shopper = await checkoutShopper(c);
	if (!shopper) return toLogin(c, here(c));
	let order = await ownOrder(c, shopper, c.req.param("orderId"));
	if (order instanceof Response) return order;
	const key = idempotencyKeyOf(c.req.query("k"));
	const gateway = c.req.query("g") ?? null;
	if (order.status === "pending_payment") {
		// Ask the gateway now (PayPal captures here) instead of waiting for its webhook. If it
		// cannot answer, the webhook or the reconciliation settles the order later, and this page
		// keeps looking.
		const confirmed = await checkoutCore.confirm(c.env, shopper, order.id);
		if (confirmed.ok) {
			order = confirmed.value.order;
			const status = confirmed.value.payment.status;
			if (order.status === "pending_payment" && (status === "failed" || status === "cancelled")) {
				return seeOther(c, cancelledPath(order.id, key, confirmed.value.payment.gateway));
			}
		} else if (confirmed.status === 404) {
			return errorPage(c, 404, "There is no such order.");
		} else {
			console.warn(`checkout: confirming ${order.id} on return failed (${confirmed.status})`);
		}
	}
	if (order.status === "pending_payment" && c.req.query("sandbox_status") === "declined") {
		return seeOther(c, cancelledPath(order.id, key, gateway));
	}
	const self = returnPath(order.id, key);
	// Until the gateway's webhook lands, the page looks again by itself (no script needed).
	const headers: Record<string, string> = order.status === "pending_payment" ? { refresh: `2; url=${self}` } : {};
	return page(c, 200, <ConfirmationPage order={order} self={self} />, headers);
});

// ---- f) declined or cancelled at the gateway -----------------------------------------------------

checkoutPayment.get("/cancelled/:orderId", async (c) => {
	const shopper = await checkoutShopper(c);
	if (!shopper) return toLogin(c, here(c));
	const order = await ownOrder(c, shopper, c.req.param("orderId"));
	if (order instanceof Response) return order;
	if (order.status !== "pending_payment" && order.status !== "cancelled" && order.status !== "expired") {
		return seeOther(c, returnPath(order.id, null));
	}
	const retryKey = idempotencyKeyOf(c.req.query("k"));
	if (order.status !== "pending_payment" || !retryKey) {
		return page(c, 200, <CancelledPage order={order} csrf={shopper.csrf} retryKey={retryKey} />);
	}
	// "Try again" may go to a gateway's page: its origin goes into this page's form-action.
	const gateways = await checkoutCore.gateways(c.env, shopper);
	if (!gateways.ok) return coreTrouble(c, gateways.status);
	return page(
		c,
		200,
		<CancelledPage
			order={order}
			csrf={shopper.csrf}
			retryKey={retryKey}
			payWith={choiceOf(gateways.value, c.req.query("g"))}
		/>,
		{ "content-security-policy": gatewayFormCsp(gateways.value) },
	);
});

/** Pays the same order again: the same key and the order's own address and method (the core
 *  opens a new attempt after a declined one; while one is open it answers with that one). */
checkoutPayment.post("/retry/:orderId", async (c) => {
	const shopper = await checkoutShopper(c);
	if (!shopper) return toLogin(c, "/checkout");
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const key = idempotencyKeyOf(fields.idempotencyKey);
	const gateway = gatewayOf(fields);
	if (!key || gateway === null)
		return errorPage(c, 400, "This form is incomplete. Start a new checkout from your cart.");
	const order = await ownOrder(c, shopper, c.req.param("orderId"));
	if (order instanceof Response) return order;
	if (order.status !== "pending_payment") return seeOther(c, returnPath(order.id, null));
	const body = {
		...replayOf(order, shopper),
		...(gateway ? { gateway } : {}),
		...paymentUrls(c, key, gateway),
	};
	// Replay only: a key that did not place this order is a 404 and orders nothing from the cart.
	const placed = await checkoutCore.place(c.env, shopper, key, body, order.id);
	if (!placed.ok) {
		if (placed.status === 401) return toLogin(c, "/checkout");
		if (placed.status >= 500) return coreTrouble(c, placed.status);
		if (placed.status === 404) return errorPage(c, 404, "There is no such checkout to pay again.");
		return errorPage(c, placed.status, placed.problem.detail ?? placed.problem.title);
	}
	if (placed.value.order.id !== order.id) return errorPage(c, 422, "That payment belongs to another order.");
	return toGateway(c, placed.value, key);
});
