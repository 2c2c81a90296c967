import { CHECKOUT_PLACEHOLDER } from "@bazaar/contracts/checkout";
import type { AppContext } from "../env";

/**
 * Where the gateway sends the shopper back, on the origin they are shopping on. The checkout's
 * key rides along so the "declined" page can offer to pay the same order again (the key only
 * works for the shopper who placed the order: the core looks it up per customer).
 */
export function paymentUrls(c: AppContext, key: string): { returnUrl: string; cancelUrl: string } {
	const origin = new URL(c.req.url).origin;
	const k = `?k=${encodeURIComponent(key)}`;
	return {
		returnUrl: `${origin}/checkout/return/${CHECKOUT_PLACEHOLDER}${k}`,
		cancelUrl: `${origin}/checkout/cancelled/${CHECKOUT_PLACEHOLDER}${k}`,
	};
}
