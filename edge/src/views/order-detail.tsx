import type { OrderDelivery } from "@bazaar/contracts/delivery";
import type { Address, Billing, BookingList, Order, OrderDetail } from "@bazaar/contracts/order";
import { actorWords, statusWords } from "../lib/orders";
import { AccountNav, Csrf, Done, type FormMessage, Message } from "./account-pages";
import { Layout } from "./layout";
import { OrderBookingsSection } from "./order-bookings";
import { OrderDeliverySection } from "./order-delivery";
import { price, StatusTag, When } from "./order-status";

// One order: what was bought, where it goes, what it cost, and every step it went through.

const SHIPPING_WORDS: Record<NonNullable<OrderDetail["shippingMethod"]>, string> = {
	standard: "Standard",
	express: "Express",
};

export function OrderDetailPage(props: {
	order: OrderDetail;
	csrf: string;
	done?: string | undefined;
	message?: FormMessage | undefined;
	/** A guest's order, opened by its link: no account pages around it. */
	guest?: boolean;
	/** The guest's link key: their cancel form sends it back (the key is their only credential). */
	guestKey?: string;
	/** Its digital goods (links and keys); null when the core could not say. */
	delivery?: OrderDelivery | null;
	/** Its booked services (reschedule / cancel forms); null when there are none or the core could not say. */
	bookings?: BookingList | null;
}) {
	const o = props.order;
	const money = (amount: number) => price(amount, o.currency);
	return (
		<Layout title={`Order ${o.id}`}>
			<h1>Order {o.id}</h1>
			{props.guest ? (
				<p>
					You checked out as a guest: keep the link you opened this from. Sign up with the order's email address and the
					order joins your account.
				</p>
			) : (
				<AccountNav current="orders" />
			)}
			<Done text={props.done} />
			<Message message={props.message} />
			<dl class="order-facts">
				<dt>Status</dt>
				<dd data-testid="order-status">
					<StatusTag status={o.status} />
					{o.status === "pending_payment" ? (
						<>
							{" "}
							— pay by <When at={o.expiresAt} /> or it expires
						</>
					) : null}
				</dd>
				<dt>Placed</dt>
				<dd>
					<When at={o.createdAt} />
				</dd>
				<dt>Payment</dt>
				<dd data-testid="order-payment">
					{o.paymentReference ? (
						<>
							{o.paymentGateway ?? "payment"} reference <code>{o.paymentReference}</code>
						</>
					) : (
						"not paid yet"
					)}
				</dd>
				{o.address ? (
					<>
						<dt>Tracking</dt>
						<dd data-testid="order-tracking">
							{o.trackingNumber ? <code>{o.trackingNumber}</code> : "not shipped yet"}
						</dd>
					</>
				) : null}
			</dl>

			{o.status === "pending_payment" && !props.guest ? (
				<form action={`/account/orders/${o.id}/cancel`} method="post" class="order-cancel">
					<Csrf token={props.csrf} />
					<button type="submit">Cancel this order</button>
				</form>
			) : null}
			{o.status === "pending_payment" && props.guest && props.guestKey ? (
				<form action={`/orders/guest/${o.id}/cancel`} method="post" class="order-cancel">
					<Csrf token={props.csrf} />
					<input type="hidden" name="key" value={props.guestKey} />
					<button type="submit">Cancel this order</button>
				</form>
			) : null}

			{o.timeline.some((t) => t.to === "delivered") && !props.guest ? (
				<p class="notice ok">
					Delivered.{" "}
					<a href={`/account/reviews?order=${o.id}`} data-testid="review-order">
						Review what you bought
					</a>
				</p>
			) : null}

			<OrderDeliverySection delivery={props.delivery ?? null} />
			<OrderBookingsSection
				bookings={props.bookings ?? null}
				base={props.guest ? `/orders/guest/${o.id}` : `/account/orders/${o.id}`}
				csrf={props.csrf}
				guestKey={props.guestKey}
			/>

			<h2>Items</h2>
			<table class="order-lines">
				<thead>
					<tr>
						<th>Item</th>
						<th>SKU</th>
						<th>Unit price</th>
						<th>Quantity</th>
						<th>Total</th>
					</tr>
				</thead>
				<tbody>
					{o.lines.map((l) => (
						<tr>
							<td>{l.title}</td>
							<td>
								<code>{l.sku}</code>
							</td>
							<td>
								{money(l.unitPrice)}
								{l.listUnitPrice !== undefined && l.listUnitPrice > l.unitPrice ? (
									<s class="was">{money(l.listUnitPrice)}</s>
								) : null}
							</td>
							<td>{l.quantity}</td>
							<td>
								{money(l.lineTotal)}
								{(l.discounts ?? []).map((d) => (
									<div class="discount" data-testid="order-line-discount">
										{d.badge}: {d.label}
										{d.couponCode ? ` (code ${d.couponCode})` : ""} −{money(d.amount)}
									</div>
								))}
							</td>
						</tr>
					))}
				</tbody>
			</table>

			<table class="order-totals">
				<tbody>
					<tr>
						<th>Subtotal</th>
						<td>{money(o.subtotal)}</td>
					</tr>
					{o.shippingMethod ? (
						<tr>
							<th>Shipping ({SHIPPING_WORDS[o.shippingMethod]})</th>
							<td data-testid="order-shipping">{money(o.shippingAmount)}</td>
						</tr>
					) : null}
					{o.discountAmount > 0 ? (
						<tr>
							<th>Discount{o.promotions?.couponCode ? ` (code ${o.promotions.couponCode})` : ""}</th>
							<td data-testid="order-discount">−{money(o.discountAmount)}</td>
						</tr>
					) : null}
					{o.promotions?.shippingDiscount ? (
						<tr>
							<th>Shipping saved</th>
							<td>−{money(o.promotions.shippingDiscount)}</td>
						</tr>
					) : null}
					<tr>
						<th>Tax ({(o.taxRateBp / 100).toFixed(2).replace(/\.?0+$/, "")}%)</th>
						<td data-testid="order-tax">{money(o.taxAmount)}</td>
					</tr>
					<tr class="grand">
						<th>Total</th>
						<td data-testid="order-total">{money(o.total)}</td>
					</tr>
				</tbody>
			</table>

			<Destination order={o} />

			<h2>Timeline</h2>
			<ol class="timeline" data-testid="order-timeline">
				{o.timeline.map((t) => (
					<li data-to={t.to}>
						<When at={t.at} /> — {t.from ? `${statusWords(t.from)} → ` : "placed: "}
						<strong>{statusWords(t.to)}</strong>, by <span title={t.actor}>{actorWords(t.actor, o.customerId)}</span>
						{t.reason ? <> ({t.reason})</> : null}
					</li>
				))}
			</ol>
			<p>
				<a href="/account/orders">Back to your orders</a>
			</p>
		</Layout>
	);
}

/**
 * Where the order goes: its shipping address, or — nothing in it ships (digital goods, booked
 * services) — the name and country it is billed to.
 */
export function Destination({
	order,
	shipHeading = "Shipping to",
}: {
	order: Pick<Order, "address" | "billing">;
	shipHeading?: string;
}) {
	if (order.address) {
		return (
			<>
				<h2>{shipHeading}</h2>
				<ShipTo address={order.address} />
			</>
		);
	}
	return (
		<>
			<h2>Billed to</h2>
			<BilledTo billing={order.billing} />
			<p data-testid="nothing-ships">Nothing in this order is shipped.</p>
		</>
	);
}

export function BilledTo({ billing: b }: { billing: Billing }) {
	return (
		<address data-testid="billed-to">
			{b.name}
			<br />
			{[b.region, b.country].filter(Boolean).join(" ")}
		</address>
	);
}

/** A postal address as the order, the console and the packing slip show it. */
export function ShipTo({ address: a }: { address: Address }) {
	return (
		<address>
			{a.name}
			<br />
			{a.line1}
			{a.line2 ? (
				<>
					<br />
					{a.line2}
				</>
			) : null}
			<br />
			{[a.postalCode, a.city, a.region].filter(Boolean).join(" ")}
			<br />
			{a.country}
			{a.phone ? (
				<>
					<br />
					{a.phone}
				</>
			) : null}
		</address>
	);
}
