import type { Address, OrderLine, PricedLine, ShippingMethod, Totals } from "@bazaar/contracts/order";
import { shippingRate, totalWeightGrams } from "./shipping";
import { taxOn, taxRateBp } from "./tax";

// An order's money, computed on the server only from lines the checkout priced from the catalog.
// Nothing here trusts a total, a tax or a shipping amount from any client.

export function priceLines(lines: PricedLine[]): OrderLine[] {
	return lines.map((l) => {
		const discounts = l.discounts ?? [];
		const lineTotal = l.unitPrice * l.quantity;
		const discountTotal = discounts.reduce((sum, d) => sum + d.amount, 0);
		if (discountTotal > lineTotal) throw new RangeError(`line ${l.variantId}: discounts exceed the line`);
		return {
			variantId: l.variantId,
			sku: l.sku,
			title: l.title,
			unitPrice: l.unitPrice,
			quantity: l.quantity,
			weightGrams: l.weightGrams ?? 0,
			lineTotal,
			...(l.flashItemId !== undefined ? { flashItemId: l.flashItemId } : {}),
			...(l.slot !== undefined ? { slot: l.slot } : {}),
			...(l.cancelCutoffHours !== undefined ? { cancelCutoffHours: l.cancelCutoffHours } : {}),
			...(l.listUnitPrice !== undefined ? { listUnitPrice: l.listUnitPrice } : {}),
			discounts,
			discountTotal,
		};
	});
}

/**
 * Discounts come from the promotion module, line by line (the workflow passes them in with the
 * lines); a free-shipping rule makes shipping 0 and the shipping it saved is kept apart. `address`
 * is where the tax is due (the shipping address, or for an order that ships nothing its billing
 * country); without a shipping method nothing ships and shipping costs nothing.
 */
export function computeTotals(input: {
	currency: string;
	lines: PricedLine[];
	address: Pick<Address, "country" | "region">;
	shippingMethod: ShippingMethod | null;
	freeShipping?: boolean;
}): { lines: OrderLine[]; totals: Totals; shippingDiscount: number } {
	const lines = priceLines(input.lines);
	const subtotal = lines.reduce((sum, l) => sum + l.lineTotal, 0);
	const discount = lines.reduce((sum, l) => sum + (l.discountTotal ?? 0), 0);
	const rate =
		input.shippingMethod === null
			? 0
			: shippingRate({
					method: input.shippingMethod,
					country: input.address.country,
					currency: input.currency,
					weightGrams: totalWeightGrams(lines),
					// The free-standard threshold counts what the goods cost after their discounts.
					subtotal: subtotal - discount,
				}).amount;
	const shipping = input.freeShipping ? 0 : rate;
	const bp = taxRateBp(input.address.country, input.address.region);
	const tax = taxOn(subtotal + shipping - discount, bp);
	const total = subtotal + shipping + tax - discount;
	if (!Number.isSafeInteger(total)) throw new RangeError("order total out of range");
	return {
		lines,
		totals: { currency: input.currency, subtotal, shipping, tax, taxRateBp: bp, discount, total },
		shippingDiscount: rate - shipping,
	};
}
