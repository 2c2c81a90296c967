import type { Cart, CartOwner } from "@bazaar/contracts/cart";
import { sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import { liveCart, touchCart } from "./cart-rows";
import { type CartContext, cartWrite } from "./context";
import { getCart } from "./get-cart";
import { slotIn } from "./slot-rules";

/** Takes a line (of `variantId` at `slot`) out of the owner's cart; a line that is not there is a 404. */
export async function removeLine(
	ctx: CartContext,
	owner: CartOwner,
	variantId: string,
	slot: string | null = null,
): Promise<Cart> {
	await cartWrite(ctx, async (tx) => {
		const cart = await liveCart(tx, ctx, owner);
		if (!cart) throw new NotFoundError("That cart line");
		const removed = await tx.all(sql`DELETE FROM cart_lines WHERE cart_id = ${cart.id} AND variant_id = ${variantId}
			AND slot = ${slotIn(slot)} RETURNING variant_id`);
		if (removed.length === 0) throw new NotFoundError("That cart line");
		await touchCart(tx, ctx, cart.id, owner.kind);
	});
	return getCart(ctx, owner);
}
