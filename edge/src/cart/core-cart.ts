import { type AddLineRequest, CART_CURRENCY_HEADER, Cart, type SetQuantityRequest } from "@bazaar/contracts/cart";
import type { AppContext } from "../env";
import { type CoreAnswer, callCore, callerOf } from "../lib/core-call";
import { marketOf } from "../markets/state";
import { cartHeaders } from "./guest";

// The edge's calls to the core's cart, for the pages and the JSON API alike. Whose cart it is
// comes from the signed caller (a signed-in shopper) or the guest token passed in; there is no
// cart id to pass, so no request can name another shopper's cart.

type Token = string | null;
/** A line is its variant and, for a booked service, its slot (`?slot=`, URL-encoded). */
const linePath = (variantId: string, slot: string | null) =>
	`/cart/lines/${encodeURIComponent(variantId)}${slot === null ? "" : `?slot=${encodeURIComponent(slot)}`}`;

/** Every call names the shopper's market's currency: a new cart is made in it, an add switches to it. */
async function call(
	c: AppContext,
	method: string,
	path: string,
	token: Token,
	body?: unknown,
): Promise<CoreAnswer<Cart>> {
	const { market } = await marketOf(c);
	const headers = { ...cartHeaders(c, token), [CART_CURRENCY_HEADER]: market.currency };
	return callCore(c.env, Cart, method, path, callerOf(c), { body, headers });
}

export const coreCart = {
	/** No session and no token reads as an empty cart (the core answers one without a lookup). */
	read: (c: AppContext, token: Token) => call(c, "GET", "/cart", token),
	add: (c: AppContext, token: Token, input: AddLineRequest) => call(c, "POST", "/cart/lines", token, input),
	setQuantity: (c: AppContext, token: Token, variantId: string, slot: string | null, input: SetQuantityRequest) =>
		call(c, "PATCH", linePath(variantId, slot), token, input),
	remove: (c: AppContext, token: Token, variantId: string, slot: string | null) =>
		call(c, "DELETE", linePath(variantId, slot), token),
	clear: (c: AppContext, token: Token) => call(c, "DELETE", "/cart", token),
	/** The core's promotion module checks the code (rate limited per shopper and address). */
	applyCoupon: (c: AppContext, token: Token, code: string) => call(c, "POST", "/cart/coupon", token, { code }),
	removeCoupon: (c: AppContext, token: Token) => call(c, "DELETE", "/cart/coupon", token),
	/** The shopper changed market: the cart is priced in its currency from now on (never converted). */
	setCurrency: (c: AppContext, token: Token, currency: string) => call(c, "PUT", "/cart/currency", token, { currency }),
};

/** Whether the request names any cart at all: a signed-in shopper, or a guest with a token. */
export const hasCart = (c: AppContext, token: Token) => Boolean(c.get("session")) || token !== null;
