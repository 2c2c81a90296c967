import type { Shortage } from "@bazaar/contracts/inventory";
import { ServiceError } from "../lib/errors";

// Inventory-specific failures. Both are ServiceErrors, so the core's shared error handler already
// renders them as problems; the inventory's routes add the structured `shortages` member.

export class OutOfStockError extends ServiceError {
	constructor(readonly shortages: Shortage[]) {
		const list = shortages
			.map((s) => `${s.sku}${s.slot ? ` @ ${s.slot}` : ""} (requested ${s.requested}, available ${s.available})`)
			.join("; ");
		super(
			409,
			`Not enough stock: ${list}.`,
			shortages.map((s) => ({
				path: s.slot ? `${s.sku}@${s.slot}` : s.sku,
				message: `requested ${s.requested}, available ${s.available}`,
			})),
		);
	}
}

/** Lines the inventory cannot act on (unknown SKU, a slot where none belongs, ...): 422. */
export class UnprocessableLinesError extends ServiceError {
	constructor(message: string, errors: { path: string; message: string }[]) {
		super(422, message, errors);
	}
}
