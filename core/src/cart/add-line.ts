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
} from "./contracts";
import { CartLimitError, NotEnoughStockError, NotSellableError } from "./errors";
import { getCart } from "./get-cart";
import { lookUp, sellable, stockCheck } from "./price-lines";
import { loadCart } from "./records";

/**
 * Puts units of a variant in the owner's cart; the same variant again adds to its line. The
 * variant must be sellable in the cart's currency and in stock for the line's new quantity.
 */
export async function addLine(
	ctx: CartContext,
	owner: CartOwner,
	input: z.input<typeof AddLineRequest>,
): Promise<Cart> {
	const { variantId, quantity } = AddLineRequest.parse(input);
	const current = await loadCart(ctx.database.db, ctx, owner);
	const currency = current.header?.currency ?? ctx.currency;
	// The catalog and inventory are asked before the write lock is taken, never while holding it.
	const { variants, stock } = await lookUp(ctx, [variantId], currency);
	const variant = variants.get(variantId);
	if (!variant) throw new NotFoundError(`Variant ${variantId}`);
	const refused = sellable(variant, currency);
	if (refused) throw new NotSellableError(variant, refused.message);

	await cartWrite(ctx, async (tx) => {
		const cart = await ensureCart(tx, ctx, owner, currency);
		const [state] = await tx.all<{ lines: number; existing: number | null }>(sql`SELECT count(*) AS lines,
				max(CASE WHEN variant_id = ${variantId} THEN quantity END) AS existing
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
		refuseShortage(variant, stock, next);
		await tx.run(sql`INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at)
			VALUES (${cart.id}, ${variantId}, ${next}, ${iso(ctx.now())})
			ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity`);
	});
	return getCart(ctx, owner);
}

export function refuseShortage(
	variant: CatalogVariant,
	stock: Map<string, { available: number | null }>,
	quantity: number,
): void {
	const checked = stockCheck(stock.get(variant.sku), quantity);
	if (checked.status === "sold_out" || checked.status === "insufficient_stock") {
		throw new NotEnoughStockError(variant, checked.message ?? "not enough stock");
	}
}
