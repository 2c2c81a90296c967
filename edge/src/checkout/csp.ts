import type { GatewayList } from "@bazaar/contracts/payment";
import { personalCsp } from "../lib/personal-page";

// The checkout pages' Content-Security-Policy. A page whose form hands the shopper to a
// gateway (review: place; cancelled: try again) lets that POST end at the redirect gateways'
// pages: Chrome enforces form-action on the redirect after a form POST. The pay page runs
// Stripe's Payment Element: Stripe's script, its frames (card entry happens only inside them)
// and its API, and nothing else. Every other page keeps PERSONAL_CSP: no third-party origin.

/** The policy of a page with a form that may be redirected to one of the enabled gateways. */
export function gatewayFormCsp(list: GatewayList): string {
	const origins = new Set<string>();
	for (const g of list.items) {
		if (g.flow !== "redirect") continue;
		for (const o of g.origins) {
			const origin = originOf(o);
			if (origin) origins.add(origin);
		}
	}
	return personalCsp({ "form-action": [...origins] });
}

/** Stripe's documented sources for Stripe.js and the Payment Element. */
export const STRIPE_PAY_CSP = personalCsp({
	"script-src": ["https://js.stripe.com"],
	"frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
	"connect-src": ["https://api.stripe.com"],
});

/** A bare http(s) origin, or null: nothing else is ever written into the header. */
function originOf(value: string): string | null {
	if (!URL.canParse(value)) return null;
	const url = new URL(value);
	if (url.protocol !== "https:" && url.protocol !== "http:") return null;
	return url.origin === value ? url.origin : null;
}
