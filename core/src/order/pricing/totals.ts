import type { Address, OrderLine, PricedLine, ShippingMethod, Totals } from "@bazaar/contracts/order";
import { shippingRate, totalWeightGrams } from "./shipping";
import { taxOn, taxRateBp } from "./tax";

// An order's money, computed on the server only from lines the checkout priced from the catalog.
// Nothing here trusts a total, a tax or a shipping amount from any client.

export function priceLines(lines: PricedLine[]): OrderLine[] {
	return lines.map((l) => ({ ...l, lineTotal: l.unitPrice * l.quantity }));
}

export function computeTotals(input: {
	currency: string;
	lines: PricedLine[];
	address: Pick<Address, "country" | "region">;
	shippingMethod: ShippingMethod;
}): { lines: OrderLine[]; totals: Totals } {
	const lines = priceLines(input.lines);
	const subtotal = lines.reduce((sum, l) => sum + l.lineTotal, 0);
	const shipping = shippingRate({
		method: input.shippingMethod,
		country: input.address.country,
		currency: input.currency,
		weightGrams: totalWeightGrams(lines),
		subtotal,
	}).amount;
	const bp = taxRateBp(input.address.country, input.address.region);
	const discount = 0;
	const tax = taxOn(subtotal + shipping - discount, bp);
	const total = subtotal + shipping + tax - discount;
	if (!Number.isSafeInteger(total)) throw new RangeError("order total out of range");
	return {
		lines,
		totals: { currency: input.currency, subtotal, shipping, tax, taxRateBp: bp, discount, total },
	};
}
