import type { Cart, CartOwner } from "@bazaar/contracts/cart";
import { sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { ensureCart, liveCart, touchCart } from "./cart-rows";
import { type CartContext, cartWrite, ownerKey } from "./context";
import { getCart } from "./get-cart";

// A coupon code on the cart: checked by the promotion module when the shopper types it (rate
// limited per shopper and client address; one answer for every code that cannot be used),
// kept on the cart, and judged again on every read (a code whose sale ended shows as invalid
// there). The checkout redeems it when the order is placed.

export async function applyCoupon(ctx: CartContext, owner: CartOwner, code: string, ip: string | null): Promise<Cart> {
	if (!ctx.promotions) throw new NotFoundError("Coupons");
	const { kind, key } = ownerKey(owner);
	const state = await ctx.promotions.checkCoupon(code, { subject: `${kind}:${key}`, ip });
	await cartWrite(ctx, async (tx) => {
		const cart = await ensureCart(tx, ctx, owner, ctx.currency);
		await tx.run(sql`UPDATE carts SET coupon_code = ${state.code} WHERE id = ${cart.id}`);
	});
	return getCart(ctx, owner);
}

export async function removeCoupon(ctx: CartContext, owner: CartOwner): Promise<Cart> {
	await cartWrite(ctx, async (tx) => {
		const cart = await liveCart(tx, ctx, owner);
		if (!cart) return;
		await tx.run(sql`UPDATE carts SET coupon_code = NULL WHERE id = ${cart.id}`);
		await touchCart(tx, ctx, cart.id, owner.kind);
	});
	return getCart(ctx, owner);
}
