import type { Cart, CartOwner } from "@bazaar/contracts/cart";
import { sql } from "drizzle-orm";
import { liveCart, touchCart } from "./cart-rows";
import { type CartContext, cartWrite } from "./context";
import { getCart } from "./get-cart";

/** Empties the owner's cart (the shopper, or the order workflow once an order holds the lines). */
export async function clearCart(ctx: CartContext, owner: CartOwner): Promise<Cart> {
	await cartWrite(ctx, async (tx) => {
		const cart = await liveCart(tx, ctx, owner);
		if (!cart) return;
		await tx.run(sql`DELETE FROM cart_lines WHERE cart_id = ${cart.id}`);
		await touchCart(tx, ctx, cart.id, owner.kind);
	});
	return getCart(ctx, owner);
}
