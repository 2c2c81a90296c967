import { type CartOwner, type CheckoutCart, type CheckoutLine, slotLabel } from "@bazaar/contracts/cart";
import { ServiceError } from "../lib/errors";
import type { CartContext } from "./context";
import { getCart } from "./get-cart";

/** The cart cannot become an order as it stands: empty, or lines that cannot be bought. 409. */
export class CartNotReadyError extends ServiceError {
	constructor(message: string, errors?: { path: string; message: string }[]) {
		super(409, message, errors);
	}
}

/**
 * The priced lines the order workflow builds an order from, re-checked now (the same one
 * statement and two port calls as a read). Every line must be buyable: otherwise 409 naming
 * each line and why, so the shopper goes back to the cart. Stock is only checked here; the
 * inventory's reservation is what holds it.
 */
export async function cartForCheckout(ctx: CartContext, owner: CartOwner): Promise<CheckoutCart> {
	const cart = await getCart(ctx, owner);
	if (!cart.id || cart.lines.length === 0) throw new CartNotReadyError("The cart is empty.");
	const blocked = cart.lines.filter((l) => !l.available);
	if (blocked.length > 0) {
		throw new CartNotReadyError(
			"Some lines in the cart cannot be bought as they stand.",
			blocked.map((l) => ({ path: l.slot ? `${l.variantId}@${l.slot}` : l.variantId, message: l.message ?? l.status })),
		);
	}
	let weightGrams = 0;
	const lines = cart.lines.map((l): CheckoutLine => {
		const unitWeight = l.kind === "physical" ? (l.weightGrams ?? 0) : 0;
		weightGrams += unitWeight * l.quantity;
		// available ⇒ the catalog knew the variant and priced it in the cart's currency.
		const name = l.variantTitle ? `${l.productTitle} (${l.variantTitle})` : (l.productTitle as string);
		return {
			variantId: l.variantId,
			sku: l.sku as string,
			productId: l.productId as string,
			productTitle: l.productTitle as string,
			variantTitle: l.variantTitle as string,
			categoryId: l.categoryId ?? null,
			// The order keeps no slot of its own: the booked time travels in the line's title.
			title: l.slot ? `${name} — ${slotLabel(l.slot)}` : name,
			slot: l.slot,
			kind: l.kind as CheckoutLine["kind"],
			quantity: l.quantity,
			unitPrice: l.unitPrice as CheckoutLine["unitPrice"],
			lineTotal: l.lineTotal as CheckoutLine["lineTotal"],
			weightGrams: unitWeight,
			...(l.slot && l.cancelCutoffHours != null ? { cancelCutoffHours: l.cancelCutoffHours } : {}),
		};
	});
	return {
		cartId: cart.id,
		revision: cart.revision,
		currency: cart.currency,
		lines,
		subtotal: cart.subtotal,
		itemCount: cart.itemCount,
		couponCode: cart.couponCode,
		weightGrams,
	};
}

/** The order module's PlaceOrderInput lines (core/src/order PricedLine): unit prices as integers. */
export function toOrderLines(checkout: CheckoutCart) {
	return checkout.lines.map((l) => ({
		variantId: l.variantId,
		sku: l.sku,
		title: l.title,
		unitPrice: l.unitPrice.amount,
		quantity: l.quantity,
		weightGrams: l.weightGrams,
		...(l.slot ? { slot: l.slot } : {}),
		...(l.cancelCutoffHours !== undefined ? { cancelCutoffHours: l.cancelCutoffHours } : {}),
	}));
}
