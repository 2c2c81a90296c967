import { type CartOwner, GuestToken, MAX_LINE_QUANTITY, MAX_LINES, type MergeResult } from "@bazaar/contracts/cart";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { ensureCart, liveCart } from "./cart-rows";
import { type CartContext, cartWrite, iso, ownerKey } from "./context";
import { getCart } from "./get-cart";

interface Line {
	variantId: string;
	/** '' when not booked. */
	slot: string;
	quantity: number;
	addedAt: string;
	/** The price the line was added at, its currency and when it was noted: all null, or none. */
	addedPrice: number | null;
	addedCurrency: string | null;
	addedPriceAt: string | null;
}

/**
 * Of two lines' added prices, the one noted first: merging sums quantities but shows the shopper
 * no price, so a change since either add should still be told, from the earliest price they saw.
 * A line without one in the cart's currency (stored before prices were noted, or added to a
 * guest cart in another currency) gives way to one that has it.
 */
function olderPrice(a: Line, b: Line, currency: string): Pick<Line, "addedPrice" | "addedCurrency" | "addedPriceAt"> {
	const noted = [a, b].filter((l) => l.addedPrice !== null && l.addedPriceAt !== null && l.addedCurrency === currency);
	noted.sort((x, y) => ((x.addedPriceAt as string) < (y.addedPriceAt as string) ? -1 : 1));
	const first = noted[0];
	return first
		? { addedPrice: first.addedPrice, addedCurrency: first.addedCurrency, addedPriceAt: first.addedPriceAt }
		: { addedPrice: null, addedCurrency: null, addedPriceAt: null };
}

/**
 * On login: the guest's lines join the customer's cart (quantities of the same variant at the
 * same slot summed, cut to the per-line limit, keeping the older of the two added prices; lines
 * beyond the cart's limit left out) and the guest cart is deleted, all in one transaction. Running it again finds no guest cart and changes nothing.
 */
export async function mergeGuestIntoCustomer(
	ctx: CartContext,
	guestToken: string,
	userId: string,
): Promise<MergeResult> {
	const guest: CartOwner = { kind: "guest", token: GuestToken.parse(guestToken) };
	const customer: CartOwner = { kind: "customer", userId };
	const counts = await cartWrite(ctx, async (tx) => {
		const none = { mergedLines: 0, cappedLines: 0, droppedLines: 0 };
		const from = await liveCart(tx, ctx, guest);
		if (!from) {
			// An expired guest cart goes now rather than waiting for the purge.
			await deleteCarts(tx, ownerKey(guest).key);
			return none;
		}
		const to = await liveCart(tx, ctx, customer);
		if (!to) {
			// The customer has no cart: the guest's becomes theirs as it is.
			const [moved] = await tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM cart_lines WHERE cart_id = ${from.id}`);
			await tx.run(sql`UPDATE carts SET owner_kind = 'customer', owner_key = ${userId}, expires_at = NULL,
				revision = revision + 1, updated_at = ${iso(ctx.now())} WHERE id = ${from.id}`);
			return { ...none, mergedLines: moved?.n ?? 0 };
		}
		const lines = await tx.all<Line & { cartId: string }>(sql`SELECT cart_id AS cartId, variant_id AS variantId,
				slot, quantity, added_at AS addedAt, added_price AS addedPrice, added_currency AS addedCurrency,
				added_price_at AS addedPriceAt
			FROM cart_lines WHERE cart_id IN (${from.id}, ${to.id}) ORDER BY added_at, variant_id, slot`);
		const keyOf = (l: Line) => `${l.variantId}@${l.slot}`;
		const mine = new Map(lines.filter((l) => l.cartId === to.id).map((l) => [keyOf(l), l]));
		let lineCount = mine.size;
		const writes: Line[] = [];
		const result = { ...none };
		for (const g of lines.filter((l) => l.cartId === from.id)) {
			const existing = mine.get(keyOf(g));
			if (existing) {
				const sum = existing.quantity + g.quantity;
				if (sum > MAX_LINE_QUANTITY) result.cappedLines++;
				writes.push({
					...existing,
					quantity: Math.min(sum, MAX_LINE_QUANTITY),
					...olderPrice(existing, g, to.currency),
				});
			} else if (lineCount < MAX_LINES) {
				lineCount++;
				writes.push(g);
			} else {
				result.droppedLines++;
				continue;
			}
			result.mergedLines++;
		}
		if (writes.length > 0) {
			await tx.run(
				sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at, added_price, added_currency, added_price_at)
				VALUES ${sql.join(
					writes.map(
						(w) =>
							sql`(${to.id}, ${w.variantId}, ${w.slot}, ${w.quantity}, ${w.addedAt}, ${w.addedPrice}, ${w.addedCurrency}, ${w.addedPriceAt})`,
					),
					sql`, `,
				)} ON CONFLICT (cart_id, variant_id, slot) DO UPDATE SET quantity = excluded.quantity,
					added_price = excluded.added_price, added_currency = excluded.added_currency,
					added_price_at = excluded.added_price_at`,
			);
		}
		// A code the guest applied comes along unless the customer's cart has one of its own.
		await tx.run(sql`UPDATE carts SET coupon_code = coalesce(coupon_code,
			(SELECT coupon_code FROM carts WHERE id = ${from.id})) WHERE id = ${to.id}`);
		await deleteCarts(tx, ownerKey(guest).key);
		await ensureCart(tx, ctx, customer, to.currency);
		return result;
	});
	return { cart: await getCart(ctx, customer), ...counts };
}

async function deleteCarts(tx: TxDb, guestKey: string): Promise<void> {
	await tx.run(sql`DELETE FROM cart_lines WHERE cart_id IN
		(SELECT id FROM carts WHERE owner_kind = 'guest' AND owner_key = ${guestKey})`);
	await tx.run(sql`DELETE FROM carts WHERE owner_kind = 'guest' AND owner_key = ${guestKey}`);
}
