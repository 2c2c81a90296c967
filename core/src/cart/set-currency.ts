import type { Cart, CartOwner } from "@bazaar/contracts/cart";
import { liveCart, switchCurrency, touchCart } from "./cart-rows";
import { type CartContext, cartWrite } from "./context";
import { getCart } from "./get-cart";

/**
 * The shopper changed market: their cart is priced in the new market's currency from now on.
 * Never converted: each line takes the catalog's price in that currency, and a line the catalog
 * does not sell in it stays, flagged `not_sold_in_currency`, until the shopper removes it (or
 * switches back). No cart yet: nothing is written; the empty cart reads in that currency.
 * Idempotent: the same currency again changes nothing.
 */
export async function setCurrency(ctx: CartContext, owner: CartOwner, currency: string): Promise<Cart> {
	await cartWrite(ctx, async (tx) => {
		const cart = await liveCart(tx, ctx, owner);
		if (!cart || cart.currency === currency) return;
		await touchCart(tx, ctx, cart.id, owner.kind);
		await switchCurrency(tx, cart.id, currency);
	});
	return getCart(ctx, owner, currency);
}
