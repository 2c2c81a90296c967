import { sql } from "drizzle-orm";
import { type CartContext, iso } from "./context";
import { slotIn } from "./slot-rules";

/**
 * After checkout placed an order: the lines it took leave the cart (a line the shopper raised in
 * the meantime stays, whole), and the cart counts as changed. A line named without `slot`
 * matches the variant at any slot (callers that know the slot pass it, null for an unbooked line). No read back:
 * the checkout answers with the order, not the cart. One unit of the cart's group commit.
 */
export async function removeOrderedLines(
	ctx: CartContext,
	cartId: string,
	lines: { variantId: string; quantity: number; slot?: string | null }[],
	/** The coupon the order redeemed: it leaves the cart with the lines (it is spent). */
	redeemedCoupon: string | null = null,
): Promise<void> {
	if (lines.length === 0) return;
	const match = sql.join(
		lines.map((l) =>
			l.slot === undefined
				? sql`(variant_id = ${l.variantId} AND quantity <= ${l.quantity})`
				: sql`(variant_id = ${l.variantId} AND slot = ${slotIn(l.slot)} AND quantity <= ${l.quantity})`,
		),
		sql` OR `,
	);
	const del = sql`DELETE FROM cart_lines WHERE cart_id = ${cartId} AND (${match})`;
	const touch = sql`UPDATE carts SET revision = revision + 1, updated_at = ${iso(ctx.now())},
		coupon_code = CASE WHEN coupon_code = ${redeemedCoupon} THEN NULL ELSE coupon_code END WHERE id = ${cartId}`;
	await ctx.database.write(async (tx) => {
		await tx.run(del);
		await tx.run(touch);
	});
}
