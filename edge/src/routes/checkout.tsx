import type { Problem } from "@bazaar/contracts";
import { slotLabel } from "@bazaar/contracts/cart";
import type { CheckoutResponse } from "@bazaar/contracts/checkout";
import type { OrderDetail } from "@bazaar/contracts/order";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type AddressChoice, checkoutCore, isOrderId } from "../checkout/core";
import { gatewayFormCsp, STRIPE_PAY_CSP } from "../checkout/csp";
import {
	type AddressFields,
	addressChoiceOf,
	bookEntryOf,
	choiceFields,
	idempotencyKeyOf,
	shippingMethodOf,
} from "../checkout/form-state";
import { choiceOf, gatewayOf } from "../checkout/gateways";
import { cartTroubleNotice, isCartTrouble } from "../checkout/trouble";
import { cancelledPath, paymentUrls, payPath, returnPath } from "../checkout/urls";
import type { AppContext, AppEnv } from "../env";
import { callerOf } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { coreTrouble, errorPage, personalPage as page, seeOther } from "../lib/personal-page";
import { loadSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";
import type { Notice } from "../views/checkout-parts";
import { PayPage } from "../views/checkout-pay";
import { CancelledPage, CartTroublePage, ConfirmationPage } from "../views/checkout-result";
import { AddressStep, ReviewStep, ShippingStep } from "../views/checkout-steps";

// The checkout pages: address → shipping → review (with the gateway to pay with, when there is
// a choice) → place → the gateway's page, or our Payment Element page → back: confirmation, or
// the page for a declined payment. Signed-in shoppers only; every step is a CSRF-checked POST
// form and the core prices everything again at each one (the quote), and once more when it
// places the order. Personal: `no-store`, never through the catalog caches. Pages whose form
// hands the shopper to a gateway allow its origin in their CSP (checkout/csp.ts); no other does.

export const checkout = new Hono<AppEnv>();

checkout.use(
	"*",
	bodyLimit({ maxSize: 16 * 1024, onError: (c) => errorPage(c as AppContext, 413, "That form is too large.") }),
);
checkout.use("*", loadSession);
checkout.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
});

/** Guests sign in first and come back here (the login page honours a local `next`). */
function toLogin(c: AppContext, back: string) {
	return seeOther(c, `/account/login?next=${encodeURIComponent(back).replaceAll("%2F", "/")}`);
}

const here = (c: AppContext) => {
	const url = new URL(c.req.url);
	return `${url.pathname}${url.search}`;
};

// ---- a) address ------------------------------------------------------------------------------

async function addressStep(
	c: AppContext,
	session: ActiveSession,
	status: number,
	form: { picked?: string; fields?: AddressFields; notice?: Notice } = {},
) {
	const caller = callerOf(c, session);
	const [cart, book] = await Promise.all([checkoutCore.cart(c.env, caller), checkoutCore.addresses(c.env, caller)]);
	if (!cart.ok) return coreTrouble(c, cart.status);
	if (!book.ok) return coreTrouble(c, book.status);
	if (cart.value.lines.length === 0) {
		return page(c, 200, <CartTroublePage notice={{ text: "Your cart is empty. Add something to buy first." }} />);
	}
	if (!cart.value.checkoutReady) {
		const notice = {
			text: "Some lines in your cart cannot be bought as they stand.",
			errors: cart.value.warnings.map((w) => {
				const line = cart.value.lines.find((l) => l.variantId === w.variantId);
				return { path: line?.productTitle ?? w.variantId, message: w.message };
			}),
		};
		return page(c, 409, <CartTroublePage notice={notice} />);
	}
	const currency = cart.value.currency;
	const lines = cart.value.lines.map((l) => ({
		title: `${l.variantTitle ? `${l.productTitle} (${l.variantTitle})` : (l.productTitle ?? l.variantId)}${l.slot ? ` — ${slotLabel(l.slot)}` : ""}`,
		quantity: l.quantity,
		unitPrice: l.unitPrice?.amount ?? 0,
		lineTotal: l.lineTotal?.amount ?? 0,
	}));
	return page(
		c,
		status,
		<AddressStep
			csrf={session.csrf}
			book={book.value.items}
			cart={{ currency, lines }}
			subtotal={cart.value.subtotal.amount}
			picked={form.picked}
			fields={form.fields}
			notice={form.notice}
		/>,
	);
}

checkout.get("/", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, "/checkout");
	return addressStep(c, session, 200);
});

/**
 * What to show when the core refuses a quote or an order: the cart page's reasons, the address
 * form again, or an error page. Returns null for nothing it knows (the caller's coreTrouble).
 */
async function refusal(
	c: AppContext,
	session: ActiveSession,
	answer: { status: number; problem: Problem },
	form: { picked?: string; fields?: AddressFields },
): Promise<Response> {
	const { status, problem } = answer;
	if (status === 401) return toLogin(c, "/checkout");
	if (status === 409 && isCartTrouble(problem)) {
		const notice = await cartTroubleNotice(c.env, callerOf(c, session), problem);
		return page(c, 409, <CartTroublePage notice={notice} />);
	}
	if (status === 404) {
		const notice = { text: "That address is not in your address book any more. Pick another one." };
		return addressStep(c, session, 422, { notice });
	}
	if (status === 400 || status === 422) {
		if (/idempotency/i.test(problem.detail ?? "")) return errorPage(c, 422, problem.detail ?? problem.title);
		if (problem.errors?.some((e) => e.path === "gateway")) return errorPage(c, 422, problem.detail ?? problem.title);
		const notice = { text: problem.detail ?? "That address cannot be used.", errors: problem.errors };
		return addressStep(c, session, 422, { ...form, notice });
	}
	if (status === 403 || status === 409) return errorPage(c, status, problem.detail ?? problem.title);
	return coreTrouble(c, status);
}

// ---- b) shipping -----------------------------------------------------------------------------

checkout.post("/shipping", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, "/checkout");
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const parsed = addressChoiceOf(fields);
	const form = { picked: fields.addressId, fields: parsed.fields };
	if (!parsed.ok) {
		return addressStep(c, session, 422, { ...form, notice: { text: "Check the address.", errors: parsed.errors } });
	}
	const caller = callerOf(c, session);
	let choice: AddressChoice = parsed.choice;
	if (parsed.save && "address" in choice) {
		const saved = await checkoutCore.saveAddress(c.env, caller, bookEntryOf(choice.address));
		if (!saved.ok) return refusal(c, session, saved, form);
		choice = { addressId: saved.value.id };
	}
	const quote = await checkoutCore.quote(c.env, caller, choice);
	if (!quote.ok) return refusal(c, session, quote, form);
	return page(c, 200, <ShippingStep csrf={session.csrf} quote={quote.value} state={choiceFields(choice)} />);
});

// ---- c) review -------------------------------------------------------------------------------

checkout.post("/review", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, "/checkout");
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const parsed = addressChoiceOf(fields);
	const form = { picked: fields.addressId, fields: parsed.fields };
	if (!parsed.ok) {
		return addressStep(c, session, 422, { ...form, notice: { text: "Check the address.", errors: parsed.errors } });
	}
	const caller = callerOf(c, session);
	const method = shippingMethodOf(fields);
	const [quote, gateways] = await Promise.all([
		checkoutCore.quote(c.env, caller, { ...parsed.choice, ...(method ? { shippingMethod: method } : {}) }),
		checkoutCore.gateways(c.env, caller),
	]);
	if (!quote.ok) return refusal(c, session, quote, form);
	const state = choiceFields(parsed.choice);
	if (!method || !quote.value.selected) {
		const notice = { text: "Pick a shipping method." };
		return page(c, 422, <ShippingStep csrf={session.csrf} quote={quote.value} state={state} notice={notice} />);
	}
	if (!gateways.ok) return coreTrouble(c, gateways.status);
	return page(
		c,
		200,
		<ReviewStep
			csrf={session.csrf}
			quote={quote.value}
			state={{ ...state, shippingMethod: method }}
			idempotencyKey={crypto.randomUUID()}
			payWith={choiceOf(gateways.value)}
		/>,
		{ "content-security-policy": gatewayFormCsp(gateways.value) },
	);
});

// ---- d) place the order and go to the gateway --------------------------------------------------

checkout.post("/place", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, "/checkout");
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const key = idempotencyKeyOf(fields.idempotencyKey);
	const method = shippingMethodOf(fields);
	const parsed = addressChoiceOf(fields);
	const gateway = gatewayOf(fields);
	if (!key || !method || !parsed.ok || gateway === null) {
		return errorPage(c, 400, "This order form is incomplete. Go through the checkout again.");
	}
	// The core checks the gateway is enabled (422 otherwise) before anything is held.
	const body = {
		...parsed.choice,
		shippingMethod: method,
		...(gateway ? { gateway } : {}),
		...paymentUrls(c, key, gateway),
	};
	const placed = await checkoutCore.place(c.env, callerOf(c, session), key, body);
	if (!placed.ok) return refusal(c, session, placed, { picked: fields.addressId, fields: parsed.fields });
	return toGateway(c, placed.value, key);
});

/** A redirect gateway's own page, or our page with its element (Stripe's Payment Element). */
function toGateway(c: AppContext, { order, payment }: CheckoutResponse, key: string) {
	if (payment.redirectUrl) return seeOther(c, payment.redirectUrl);
	if (payment.clientSecret) return seeOther(c, payPath(order.id, key));
	return seeOther(c, returnPath(order.id, key));
}

// ---- d') pay on our page, in the gateway's element ----------------------------------------------

const NOTHING_TO_PAY = "There is no card payment to make for this order here.";

checkout.get("/pay/:orderId", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, here(c));
	const order = await ownOrder(c, session, c.req.param("orderId"));
	if (order instanceof Response) return order;
	if (order.status !== "pending_payment") return seeOther(c, returnPath(order.id, null));
	const key = idempotencyKeyOf(c.req.query("k"));
	if (!key) return errorPage(c, 404, NOTHING_TO_PAY);
	const caller = callerOf(c, session);
	// The client secret is never in a URL of ours: the checkout is replayed with its key (the
	// same attempt, or a new one after a declined card), replay only, so nothing new is ordered.
	const body = { address: order.address, shippingMethod: order.shippingMethod, ...paymentUrls(c, key) };
	const [placed, gateways] = await Promise.all([
		checkoutCore.place(c.env, caller, key, body, order.id),
		checkoutCore.gateways(c.env, caller),
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

async function ownOrder(c: AppContext, session: ActiveSession, id: string): Promise<OrderDetail | Response> {
	if (!isOrderId(id)) return errorPage(c, 404, "There is no such order.");
	const answer = await checkoutCore.order(c.env, callerOf(c, session), id);
	if (answer.ok) return answer.value;
	// Someone else's order is exactly as absent as one that does not exist.
	if (answer.status === 404 || answer.status === 400) return errorPage(c, 404, "There is no such order.");
	return coreTrouble(c, answer.status);
}

checkout.get("/return/:orderId", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, here(c));
	let order = await ownOrder(c, session, c.req.param("orderId"));
	if (order instanceof Response) return order;
	const key = idempotencyKeyOf(c.req.query("k"));
	const gateway = c.req.query("g") ?? null;
	if (order.status === "pending_payment") {
		// Ask the gateway now (PayPal captures here) instead of waiting for its webhook. If it
		// cannot answer, the webhook or the reconciliation settles the order later, and this page
		// keeps looking.
		const confirmed = await checkoutCore.confirm(c.env, callerOf(c, session), order.id);
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

checkout.get("/cancelled/:orderId", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, here(c));
	const order = await ownOrder(c, session, c.req.param("orderId"));
	if (order instanceof Response) return order;
	if (order.status !== "pending_payment" && order.status !== "cancelled" && order.status !== "expired") {
		return seeOther(c, returnPath(order.id, null));
	}
	const retryKey = idempotencyKeyOf(c.req.query("k"));
	if (order.status !== "pending_payment" || !retryKey) {
		return page(c, 200, <CancelledPage order={order} csrf={session.csrf} retryKey={retryKey} />);
	}
	// "Try again" may go to a gateway's page: its origin goes into this page's form-action.
	const gateways = await checkoutCore.gateways(c.env, callerOf(c, session));
	if (!gateways.ok) return coreTrouble(c, gateways.status);
	return page(
		c,
		200,
		<CancelledPage
			order={order}
			csrf={session.csrf}
			retryKey={retryKey}
			payWith={choiceOf(gateways.value, c.req.query("g"))}
		/>,
		{ "content-security-policy": gatewayFormCsp(gateways.value) },
	);
});

/** Pays the same order again: the same key and the order's own address and method (the core
 *  opens a new attempt after a declined one; while one is open it answers with that one). */
checkout.post("/retry/:orderId", async (c) => {
	const session = c.get("session");
	if (!session) return toLogin(c, "/checkout");
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const key = idempotencyKeyOf(fields.idempotencyKey);
	const gateway = gatewayOf(fields);
	if (!key || gateway === null)
		return errorPage(c, 400, "This form is incomplete. Start a new checkout from your cart.");
	const order = await ownOrder(c, session, c.req.param("orderId"));
	if (order instanceof Response) return order;
	if (order.status !== "pending_payment") return seeOther(c, returnPath(order.id, null));
	const body = {
		address: order.address,
		shippingMethod: order.shippingMethod,
		...(gateway ? { gateway } : {}),
		...paymentUrls(c, key, gateway),
	};
	// Replay only: a key that did not place this order is a 404 and orders nothing from the cart.
	const placed = await checkoutCore.place(c.env, callerOf(c, session), key, body, order.id);
	if (!placed.ok) {
		if (placed.status === 401) return toLogin(c, "/checkout");
		if (placed.status >= 500) return coreTrouble(c, placed.status);
		if (placed.status === 404) return errorPage(c, 404, "There is no such checkout to pay again.");
		return errorPage(c, placed.status, placed.problem.detail ?? placed.problem.title);
	}
	if (placed.value.order.id !== order.id) return errorPage(c, 422, "That payment belongs to another order.");
	return toGateway(c, placed.value, key);
});
