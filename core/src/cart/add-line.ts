import { sql } from "drizzle-orm";
import type { z } from "zod";
import { NotFoundError } from "../lib/errors";
import { ensureCart } from "./cart-rows";
import { type CartContext, cartWrite, iso } from "./context";
import {
	AddLineRequest,
	type Cart,
	type CartOwner,
	type CatalogVariant,
	MAX_LINE_QUANTITY,
	MAX_LINES,
	stockKey,
} from "./contracts";
import { CartLimitError, NotEnoughStockError, NotSellableError, SlotError } from "./errors";
import { getCart } from "./get-cart";
import { lookUp, sellable, stockCheck } from "./price-lines";
import { loadCart } from "./records";
import { slotIn, slotProblem } from "./slot-rules";

/**
 * Puts units of a variant in the owner's cart; the same variant (at the same slot) again adds
 * to its line. The variant must be sellable in the cart's currency and in stock for the line's
 * new quantity; a service booked by appointment needs a bookable slot (slot-rules.ts), and is
 * checked against that slot's capacity. Another slot of it is another line.
 */
export async function addLine(
	ctx: CartContext,
	owner: CartOwner,
	input: z.input<typeof AddLineRequest>,
): Promise<Cart> {
	const { variantId, quantity, slot = null } = AddLineRequest.parse(input);
	const current = await loadCart(ctx.database.db, ctx, owner);
	const currency = current.header?.currency ?? ctx.currency;
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
		await tx.run(sql`INSERT INTO cart_lines (cart_id, variant_id, slot, quantity, added_at)
			VALUES (${cart.id}, ${variantId}, ${slotIn(slot)}, ${next}, ${iso(ctx.now())})
			ON CONFLICT (cart_id, variant_id, slot) DO UPDATE SET quantity = excluded.quantity`);
	});
	return getCart(ctx, owner);
}

export function refuseShortage(
	variant: CatalogVariant,
	stock: Map<string, { available: number | null }>,
	quantity: number,
	slot: string | null,
): void {
	const checked = stockCheck(stock.get(stockKey(variant.sku, slot)), quantity, slot);
	if (checked.status === "sold_out" || checked.status === "insufficient_stock") {
		throw new NotEnoughStockError(variant, checked.message ?? "not enough stock");
	}
}
