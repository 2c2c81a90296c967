import type { VariantSummary } from "@bazaar/contracts";
import {
	AddLineRequest,
	type Cart,
	type CartOwner,
	MAX_LINE_QUANTITY,
	MAX_LINES,
	stockKey,
} from "@bazaar/contracts/cart";
import type { Money } from "@bazaar/money";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { NotFoundError } from "../lib/errors";
import { ensureCart, switchCurrency } from "./cart-rows";
import { type CartContext, cartWrite, iso } from "./context";
import { CartLimitError, NotEnoughStockError, NotSellableError, SlotError } from "./errors";
import { getCart } from "./get-cart";
import { lookUp, sellable, stockCheck } from "./price-lines";
import { loadCart } from "./records";
import { slotIn, slotProblem } from "./slot-rules";

/**
 * Puts units of a variant in the owner's cart; the same variant (at the same slot) again adds
 * to its line. The variant must be sellable in the cart's currency and in stock for the line's
 * new quantity; a service booked by appointment needs a bookable slot (slot-rules.ts), and is
 * checked against that slot's capacity. Another slot of it is another line. The line notes the
 * unit price it was added at (again when more is added), so a later read can say it changed.
 * `currency` is the shopper's market's: the shopper saw the variant's price in it, so a cart in
 * another currency switches to it (its other lines re-priced, those not sold in it flagged).
 */
export async function addLine(
	ctx: CartContext,
	owner: CartOwner,
	input: z.input<typeof AddLineRequest>,
	market?: string,
): Promise<Cart> {
	const { variantId, quantity, slot = null } = AddLineRequest.parse(input);
	const current = await loadCart(ctx.database.db, ctx, owner);
	const currency = market ?? current.header?.currency ?? ctx.currency;
	// The catalog and inventory are asked before the write lock is taken, never while holding it.
	const { variants, stock } = await lookUp(ctx, [{ variantId, slot }], currency);
	const variant = variants.get(variantId);
	if (!variant) throw new NotFoundError(`Variant ${variantId}`);
	const refused = sellable(variant, currency);
	if (refused) throw new NotSellableError(variant, refused.message);
	const wrongSlot = slotProblem(variant, slot, ctx.now());
	if (wrongSlot) throw new SlotError(variant, wrongSlot);

	await cartWrite(ctx, async (tx) => {
		const cart = await ensureCart(tx, ctx, owner, currency);
		if (cart.currency !== currency) await switchCurrency(tx, cart.id, currency);
		const [state] = await tx.all<{ lines: number; existing: number | null }>(sql`SELECT count(*) AS lines,
				max(CASE WHEN variant_id = ${variantId} AND slot = ${slotIn(slot)} THEN quantity END) AS existing
			FROM cart_lines WHERE cart_id = ${cart.id}`);
		const existing = state?.existing ?? 0;
		if (existing === 0 && (state?.lines ?? 0) >= MAX_LINES) {
			throw new CartLimitError(`A cart holds at most ${MAX_LINES} lines.`, "variantId");
		}
		const next = existing + quantity;
		if (next > MAX_LINE_QUANTITY) {
			throw new CartLimitError(
				`A line holds at most ${MAX_LINE_QUANTITY} units; this one has ${existing} already.`,
				"quantity",
			);
		}
		refuseShortage(variant, stock, next, slot);
		// sellable() above: the variant has a price in the cart's currency. Adding more of a line
		// means the shopper saw its price now, so that becomes the price it was added at; the line
		// keeps its place (added_at).
		const at = iso(ctx.now());
		const price = variant.price as Money;
		await tx.run(sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at, added_price, added_currency, added_price_at)
			VALUES (${cart.id}, ${variantId}, ${slotIn(slot)}, ${next}, ${at}, ${price.amount}, ${price.currency}, ${at})
			ON CONFLICT (cart_id, variant_id, slot) DO UPDATE SET quantity = excluded.quantity,
				added_price = excluded.added_price, added_currency = excluded.added_currency,
				added_price_at = excluded.added_price_at`);
	});
	return getCart(ctx, owner);
}

export function refuseShortage(
	variant: VariantSummary,
	stock: Map<string, { available: number | null }>,
	quantity: number,
	slot: string | null,
): void {
	const checked = stockCheck(stock.get(stockKey(variant.sku, slot)), quantity, slot);
	if (checked.status === "sold_out" || checked.status === "insufficient_stock") {
		throw new NotEnoughStockError(variant, checked.message ?? "not enough stock");
	}
}
