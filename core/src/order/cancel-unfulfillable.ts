import type { OrderContext } from "./context";
import { type TransitionResult, transitionOrder } from "./transition";

/**
 * A paid order that cannot be honoured: its payment was handled after its reservation had lapsed
 * and the units were gone by then (workflows/consumers.ts). paid → cancelled with a reason the
 * shopper reads on the order; order.cancelled (carrying the payment id) has the payment refunded
 * in full automatically and any pending shipment cancelled. Only from paid: once shipped, it is a
 * person's call. A repeat answers the order unchanged.
 */
export function cancelUnfulfillable(ctx: OrderContext, id: string, reason: string): Promise<TransitionResult> {
	return transitionOrder(
		ctx,
		id,
		{ to: "cancelled", from: ["paid"], type: "order.cancelled", verb: "cancelled" },
		{ actor: "system", reason },
	);
}
