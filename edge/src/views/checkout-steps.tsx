import type { Quote } from "@bazaar/contracts/checkout";
import type { Address as BookAddress } from "@bazaar/contracts/identity";
import type { AddressFields } from "../checkout/form-state";
import { BILLING_DESTINATION, NEW_ADDRESS } from "../checkout/form-state";
import {
	AddressBlock,
	DestinationSections,
	type GatewayChoice,
	GatewayPicker,
	Hidden,
	METHOD_NAMES,
	money,
	type Notice,
	NoticeBox,
	QuoteSummary,
	Steps,
	Summary,
} from "./checkout-parts";
import { Layout } from "./layout";

// The checkout's steps: address → shipping → review. Plain POST forms, no script; each carries
// the CSRF token and the choices made so far as hidden fields.

const ADDRESS_INPUTS = ["email", "name", "line1", "line2", "city", "region", "postalCode", "country", "phone"];

export function AddressStep(props: {
	csrf: string;
	book: BookAddress[];
	cart: { currency: string; lines: { title: string; quantity: number; unitPrice: number; lineTotal: number }[] };
	subtotal: number;
	picked?: string | undefined;
	fields?: AddressFields | undefined;
	notice?: Notice | undefined;
	/** A guest (no account) checking out: their email, as typed so far ("" at first). Absent when signed in. */
	guestEmail?: string | undefined;
}) {
	const picked = props.picked ?? props.book.find((a) => a.defaultShipping)?.id ?? props.book[0]?.id ?? NEW_ADDRESS;
	const f = props.fields ?? {};
	const errors = props.notice?.errors ?? [];
	const errorOf = (name: string) => errors.find((e) => e.path === name || e.path.endsWith(`.${name}`))?.message;
	const firstInvalid = ADDRESS_INPUTS.find((name) => errorOf(name) !== undefined);
	const err = (name: string) => ({ error: errorOf(name), first: name === firstInvalid });
	return (
		<Layout title="Checkout · Address">
			<h1>Checkout</h1>
			<Steps at="Address" />
			<NoticeBox notice={props.notice} />
			<div class="checkout">
				<form action="/checkout/shipping" method="post" class="checkout-form">
					<input type="hidden" name="csrf" value={props.csrf} />
					{props.guestEmail !== undefined ? (
						<fieldset>
							<legend>Checking out as a guest</legend>
							<p>
								Your order and its confirmation go to this address; no password needed.{" "}
								<a href="/account/login?next=/checkout">Sign in instead</a>
							</p>
							<Field
								{...err("email")}
								name="email"
								label="Email"
								value={props.guestEmail}
								autocomplete="email"
								max={254}
							/>
						</fieldset>
					) : null}
					<h2>Where should we send it?</h2>
					{props.book.length > 0 ? (
						<fieldset>
							<legend>Your addresses</legend>
							{props.book.map((a) => (
								<label class="choice">
									<input type="radio" name="addressId" value={a.id} checked={picked === a.id} />
									<span>
										<strong>{a.label ?? a.recipient}</strong> · {a.recipient}, {a.line1}, {a.postalCode ?? ""} {a.city},{" "}
										{a.country}
									</span>
								</label>
							))}
							<label class="choice">
								<input type="radio" name="addressId" value={NEW_ADDRESS} checked={picked === NEW_ADDRESS} />
								<span>A new address (below)</span>
							</label>
						</fieldset>
					) : (
						<input type="hidden" name="addressId" value={NEW_ADDRESS} />
					)}
					<fieldset>
						<legend>New address</legend>
						<Field {...err("name")} name="name" label="Full name" value={f.name} autocomplete="name" max={100} />
						<Field
							{...err("line1")}
							name="line1"
							label="Address"
							value={f.line1}
							autocomplete="address-line1"
							max={200}
						/>
						<Field
							{...err("line2")}
							name="line2"
							label="Address line 2 (optional)"
							value={f.line2}
							autocomplete="address-line2"
							max={200}
						/>
						<Field {...err("city")} name="city" label="City" value={f.city} autocomplete="address-level2" max={100} />
						<Field
							{...err("region")}
							name="region"
							label="State / region (optional)"
							value={f.region}
							autocomplete="address-level1"
							max={10}
						/>
						<Field
							{...err("postalCode")}
							name="postalCode"
							label="Postal code"
							value={f.postalCode}
							autocomplete="postal-code"
							max={20}
						/>
						<Field
							{...err("country")}
							name="country"
							label="Country (two letters, e.g. US)"
							value={f.country}
							autocomplete="country"
							max={2}
						/>
						<Field
							{...err("phone")}
							name="phone"
							label="Phone (optional)"
							value={f.phone}
							autocomplete="tel"
							max={40}
						/>
						{props.guestEmail === undefined ? (
							<label class="choice">
								<input type="checkbox" name="save" /> <span>Save to my address book</span>
							</label>
						) : null}
					</fieldset>
					<button type="submit" class="primary">
						Continue to shipping
					</button>
				</form>
				<aside>
					<h2>Your cart</h2>
					<Summary currency={props.cart.currency} lines={props.cart.lines} subtotal={props.subtotal} />
					<p>
						<a href="/cart">Change the cart</a>
					</p>
				</aside>
			</div>
		</Layout>
	);
}

const BILLING_INPUTS = ["email", "name", "country", "region"];

/**
 * The first step of a cart with nothing to ship (digital goods, booked services): no address and
 * no shipping method, only who pays — a guest's email, a name, and the country (and region) the
 * tax is computed from. It goes straight to the review.
 */
export function BillingStep(props: {
	csrf: string;
	cart: { currency: string; lines: { title: string; quantity: number; unitPrice: number; lineTotal: number }[] };
	subtotal: number;
	fields?: AddressFields | undefined;
	notice?: Notice | undefined;
	guestEmail?: string | undefined;
}) {
	const f = props.fields ?? {};
	const errors = props.notice?.errors ?? [];
	const errorOf = (name: string) =>
		errors.find((e) => e.path === name || e.path.endsWith(`.${name}`) || (name === "name" && e.path === "billing"))
			?.message;
	const firstInvalid = BILLING_INPUTS.find((name) => errorOf(name) !== undefined);
	const err = (name: string) => ({ error: errorOf(name), first: name === firstInvalid });
	return (
		<Layout title="Checkout · Details">
			<h1>Checkout</h1>
			<Steps at="Details" ships={false} />
			<NoticeBox notice={props.notice} />
			<div class="checkout">
				<form action="/checkout/review" method="post" class="checkout-form" data-testid="billing-form">
					<input type="hidden" name="csrf" value={props.csrf} />
					<input type="hidden" name="destination" value={BILLING_DESTINATION} />
					<p>Nothing in your cart is shipped: no address needed. Downloads, keys and bookings come by mail.</p>
					{props.guestEmail !== undefined ? (
						<fieldset>
							<legend>Checking out as a guest</legend>
							<p>
								Your order, its downloads and its confirmation go to this address; no password needed.{" "}
								<a href="/account/login?next=/checkout">Sign in instead</a>
							</p>
							<Field
								{...err("email")}
								name="email"
								label="Email"
								value={props.guestEmail}
								autocomplete="email"
								max={254}
							/>
						</fieldset>
					) : null}
					<fieldset>
						<legend>Billing</legend>
						<Field {...err("name")} name="name" label="Full name" value={f.name} autocomplete="name" max={100} />
						<Field
							{...err("country")}
							name="country"
							label="Country (two letters, e.g. US; for the tax)"
							value={f.country}
							autocomplete="country"
							max={2}
						/>
						<Field
							{...err("region")}
							name="region"
							label="State / region (optional)"
							value={f.region}
							autocomplete="address-level1"
							max={10}
						/>
					</fieldset>
					<button type="submit" class="primary">
						Review the order
					</button>
				</form>
				<aside>
					<h2>Your cart</h2>
					<Summary currency={props.cart.currency} lines={props.cart.lines} subtotal={props.subtotal} />
					<p>
						<a href="/cart">Change the cart</a>
					</p>
				</aside>
			</div>
		</Layout>
	);
}

/**
 * A labelled input. With an error the input is marked invalid and points at its message
 * (aria-describedby), so a screen reader reads the message with the field; the first invalid
 * field takes the focus, so a keyboard user lands where the fix is.
 */
function Field(props: {
	name: string;
	label: string;
	value?: string | undefined;
	autocomplete: string;
	max: number;
	error?: string | undefined;
	first?: boolean;
}) {
	const errorId = `${props.name}-error`;
	return (
		<p>
			<label>
				{props.label}{" "}
				<input
					name={props.name}
					value={props.value ?? ""}
					autocomplete={props.autocomplete}
					maxlength={props.max}
					aria-invalid={props.error ? "true" : undefined}
					aria-describedby={props.error ? errorId : undefined}
					autofocus={props.error && props.first ? true : undefined}
				/>
			</label>
			{props.error ? (
				<span class="field-error" id={errorId}>
					{props.error}
				</span>
			) : null}
		</p>
	);
}

export function ShippingStep(props: {
	csrf: string;
	quote: Quote;
	state: Record<string, string>;
	picked?: string | undefined;
	notice?: Notice | undefined;
}) {
	const { quote } = props;
	const picked = props.picked ?? quote.options[0]?.method;
	return (
		<Layout title="Checkout · Shipping">
			<h1>Checkout</h1>
			<Steps at="Shipping" />
			<NoticeBox notice={props.notice} />
			<div class="checkout">
				<form action="/checkout/review" method="post" class="checkout-form">
					<input type="hidden" name="csrf" value={props.csrf} />
					<Hidden fields={props.state} />
					<h2>Shipping to</h2>
					{quote.address ? <AddressBlock address={quote.address} /> : null}
					<fieldset data-testid="shipping-options">
						<legend>How fast?</legend>
						{quote.options.map((o) => (
							<label class="choice">
								<input type="radio" name="shippingMethod" value={o.method} checked={picked === o.method} />
								<span>
									{METHOD_NAMES[o.method] ?? o.method} ·{" "}
									<strong data-method={o.method}>{o.free ? "Free" : money(o.shipping, quote.currency)}</strong> · total{" "}
									{money(o.total, quote.currency)}
								</span>
							</label>
						))}
					</fieldset>
					<button type="submit" class="primary">
						Review the order
					</button>
				</form>
				<aside>
					<h2>Your cart</h2>
					<QuoteSummary quote={quote} />
					<p>
						<a href="/checkout">Change the address</a>
					</p>
				</aside>
			</div>
		</Layout>
	);
}

export function ReviewStep(props: {
	csrf: string;
	quote: Quote;
	state: Record<string, string>;
	idempotencyKey: string;
	/** The gateways to choose from (shown when there is more than one). */
	payWith?: GatewayChoice | undefined;
	notice?: Notice | undefined;
}) {
	const { quote } = props;
	const option = quote.selected;
	// What the order will charge: the chosen method's money, or a cart's that ships nothing.
	const due = quote.due;
	return (
		<Layout title="Checkout · Review">
			<h1>Review your order</h1>
			<Steps at="Review" ships={quote.ships} />
			<NoticeBox notice={props.notice} />
			<QuoteSummary quote={quote} option={due} />
			<div class="checkout-review">
				<DestinationSections
					address={quote.address}
					billing={quote.billing}
					method={option ? (METHOD_NAMES[option.method] ?? option.method) : null}
				/>
			</div>
			<form action="/checkout/place" method="post" class="place">
				<input type="hidden" name="csrf" value={props.csrf} />
				{/* The same key on a double click or a resubmission: the core answers with the same order. */}
				<input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
				<Hidden fields={props.state} />
				<GatewayPicker choice={props.payWith} />
				<button type="submit" class="primary">
					Place order and pay {due ? money(due.total, quote.currency) : ""}
				</button>
			</form>
			<p>
				<a href="/checkout">Start the checkout over</a> · <a href="/cart">Back to the cart</a>
			</p>
		</Layout>
	);
}
