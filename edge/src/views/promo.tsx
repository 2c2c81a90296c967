import type { PromotionSnapshot } from "@bazaar/contracts/promotion";
import type { Money } from "@bazaar/money";
import { createContext, useContext } from "hono/jsx";
import { formatInMarket } from "../markets/context";
import { type Offer, offerFor } from "../promotions/display";

// Promotions on cached pages: the snapshot and the instant the page is made for travel in a
// context (the page's cache key carries the promotion tag, so "now" is right until the next
// start or end). Cards and product pages show the sale price beside the struck list price and
// the activity's badge; the cart shows the core's own prices.

export interface PromoView {
	snapshot: PromotionSnapshot;
	now: number;
}
export const PromoContext = createContext<PromoView | null>(null);

export function useOffer(item: Parameters<typeof offerFor>[2]): Offer | null {
	const view = useContext(PromoContext);
	return view ? offerFor(view.snapshot, view.now, item) : null;
}

export function Badge({ text, slug }: { text: string; slug: string }) {
	return (
		<a class="badge" href={`/sales/${slug}`} data-testid="promo-badge">
			{text}
		</a>
	);
}

/** "now" with the list price struck through when a sale price applies; the list price otherwise. */
export function OfferPrice({ price, offer, prefix = "" }: { price: Money; offer: Offer | null; prefix?: string }) {
	if (offer?.price) {
		return (
			<span class="price sale" data-testid="sale-price">
				{prefix}
				{formatInMarket(offer.price)} <s class="was">{formatInMarket(price)}</s>
			</span>
		);
	}
	return (
		<span class="price">
			{prefix}
			{formatInMarket(price)}
		</span>
	);
}

/** A live countdown: the text is right when the page is made, header.js keeps it ticking. */
export function Countdown({ until, label }: { until: string; label: string }) {
	const ms = Math.max(0, Date.parse(until) - Date.now());
	return (
		<p class="countdown">
			{label}{" "}
			<time datetime={until} data-countdown={until} data-testid="countdown">
				{countdownText(ms)}
			</time>
		</p>
	);
}

export function countdownText(ms: number): string {
	const s = Math.floor(ms / 1000);
	const d = Math.floor(s / 86_400);
	const h = Math.floor((s % 86_400) / 3_600);
	const m = Math.floor((s % 3_600) / 60);
	const sec = s % 60;
	return `${d > 0 ? `${d}d ` : ""}${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
}
