import { type CheckoutCart, promotionKey } from "@bazaar/contracts/cart";
import type { PricedLine } from "@bazaar/contracts/order";
import type { PricedCart } from "@bazaar/contracts/promotion";
import { toOrderLines } from "../cart/cart-for-checkout";
import { ServiceError } from "../lib/errors";
import type { PromotionModule } from "../promotion/module";

// The checkout's and the quote's pricing through the promotion module: the cart's lines at the
// catalog's list prices go in; sale prices and each rule's part of each line come back, and the
// order records them line by line. Nothing here trusts a price or a discount from a browser.

export async function priceCheckout(
	promotions: Pick<PromotionModule, "price">,
	cart: CheckoutCart,
	customerId: string,
	couponCode: string | null,
): Promise<PricedCart> {
	return promotions.price({
		currency: cart.currency,
		lines: cart.lines.map((l) => ({
			key: promotionKey(l.variantId, l.slot),
			variantId: l.variantId,
			productId: l.productId,
			categoryId: l.categoryId,
			unitPrice: l.unitPrice.amount,
			quantity: l.quantity,
		})),
		customerId,
		couponCode,
	});
}

/** The order's lines: the sale price as the unit price (with the list price kept), the discounts on each. */
export function promotedOrderLines(cart: CheckoutCart, priced: PricedCart): PricedLine[] {
	const byKey = new Map(priced.lines.map((l) => [l.key, l]));
	return toOrderLines(cart).map((line, i) => {
		const source = cart.lines[i] as CheckoutCart["lines"][number];
		const p = byKey.get(promotionKey(source.variantId, source.slot));
		if (!p) return line;
		return {
			...line,
			unitPrice: p.unitPrice,
			...(p.unitPrice !== p.listUnitPrice ? { listUnitPrice: p.listUnitPrice } : {}),
			discounts: p.discounts,
		};
	});
}

/** A coupon in play that does not hold now is said, not silently dropped: the shopper decides. */
export function requireUsableCoupon(priced: PricedCart): string | null {
	const coupon = priced.coupon;
	if (!coupon) return null;
	if (coupon.status !== "applied") {
		const why = coupon.message ?? "it cannot be used now";
		throw new ServiceError(409, `The code ${coupon.code} cannot be used: ${why} Remove it to check out without it.`, [
			{ path: "couponCode", message: why },
		]);
	}
	return coupon.code;
}
