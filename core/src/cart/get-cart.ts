import type { Cart, CartOwner } from "@bazaar/contracts/cart";
import type { CartContext } from "./context";
import { priceCart } from "./price-lines";
import { loadCart } from "./records";

/**
 * The owner's cart, re-checked now: one statement for the cart and its lines, one catalog
 * call and one inventory call. No owner (an anonymous caller without a cart token) reads as an
 * empty cart.
 */
export async function getCart(ctx: CartContext, owner: CartOwner | null, currency?: string): Promise<Cart> {
	const snapshot = owner ? await loadCart(ctx.database.db, ctx, owner) : { header: null, lines: [] };
	return priceCart(ctx, snapshot, owner, currency);
}
