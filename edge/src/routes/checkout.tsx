import type { Problem } from "@bazaar/contracts";
import { slotLabel } from "@bazaar/contracts/cart";
import type { Quote } from "@bazaar/contracts/checkout";
import { Hono } from "hono";
import { type AddressChoice, checkoutCore } from "../checkout/core";
import { gatewayFormCsp } from "../checkout/csp";
import {
	type AddressFields,
	addressChoiceOf,
	bookEntryOf,
	choiceFields,
	guestEmailOf,
	idempotencyKeyOf,
	shippingMethodOf,
} from "../checkout/form-state";
import { choiceOf, gatewayOf } from "../checkout/gateways";
import { toGateway, toLogin } from "../checkout/navigation";
import { checkoutShopper, type Shopper } from "../checkout/shopper";
import { cartTroubleNotice, isCartTrouble } from "../checkout/trouble";
import { paymentUrls } from "../checkout/urls";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { coreTrouble, errorPage, personalPage as page } from "../lib/personal-page";
import { formBodyLimit } from "../middleware/body";
import { loadSession } from "../session/middleware";
import type { Notice } from "../views/checkout-parts";
import { CartTroublePage } from "../views/checkout-result";
import { AddressStep, BillingStep, ReviewStep, ShippingStep } from "../views/checkout-steps";
import { checkoutPayment } from "./checkout-payment";

// The checkout pages: address → shipping → review (with the gateway to pay with, when there is
// a choice) → place → the gateway's page, or our Payment Element page → back: confirmation, or
// the page for a declined payment. A cart with nothing to ship (digital goods, booked services)
// skips the address and the shipping method: details (name, country for the tax) → review. A shopper without an account checks out as a guest with an
// email address (checkout/shopper.ts); a signed-in one with their account and address book.
// Every step is a CSRF-checked POST form and the core prices everything again at each one (the
// quote), and once more when it places the order. Personal: `no-store`, never through the
// catalog caches. Pages whose form hands the shopper to a gateway allow its origin in their CSP
// (checkout/csp.ts); no other does.

export const checkout = new Hono<AppEnv>();

checkout.use("*", formBodyLimit(16 * 1024));
checkout.use("*", loadSession);
checkout.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
});

// ---- a) address ------------------------------------------------------------------------------

async function addressStep(
	c: AppContext,
	shopper: Shopper,
	status: number,
	form: { picked?: string; fields?: AddressFields; notice?: Notice; email?: string } = {},
) {
	// A guest has no address book: nothing to ask the core for.
	const [cart, book] = await Promise.all([
		checkoutCore.cart(c.env, shopper),
		shopper.guest ? NO_BOOK : checkoutCore.addresses(c.env, shopper.caller),
	]);
	if (!cart.ok) return coreTrouble(c, cart.status);
	if (!book.ok) return coreTrouble(c, book.status);
	if (cart.value.lines.length === 0) {
		return page(c, 200, <CartTroublePage notice={{ text: "Your cart is empty. Add something to buy first." }} />);
	}
	if (!cart.value.checkoutReady) {
		const notice = {
			text: "Some lines in your cart cannot be bought as they stand.",
			// A price change is news, not a reason the cart cannot be bought.
			errors: cart.value.warnings
				.filter((w) => w.status !== "price_changed")
				.map((w) => {
					const line = cart.value.lines.find((l) => l.variantId === w.variantId);
					return { path: line?.productTitle ?? w.variantId, message: w.message };
				}),
		};
		return page(c, 409, <CartTroublePage notice={notice} />);
	}
	const currency = cart.value.currency;
	// Only physical goods travel (the core decides the same from the same cart).
	const ships = cart.value.lines.some((l) => l.kind === "physical");
	const lines = cart.value.lines.map((l) => ({
		title: `${l.variantTitle ? `${l.productTitle} (${l.variantTitle})` : (l.productTitle ?? l.variantId)}${l.slot ? ` — ${slotLabel(l.slot)}` : ""}`,
		quantity: l.quantity,
		unitPrice: l.unitPrice?.amount ?? 0,
		lineTotal: l.lineTotal?.amount ?? 0,
	}));
	if (!ships) {
		// A signed-in shopper's default address gives the name and country to start from.
		const home = book.value.items.find((a) => a.defaultShipping) ?? book.value.items[0];
		const start = home
			? { name: home.recipient, country: home.country, ...(home.region ? { region: home.region } : {}) }
			: {};
		return page(
			c,
			status,
			<BillingStep
				csrf={shopper.csrf}
				guestEmail={shopper.guest ? (form.email ?? "") : undefined}
				cart={{ currency, lines }}
				subtotal={cart.value.subtotal.amount}
				fields={form.fields ?? start}
				notice={form.notice}
			/>,
		);
	}
	return page(
		c,
		status,
		<AddressStep
			csrf={shopper.csrf}
			guestEmail={shopper.guest ? (form.email ?? "") : undefined}
			book={book.value.items}
			cart={{ currency, lines }}
			subtotal={cart.value.subtotal.amount}
			picked={form.picked}
			fields={form.fields}
			notice={form.notice}
		/>,
	);
}

const NO_BOOK = { ok: true as const, value: { items: [] } };

checkout.get("/", async (c) => {
	const shopper = await checkoutShopper(c);
	// Neither an account nor a cart: there is nothing to check out (signing in brings a cart).
	if (!shopper) return toLogin(c, "/checkout");
	return addressStep(c, shopper, 200);
});

/**
 * What to show when the core refuses a quote or an order: the cart page's reasons, the address
 * form again, or an error page. Returns null for nothing it knows (the caller's coreTrouble).
 */
async function refusal(
	c: AppContext,
	shopper: Shopper,
	answer: { status: number; problem: Problem },
	form: { picked?: string; fields?: AddressFields; email?: string },
): Promise<Response> {
	const { status, problem } = answer;
	if (status === 401) return toLogin(c, "/checkout");
	if (status === 409 && isCartTrouble(problem)) {
		const notice = await cartTroubleNotice(c.env, shopper, problem);
		return page(c, 409, <CartTroublePage notice={notice} />);
	}
	if (status === 404) {
		const notice = { text: "That address is not in your address book any more. Pick another one." };
		return addressStep(c, shopper, 422, { ...form, notice });
	}
	if (status === 400 || status === 422) {
		if (/idempotency/i.test(problem.detail ?? "")) return errorPage(c, 422, problem.detail ?? problem.title);
		if (problem.errors?.some((e) => e.path === "gateway")) return errorPage(c, 422, problem.detail ?? problem.title);
		const notice = { text: problem.detail ?? "That address cannot be used.", errors: problem.errors };
		return addressStep(c, shopper, 422, { ...form, notice });
	}
	if (status === 403 || status === 409) return errorPage(c, status, problem.detail ?? problem.title);
	return coreTrouble(c, status);
}

// ---- b) shipping -----------------------------------------------------------------------------

checkout.post("/shipping", async (c) => {
	const read = await readStep(c);
	if (read instanceof Response) return read;
	const { shopper, parsed, form, email } = read;
	let choice: AddressChoice = parsed.choice;
	if (parsed.save && "address" in choice && !shopper.guest) {
		const saved = await checkoutCore.saveAddress(c.env, shopper.caller, bookEntryOf(choice.address));
		if (!saved.ok) return refusal(c, shopper, saved, form);
		choice = { addressId: saved.value.id };
	}
	const quote = await checkoutCore.quote(c.env, shopper, choice);
	if (!quote.ok) return refusal(c, shopper, quote, form);
	// Nothing ships (the cart changed since the first step): there is no method to choose.
	if (!quote.value.ships) return reviewPage(c, shopper, quote.value, stateOf(choice, email));
	return page(c, 200, <ShippingStep csrf={shopper.csrf} quote={quote.value} state={stateOf(choice, email)} />);
});

/**
 * A step's form as the steps after the address read it: who is checking out, the CSRF check,
 * the address choice and (for a guest) the email; or the page to answer instead.
 */
async function readStep(c: AppContext) {
	const shopper = await checkoutShopper(c);
	if (!shopper) return toLogin(c, "/checkout");
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const parsed = addressChoiceOf(fields);
	const mail = guestEmailOf(fields, shopper.guest);
	const form = { picked: fields.addressId, fields: parsed.fields, email: fields.email };
	if (!parsed.ok || !mail.ok) {
		const errors = [...(mail.ok ? [] : mail.errors), ...(parsed.ok ? [] : parsed.errors)];
		return addressStep(c, shopper, 422, { ...form, notice: { text: "Check the address.", errors } });
	}
	return { shopper, fields, parsed, form, email: mail.email };
}

/** The hidden fields that carry the address and a guest's email to the next step. */
const stateOf = (choice: AddressChoice, email: string | undefined) => ({
	...choiceFields(choice),
	...(email ? { email } : {}),
});

// ---- c) review -------------------------------------------------------------------------------

checkout.post("/review", async (c) => {
	const read = await readStep(c);
	if (read instanceof Response) return read;
	const { shopper, fields, parsed, form, email } = read;
	const method = shippingMethodOf(fields);
	const quote = await checkoutCore.quote(c.env, shopper, {
		...parsed.choice,
		...(method ? { shippingMethod: method } : {}),
	});
	if (!quote.ok) return refusal(c, shopper, quote, form);
	const state = stateOf(parsed.choice, email);
	if (!quote.value.ships) return reviewPage(c, shopper, quote.value, state);
	if (!method || !quote.value.selected) {
		const notice = { text: "Pick a shipping method." };
		return page(c, 422, <ShippingStep csrf={shopper.csrf} quote={quote.value} state={state} notice={notice} />);
	}
	return reviewPage(c, shopper, quote.value, { ...state, shippingMethod: method });
});

/** The review with a fresh Idempotency-Key and the gateways to pay with. */
async function reviewPage(c: AppContext, shopper: Shopper, quote: Quote, state: Record<string, string>) {
	const gateways = await checkoutCore.gateways(c.env, shopper);
	if (!gateways.ok) return coreTrouble(c, gateways.status);
	return page(
		c,
		200,
		<ReviewStep
			csrf={shopper.csrf}
			quote={quote}
			state={state}
			idempotencyKey={crypto.randomUUID()}
			payWith={choiceOf(gateways.value)}
		/>,
		{ "content-security-policy": gatewayFormCsp(gateways.value) },
	);
}

// ---- d) place the order and go to the gateway --------------------------------------------------

checkout.post("/place", async (c) => {
	const shopper = await checkoutShopper(c);
	if (!shopper) return toLogin(c, "/checkout");
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const key = idempotencyKeyOf(fields.idempotencyKey);
	const method = shippingMethodOf(fields);
	const parsed = addressChoiceOf(fields);
	const gateway = gatewayOf(fields);
	const mail = guestEmailOf(fields, shopper.guest);
	// No method: a cart with nothing to ship (the core refuses one that ships without it: 422).
	if (!key || !parsed.ok || gateway === null || !mail.ok) {
		return errorPage(c, 400, "This order form is incomplete. Go through the checkout again.");
	}
	// The core checks the gateway is enabled (422 otherwise) before anything is held.
	const body = {
		...parsed.choice,
		...(mail.email ? { email: mail.email } : {}),
		...(method ? { shippingMethod: method } : {}),
		...(gateway ? { gateway } : {}),
		...paymentUrls(c, key, gateway),
	};
	const placed = await checkoutCore.place(c.env, shopper, key, body);
	if (!placed.ok) {
		return refusal(c, shopper, placed, { picked: fields.addressId, fields: parsed.fields, email: fields.email });
	}
	return toGateway(c, placed.value, key);
});

// The pages after placing: our Payment Element page, the confirmation, the declined page.
checkout.route("/", checkoutPayment);
