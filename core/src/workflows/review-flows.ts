import { OrderEventData } from "@bazaar/contracts/order";
import { RatingChangedData } from "@bazaar/contracts/review";
import { type Bus, handleOnce, type SubscribeOptions } from "../bus";
import type { CatalogModule } from "../catalog/module";
import { setProductRating } from "../catalog/set-rating";
import type { IdentityModule } from "../identity/module";
import type { ReviewModule } from "../review/module";
import { catalogPort } from "./cart-ports";

// The review module's flows on the bus (issue 12). It never reads the order or catalog tables:
// - order.delivered → the products of the order's lines (the catalog's variant summaries) are
//   recorded in the review module as delivered to that customer: what "verified purchase" means.
//   Once per event (its inbox, in the review database).
// - review.rating_changed → the catalog copies the product's aggregate (a newer revision only),
//   which bumps the catalog version: the edge's cached pages of the product are replaced.

export const REVIEW_GROUPS = { purchases: "review-purchases", catalogRatings: "catalog-ratings" } as const;

export interface ReviewFlowDeps {
	catalog: CatalogModule;
	reviews: ReviewModule;
}

export function subscribeReviewFlows(bus: Bus, deps: ReviewFlowDeps, tuning: SubscribeOptions = {}): void {
	const variants = catalogPort(deps.catalog.catalog, { thumbnails: false });
	bus.subscribe(
		REVIEW_GROUPS.purchases,
		["order.delivered"],
		async (event) => {
			const order = OrderEventData.parse(event.data);
			const known = await variants.variants(
				order.lines.map((l) => l.variantId),
				order.total.currency,
			);
			const lines = new Map<string, { productId: string; productSlug: string; productTitle: string }>();
			for (const l of order.lines) {
				const v = known.get(l.variantId);
				// A variant the catalog no longer knows cannot be reviewed: there is no product page for it.
				if (v)
					lines.set(v.productId, { productId: v.productId, productSlug: v.productSlug, productTitle: v.productTitle });
			}
			await handleOnce(
				deps.reviews.context.database,
				event.id,
				(tx) =>
					deps.reviews.recordDeliveredIn(tx, {
						customerId: order.customerId,
						orderId: order.orderId,
						deliveredAt: event.occurredAt,
						lines: [...lines.values()],
					}),
				{ consumer: REVIEW_GROUPS.purchases },
			);
		},
		tuning,
	);

	bus.subscribe(
		REVIEW_GROUPS.catalogRatings,
		["review.rating_changed"],
		async (event) => {
			await setProductRating(deps.catalog.catalog, RatingChangedData.parse(event.data));
		},
		tuning,
	);
}

/** The name shown beside a customer's reviews: their first name and the initial of the last ("Ada L."). */
export function authorNamePort(identity: Pick<IdentityModule, "getProfile">): (customerId: string) => Promise<string> {
	return async (customerId) => {
		const profile = await identity.getProfile(customerId).catch(() => null);
		const words = (profile?.name ?? "").trim().split(/\s+/).filter(Boolean);
		const first = words[0];
		if (!first) return "A customer";
		const last = words.length > 1 ? words[words.length - 1] : undefined;
		return last ? `${first} ${last[0]?.toUpperCase()}.` : first;
	};
}
