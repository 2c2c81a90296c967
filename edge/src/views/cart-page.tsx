import type { Cart, CartLine, LineStatus } from "@bazaar/contracts/cart";
import { MAX_LINE_QUANTITY, promotionKey, slotLabel } from "@bazaar/contracts/cart";
import type { PromotedLine } from "@bazaar/contracts/promotion";
import { money } from "@bazaar/money";
import { formatInMarket } from "../markets/context";
import { Layout } from "./layout";

// The cart: plain HTML forms, each posting back to the edge with the shopper's CSRF token.
// Everything shown is the core's re-check of this moment (price, stock, availability), and
// whether a line's price moved since the shopper added it.

/** What the shopper reads next to a line that cannot be bought as it stands (or soon cannot). */
const STATUS_TEXT: Partial<Record<LineStatus, (line: CartLine) => string>> = {
	unavailable: (l) =>
		// A booked line can be unbuyable for its time (passed, no longer booked by time).
		l.message && l.message !== "no longer available"
			? `${capitalise(l.message)}. Remove it to check out.`
			: "No longer sold. Remove it to check out.",
	sold_out: (l) =>
		l.slot ? "This time is fully booked. Remove it and book another time." : "Sold out. Remove it to check out.",
	insufficient_stock: (l) =>
		l.slot
			? `Only ${places(l)} left at this time: lower the quantity to check out.`
			: `Only ${l.availableQuantity ?? 0} left: lower the quantity to check out.`,
	low_stock: (l) => (l.slot ? `Only ${places(l)} left at this time.` : `Only ${l.availableQuantity ?? 0} left.`),
	not_sold_in_currency: (l) => (l.message ? `${capitalise(l.message)}.` : "Not sold in this currency."),
};

/**
 * Told whatever the line's status: the shopper added it at one price and would pay another.
 * It goes once they change the quantity (or add more): they have seen the price then.
 */
const priceChangeText = (l: CartLine) =>
	l.priceChange
		? `Price changed from ${formatInMarket(l.priceChange.from)} to ${formatInMarket(l.priceChange.to)} since you added it.`
		: null;

const places = (l: CartLine) => {
	const n = l.availableQuantity ?? 0;
	return `${n} ${n === 1 ? "place" : "places"}`;
};

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const linePath = (l: CartLine) => `/cart/lines/${encodeURIComponent(l.variantId)}`;

export type CartNotice = { text: string; kind: "error" | "ok" };

function Csrf({ token }: { token: string }) {
	return <input type="hidden" name="csrf" value={token} />;
}

/** The terms the order will keep: until when the shopper may move or cancel the booking. */
function ChangeTerms({ slot, cutoffHours }: { slot: string; cutoffHours: number | null | undefined }) {
	if (cutoffHours == null) return null;
	const until = new Date(Date.parse(slot) - cutoffHours * 3_600_000);
	return until.getTime() > Date.now() ? (
		<div class="change-terms" data-testid="change-terms">
			Free to move or cancel until <time datetime={until.toISOString()}>{slotLabel(until.toISOString())}</time>
		</div>
	) : (
		<div class="change-terms" data-testid="change-terms">
			Cannot be moved or cancelled once booked
		</div>
	);
}

/** Which line a form means: a booked service's line is its variant at its slot. */
function LineSlot({ line }: { line: CartLine }) {
	return line.slot ? <input type="hidden" name="slot" value={line.slot} /> : null;
}

function Line({ line, csrf, promo }: { line: CartLine; csrf: string; promo: PromotedLine | undefined }) {
	const warning = STATUS_TEXT[line.status]?.(line);
	const priceChanged = priceChangeText(line);
	const name = line.productTitle ?? "An item that is no longer sold";
	return (
		<tr
			data-variant={line.variantId}
			data-slot={line.slot ?? undefined}
			class={line.available ? undefined : "unbuyable"}
		>
			<td>
				{line.thumbnailHash ? (
					<img src={`/img/${line.thumbnailHash}.png`} width={64} height={64} alt="" loading="lazy" />
				) : null}
			</td>
			<td>
				{line.productSlug && line.status !== "unavailable" ? (
					<a href={`/products/${line.productSlug}`}>{name}</a>
				) : (
					name
				)}
				{line.variantTitle ? <div class="variant">{line.variantTitle}</div> : null}
				{line.slot ? (
					<div class="booked" data-testid="booked-time">
						Booked for <time datetime={line.slot}>{slotLabel(line.slot)}</time>
						<ChangeTerms slot={line.slot} cutoffHours={line.cancelCutoffHours} />
					</div>
				) : null}
				{warning ? (
					<div class={`line-warning ${line.status}`} role="status">
						{warning}
					</div>
				) : null}
				{priceChanged ? (
					<div class="line-warning price_changed" role="status" data-testid="price-changed">
						{priceChanged}
					</div>
				) : null}
			</td>
			<td>
				{line.unitPrice && promo && promo.unitPrice < promo.listUnitPrice ? (
					<span class="price sale" data-testid="line-sale-price">
						{formatInMarket(money(promo.unitPrice, line.unitPrice.currency))}{" "}
						<s class="was">{formatInMarket(line.unitPrice)}</s>
					</span>
				) : line.unitPrice ? (
					formatInMarket(line.unitPrice)
				) : (
					"—"
				)}
				{promo?.badge ? <div class="badge">{promo.badge}</div> : null}
			</td>
			<td>
				<form action={`${linePath(line)}/quantity`} method="post" class="qty">
					<Csrf token={csrf} />
					<LineSlot line={line} />
					<input
						type="number"
						name="quantity"
						value={String(line.quantity)}
						min="0"
						max={MAX_LINE_QUANTITY}
						step="1"
						required
						aria-label={`Quantity of ${name}${line.slot ? `, ${slotLabel(line.slot)}` : ""}`}
					/>
					<button type="submit">Update</button>
				</form>
				<form action={`${linePath(line)}/remove`} method="post" class="remove">
					<Csrf token={csrf} />
					<LineSlot line={line} />
					<button type="submit">Remove</button>
				</form>
			</td>
			<td class="total">
				{line.lineTotal && line.available
					? formatInMarket(promo ? money(promo.lineTotal, line.lineTotal.currency) : line.lineTotal)
					: "—"}
				{promo && line.lineTotal
					? promo.discounts.map((d) => (
							<div class="discount" data-testid="line-discount">
								{d.label}: −{formatInMarket(money(d.amount, line.lineTotal?.currency ?? "USD"))}
							</div>
						))
					: null}
			</td>
		</tr>
	);
}

export function CartPage({ cart, csrf, notice }: { cart: Cart; csrf: string; notice?: CartNotice | undefined }) {
	// The subtotal sums the lines that can be bought; so does its count.
	const units = cart.lines.reduce((n, l) => n + (l.available ? l.quantity : 0), 0);
	return (
		<Layout title="Your cart">
			<h1>Your cart</h1>
			{notice ? (
				<div class={`cart-notice ${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
					{notice.text}
				</div>
			) : null}
			{cart.lines.length === 0 ? (
				<div class="cart-empty" data-testid="cart-empty">
					<p>Your cart is empty.</p>
					<p>
						<a href="/">Continue shopping</a>
					</p>
				</div>
			) : (
				<>
					<table class="cart">
						<thead>
							<tr>
								<th>
									<span class="visually-hidden">Picture</span>
								</th>
								<th>Item</th>
								<th>Price</th>
								<th>Quantity</th>
								<th>Total</th>
							</tr>
						</thead>
						<tbody>
							{cart.lines.map((line) => (
								<Line
									line={line}
									csrf={csrf}
									promo={cart.promotion?.lines.find((p) => p.key === promotionKey(line.variantId, line.slot))}
								/>
							))}
						</tbody>
					</table>
					<div class="cart-summary">
						<p>
							Subtotal ({units} {units === 1 ? "item" : "items"}):{" "}
							<span class="price" data-testid="subtotal">
								{formatInMarket(cart.promotion ? money(cart.promotion.subtotal, cart.currency) : cart.subtotal)}
							</span>
						</p>
						<Savings cart={cart} />
						<CouponForm cart={cart} csrf={csrf} />
						<p class="note">Shipping and tax are worked out at checkout.</p>
						{cart.checkoutReady ? (
							<a class="checkout" href="/checkout">
								Checkout
							</a>
						) : (
							<p class="line-warning" data-testid="not-ready">
								Some items cannot be bought as they are. Change or remove them to check out.
							</p>
						)}
						<form action="/cart/clear" method="post" class="remove">
							<Csrf token={csrf} />
							<button type="submit">Empty the cart</button>
						</form>
					</div>
				</>
			)}
		</Layout>
	);
}

/** What the promotions take off (the core priced it), and what the goods come to after it. */
function Savings({ cart }: { cart: Cart }) {
	const p = cart.promotion;
	if (!p || (p.discount === 0 && !p.freeShipping)) return null;
	return (
		<>
			{p.discount > 0 ? (
				<p>
					Discounts:{" "}
					<span class="price" data-testid="cart-discount">
						−{formatInMarket(money(p.discount, cart.currency))}
					</span>
				</p>
			) : null}
			{p.discount > 0 ? (
				<p>
					After discounts:{" "}
					<span class="price" data-testid="cart-after-discounts">
						{formatInMarket(money(p.subtotal - p.discount, cart.currency))}
					</span>
				</p>
			) : null}
			{p.freeShipping ? <p data-testid="free-shipping">{p.freeShipping.label}</p> : null}
		</>
	);
}

function CouponForm({ cart, csrf }: { cart: Cart; csrf: string }) {
	const state = cart.promotion?.coupon ?? null;
	if (cart.couponCode) {
		return (
			<div class="coupon" data-testid="coupon">
				<p>
					Code <strong>{cart.couponCode}</strong>
					{state && state.status !== "applied" ? (
						<span class="line-warning" role="status">
							{" "}
							— {state.message ?? "it cannot be used now."}
						</span>
					) : (
						" applied."
					)}
				</p>
				<form action="/cart/coupon/remove" method="post" class="remove">
					<Csrf token={csrf} />
					<button type="submit">Remove code</button>
				</form>
			</div>
		);
	}
	return (
		<form action="/cart/coupon" method="post" class="coupon">
			<Csrf token={csrf} />
			<label>
				Discount code{" "}
				<input type="text" name="code" maxlength={64} autocomplete="off" required data-testid="coupon-code" />
			</label>
			<button type="submit">Apply</button>
		</form>
	);
}
