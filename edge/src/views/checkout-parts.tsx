import type { Quote, QuoteTotals } from "@bazaar/contracts/checkout";
import type { Address, Billing } from "@bazaar/contracts/order";
import { formatInMarket } from "../markets/context";

// Pieces the checkout pages share: the steps bar, hidden state, messages, the order summary.

export const STEPS = ["Address", "Shipping", "Review", "Pay"] as const;
/** A cart with nothing to ship: no address, no shipping step. */
export const BILLING_STEPS = ["Details", "Review", "Pay"] as const;
export const money = (amount: number, currency: string) => formatInMarket({ amount, currency });
export const METHOD_NAMES: Record<string, string> = { standard: "Standard shipping", express: "Express shipping" };

export type Notice = { text: string; errors?: { path: string; message: string }[] };

export function Steps({
	at,
	ships = true,
}: {
	at: (typeof STEPS)[number] | (typeof BILLING_STEPS)[number];
	ships?: boolean;
}) {
	return (
		<ol class="checkout-steps" aria-label="Checkout steps">
			{(ships ? STEPS : BILLING_STEPS).map((s) => (
				<li class={s === at ? "current" : ""} aria-current={s === at ? "step" : undefined}>
					{s}
				</li>
			))}
		</ol>
	);
}

export function Hidden({ fields }: { fields: Record<string, string> }) {
	return (
		<>
			{Object.entries(fields).map(([name, value]) => (
				<input type="hidden" name={name} value={value} />
			))}
		</>
	);
}

export function NoticeBox({ notice }: { notice?: Notice | undefined }) {
	if (!notice) return null;
	return (
		<div class="notice" role="alert" data-testid="checkout-notice">
			<p>{notice.text}</p>
			{notice.errors?.length ? (
				<ul>
					{notice.errors.map((e) => (
						<li>
							<strong>{e.path}</strong>: {e.message}
						</li>
					))}
				</ul>
			) : null}
		</div>
	);
}

export function AddressBlock({ address }: { address: Address }) {
	return (
		<address data-testid="ship-to">
			{address.name}
			<br />
			{address.line1}
			{address.line2 ? (
				<>
					<br />
					{address.line2}
				</>
			) : null}
			<br />
			{[address.postalCode, address.city, address.region].filter(Boolean).join(" ")}
			<br />
			{address.country}
		</address>
	);
}

/** Where it goes and how (the review, the confirmation); nothing ships: who it is billed to. */
export function DestinationSections(props: { address: Address | null; billing: Billing; method: string | null }) {
	if (!props.address) {
		return (
			<section>
				<h2>Billed to</h2>
				<address data-testid="billed-to">
					{props.billing.name}
					<br />
					{[props.billing.region, props.billing.country].filter(Boolean).join(" ")}
				</address>
				<p data-testid="nothing-ships">
					Nothing to ship: downloads, keys and bookings come by mail and on the order page.
				</p>
			</section>
		);
	}
	return (
		<>
			<section>
				<h2>Shipping to</h2>
				<AddressBlock address={props.address} />
			</section>
			<section>
				<h2>Shipping method</h2>
				<p data-testid="shipping-method">{props.method ?? ""}</p>
			</section>
		</>
	);
}

/** Lines and money as the core quoted (or charged) them. */
export function Summary(props: {
	currency: string;
	lines: { title: string; quantity: number; unitPrice: number; lineTotal: number }[];
	subtotal: number;
	shipping?: number | undefined;
	tax?: number | undefined;
	taxRateBp?: number | undefined;
	discount?: number | undefined;
	total?: number | undefined;
}) {
	const m = (n: number) => money(n, props.currency);
	return (
		<table class="checkout-summary" data-testid="checkout-summary">
			<thead>
				<tr>
					<th>Item</th>
					<th class="num">Qty</th>
					<th class="num">Price</th>
					<th class="num">Total</th>
				</tr>
			</thead>
			<tbody>
				{props.lines.map((l) => (
					<tr>
						<td>{l.title}</td>
						<td class="num">{l.quantity}</td>
						<td class="num">{m(l.unitPrice)}</td>
						<td class="num">{m(l.lineTotal)}</td>
					</tr>
				))}
			</tbody>
			<tfoot>
				<tr>
					<th colspan={3}>Subtotal</th>
					<td class="num" data-testid="subtotal">
						{m(props.subtotal)}
					</td>
				</tr>
				{props.shipping !== undefined ? (
					<tr>
						<th colspan={3}>Shipping</th>
						<td class="num" data-testid="shipping">
							{props.shipping === 0 ? "Free" : m(props.shipping)}
						</td>
					</tr>
				) : null}
				{props.discount ? (
					<tr>
						<th colspan={3}>Discount</th>
						<td class="num">−{m(props.discount)}</td>
					</tr>
				) : null}
				{props.tax !== undefined ? (
					<tr>
						<th colspan={3}>Tax{props.taxRateBp ? ` (${(props.taxRateBp / 100).toFixed(2)} %)` : ""}</th>
						<td class="num" data-testid="tax">
							{m(props.tax)}
						</td>
					</tr>
				) : null}
				{props.total !== undefined ? (
					<tr class="total">
						<th colspan={3}>Total</th>
						<td class="num" data-testid="total">
							{m(props.total)}
						</td>
					</tr>
				) : null}
			</tfoot>
		</table>
	);
}

/** A quote's lines with one shipping option's money. */
export function QuoteSummary({ quote, option }: { quote: Quote; option?: QuoteTotals | null | undefined }) {
	return (
		<Summary
			currency={quote.currency}
			lines={quote.lines.map((l) => ({
				title: l.title,
				quantity: l.quantity,
				unitPrice: l.unitPrice.amount,
				lineTotal: l.lineTotal.amount,
			}))}
			subtotal={quote.subtotal}
			// Nothing ships: no shipping line at all.
			shipping={quote.ships ? option?.shipping : undefined}
			tax={option?.tax}
			taxRateBp={option?.taxRateBp}
			discount={option?.discount}
			total={option?.total}
		/>
	);
}

/** The enabled gateways as the shopper chooses among them; `picked` is preselected. */
export type GatewayChoice = { items: { name: string; label: string }[]; picked: string };

/** A radio list when there is a choice; with one gateway nothing (the core uses its default). */
export function GatewayPicker({ choice }: { choice?: GatewayChoice | undefined }) {
	if (!choice || choice.items.length < 2) return null;
	return (
		<fieldset class="gateways" data-testid="gateways">
			<legend>Pay with</legend>
			{choice.items.map((g) => (
				<label class="choice">
					<input type="radio" name="gateway" value={g.name} checked={g.name === choice.picked} />
					<span>{g.label}</span>
				</label>
			))}
		</fieldset>
	);
}
