import type { PromotionSnapshot } from "@bazaar/contracts/promotion";
import type { Money } from "@bazaar/money";

// What a page shows of the promotions at an instant, from the snapshot alone (pure): which
// activities run, the badge and the sale price of a product or a variant. The cart, the quote
// and the order are priced by the core; these are the storefront's "was / now" labels, made from
// the same sale prices the core applies.

export type SnapshotActivity = PromotionSnapshot["activities"][number];

export function isRunning(a: Pick<SnapshotActivity, "startsAt" | "endsAt">, nowMs: number): boolean {
	return Date.parse(a.startsAt) <= nowMs && nowMs < Date.parse(a.endsAt);
}

/** Starts and ends already passed: with the version, it names what a page made now may show. */
export function promotionTag(snapshot: PromotionSnapshot, nowMs: number): string {
	let passed = 0;
	for (const a of snapshot.activities) {
		if (Date.parse(a.startsAt) <= nowMs) passed++;
		if (Date.parse(a.endsAt) <= nowMs) passed++;
	}
	return `p${snapshot.version}x${passed}`;
}

/** The next start or end after now (ms), or null: how long a page made now stays right. */
export function nextBoundary(snapshot: PromotionSnapshot, nowMs: number): number | null {
	let next: number | null = null;
	for (const a of snapshot.activities) {
		for (const t of [Date.parse(a.startsAt), Date.parse(a.endsAt)]) {
			if (t > nowMs && (next === null || t < next)) next = t;
		}
	}
	return next;
}

export function running(snapshot: PromotionSnapshot, nowMs: number): SnapshotActivity[] {
	return snapshot.activities.filter((a) => isRunning(a, nowMs)).sort((a, b) => b.priority - a.priority);
}

export interface Offer {
	/** The price after the sale price, or null when only a badge applies (a discount shown in the cart). */
	price: Money | null;
	was: Money;
	badge: string;
	activitySlug: string;
}

/**
 * A variant's or a product's offer now: the lowest sale price of the first running activity that
 * has one below `price` (the core's level 1), else the badge of the first that covers the product.
 */
export function offerFor(
	snapshot: PromotionSnapshot,
	nowMs: number,
	item: { productId: string; categoryId?: string | null; variantIds?: string[]; price: Money },
): Offer | null {
	const live = running(snapshot, nowMs);
	for (const a of live) {
		const sale = a.salePrices
			.filter(
				(p) =>
					p.currency === item.price.currency &&
					p.amount < item.price.amount &&
					(item.variantIds ? item.variantIds.includes(p.variantId) : p.productId === item.productId),
			)
			.sort((x, y) => x.amount - y.amount)[0];
		if (sale) {
			return {
				price: { amount: sale.amount, currency: sale.currency },
				was: item.price,
				badge: a.badge,
				activitySlug: a.slug,
			};
		}
	}
	for (const a of live) {
		const covers =
			(a.wholeShop ||
				a.productIds.includes(item.productId) ||
				(item.categoryId ? a.categoryIds.includes(item.categoryId) : false)) &&
			(a.coverCurrencies === null || a.coverCurrencies.includes(item.price.currency));
		if (covers) return { price: null, was: item.price, badge: a.badge, activitySlug: a.slug };
	}
	return null;
}
