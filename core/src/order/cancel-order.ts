import type { OrderContext } from "./context";
import { type TransitionResult, transitionOrder } from "./transition";

/**
 * A customer (their own order only) or an admin cancels an unpaid order; order.cancelled tells
 * the inventory to release the reservation. A paid order is not cancelled here (refunds, issue 4).
 */
export function cancelOrder(
	ctx: OrderContext,
	id: string,
	by: { actor: string; ownerId?: string; reason?: string },
): Promise<TransitionResult> {
	return transitionOrder(
		ctx,
		id,
		{ to: "cancelled", from: ["pending_payment"], type: "order.cancelled", verb: "cancelled" },
		{ actor: by.actor, ownerId: by.ownerId, reason: by.reason ?? (by.ownerId ? "cancelled by the customer" : null) },
	);
}
