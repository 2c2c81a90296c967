import type { VariantSummary } from "@bazaar/contracts";
import { type Cart, type CartOwner, SetQuantityRequest } from "@bazaar/contracts/cart";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { NotFoundError } from "../lib/errors";
import { refuseShortage } from "./add-line";
import { liveCart, touchCart } from "./cart-rows";
import { type CartContext, cartWrite, iso } from "./context";
import { GoneVariantError, NotSellableError, SlotError } from "./errors";
import { getCart } from "./get-cart";
import { lookUp, sellable } from "./price-lines";
import { loadCart } from "./records";
import { slotIn, slotProblem } from "./slot-rules";

/**
 * Sets a line's quantity (the line of `variantId` at `slot`; null: its unbooked line). Raising
 * it is checked like adding (sellable, bookable at its slot, in stock); lowering it never is,
 * so a shopper can always come down to what is left. Either way the line takes the catalog's
 * price now as the price it was added at (one catalog call even when lowering).
 */
export async function setQuantity(
	ctx: CartContext,
	owner: CartOwner,
	variantId: string,
	input: z.input<typeof SetQuantityRequest>,
	slot: string | null = null,
): Promise<Cart> {
	const { quantity } = SetQuantityRequest.parse(input);
	const current = await loadCart(ctx.database.db, ctx, owner);
	const line = current.lines.find((l) => l.variantId === variantId && l.slot === slot);
	if (!current.header || !line) throw new NotFoundError("That cart line");
	const currency = current.header.currency;
	let variant: VariantSummary | undefined;
	if (quantity > line.quantity) {
		const { variants, stock } = await lookUp(ctx, [{ variantId, slot }], currency);
		variant = variants.get(variantId);
		if (!variant) throw new GoneVariantError(variantId);
		const refused = sellable(variant, currency);
		if (refused) throw new NotSellableError(variant, refused.message);
		const wrongSlot = slotProblem(variant, slot, ctx.now());
		if (wrongSlot) throw new SlotError(variant, wrongSlot);
		refuseShortage(variant, stock, quantity, slot);
	} else {
		// Lowering is never refused, but the price is still asked for (below); stock is not.
		variant = (await ctx.catalog.variants([variantId], currency)).get(variantId);
	}
	// The shopper changed the quantity looking at the price now: the line is "added" at it from
	// here on, and stops saying its price changed. With no price now (gone, not sold in the
	// currency) the noted one stays.
	const price = variant?.price?.currency === currency ? variant.price : null;
	const at = iso(ctx.now());
	const reprice = price
		? sql`, added_price = ${price.amount}, added_currency = ${price.currency}, added_price_at = ${at}`
		: sql``;
	await cartWrite(ctx, async (tx) => {
		const cart = await liveCart(tx, ctx, owner);
		if (!cart) throw new NotFoundError("That cart line");
		const changed = await tx.all(sql`UPDATE cart_lines SET quantity = ${quantity}${reprice}
			WHERE cart_id = ${cart.id} AND variant_id = ${variantId} AND slot = ${slotIn(slot)} RETURNING variant_id`);
		if (changed.length === 0) throw new NotFoundError("That cart line");
		await touchCart(tx, ctx, cart.id, owner.kind);
	});
	return getCart(ctx, owner);
}
