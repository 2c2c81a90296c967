import type { Order } from "@bazaar/contracts/order";
import { ValidationError } from "../../lib/errors";
import { taxOn } from "./tax";

// What refunding some units of an order gives back: what the shopper paid for them. A line's
// discounts (its own, and its pro-rated share of order-level ones, both recorded on the line when
// the order was placed) are pro-rated over its units, so refunding one of three discounted units
// returns a third of the discounted line, never its list price; the order's tax rate is added.
// Shipping is not refunded per unit. Integers only; a part of a line rounds down (the shop never
// refunds more than was paid, and the order's refund cap holds the total).

export function lineRefundAmount(
	order: Pick<Order, "lines" | "taxRateBp">,
	lines: { variantId: string; quantity: number }[],
): number {
	let goods = 0;
	const asked = new Map<string, number>();
	for (const l of lines) asked.set(l.variantId, (asked.get(l.variantId) ?? 0) + l.quantity);
	for (const [variantId, quantity] of asked) {
		const line = order.lines.find((x) => x.variantId === variantId);
		if (!line) {
			throw new ValidationError("That line is not on this order.", [
				{ path: "lines", message: `no line ${variantId}` },
			]);
		}
		if (quantity > line.quantity) {
			throw new ValidationError(`The order has ${line.quantity} of that line.`, [
				{ path: "lines", message: `at most ${line.quantity} of ${variantId}` },
			]);
		}
		const net = line.lineTotal - (line.discountTotal ?? 0);
		// The whole line refunds its net exactly; part of it, its share rounded down.
		goods += Math.floor((net * quantity) / line.quantity);
	}
	return goods + taxOn(goods, order.taxRateBp);
}
