import type { VariantSummary } from "@bazaar/contracts";
import { ServiceError } from "../lib/errors";

// Cart-specific refusals. All ServiceErrors, so the core's one error handler renders them.

/** A variant that cannot go into a cart (archived, not sold in the cart's currency): 422. */
export class NotSellableError extends ServiceError {
	constructor(v: VariantSummary, reason: string) {
		super(422, `${label(v)} is ${reason}.`, [{ path: "variantId", message: reason }]);
	}
}

/** A variant the catalog no longer has: 422 (the line stays, flagged, until removed). */
export class GoneVariantError extends ServiceError {
	constructor(variantId: string) {
		super(422, `Variant ${variantId} is no longer available.`, [{ path: "variantId", message: "no longer available" }]);
	}
}

/** More units than the inventory has: 409, naming how many there are. */
export class NotEnoughStockError extends ServiceError {
	constructor(v: VariantSummary, message: string) {
		super(409, `${label(v)}: ${message}.`, [{ path: "quantity", message }]);
	}
}

/** A slot the line may not have, or lacks, or cannot be booked at (past, too far, off the hour): 422. */
export class SlotError extends ServiceError {
	constructor(v: VariantSummary, message: string) {
		super(422, `${label(v)}: ${message}.`, [{ path: "slot", message }]);
	}
}

/** A cart rule (lines per cart, units per line): 422. */
export class CartLimitError extends ServiceError {
	constructor(message: string, path: string) {
		super(422, message, [{ path, message }]);
	}
}

const label = (v: VariantSummary) => (v.variantTitle ? `${v.productTitle} (${v.variantTitle})` : v.productTitle);
