import { CHECKOUT_PLACEHOLDER } from "@bazaar/contracts/checkout";
import type { AppContext } from "../env";

/**
 * Where the gateway sends the shopper back, on the origin they are shopping on. The checkout's
 * key rides along so the "declined" page can offer to pay the same order again (the key only
 * works for the shopper who placed the order: the core looks it up per customer), and so does
 * the gateway chosen, which that page offers first.
 */
export function paymentUrls(c: AppContext, key: string, gateway?: string): { returnUrl: string; cancelUrl: string } {
	const origin = new URL(c.req.url).origin;
	const k = `?${query(key, gateway)}`;
	return {
		returnUrl: `${origin}/checkout/return/${CHECKOUT_PLACEHOLDER}${k}`,
		cancelUrl: `${origin}/checkout/cancelled/${CHECKOUT_PLACEHOLDER}${k}`,
	};
}

/** `k=<key>[&g=<gateway>]` */
export function query(key: string, gateway?: string | null): string {
	return `k=${encodeURIComponent(key)}${gateway ? `&g=${encodeURIComponent(gateway)}` : ""}`;
}

/** The Payment Element page of an order (its client secret is fetched again with the key). */
export const payPath = (orderId: string, key: string) => `/checkout/pay/${orderId}?${query(key)}`;
export const returnPath = (orderId: string, key: string | null) =>
	`/checkout/return/${orderId}${key ? `?${query(key)}` : ""}`;
export const cancelledPath = (orderId: string, key: string | null, gateway?: string | null) =>
	`/checkout/cancelled/${orderId}${key ? `?${query(key, gateway)}` : ""}`;
