import { sql } from "drizzle-orm";
import type { OrderContext } from "./context";
import { type TransitionResult, transitionOrder } from "./transition";

/** Fulfilment (admin or the fulfillment module) shipped a paid order. */
export function markFulfilled(
	ctx: OrderContext,
	id: string,
	by: { actor: string; trackingNumber?: string; reason?: string },
): Promise<TransitionResult> {
	return transitionOrder(
		ctx,
		id,
		{
			to: "fulfilled",
			from: ["paid"],
			type: "order.fulfilled",
			verb: "marked fulfilled",
			set: by.trackingNumber ? sql`tracking_number = ${by.trackingNumber}` : undefined,
		},
		{ actor: by.actor, reason: by.reason },
	);
}

/** The carrier (through fulfillment's shipment.delivered) or an admin says it arrived. */
export function markDelivered(
	ctx: OrderContext,
	id: string,
	by: { actor: string; reason?: string },
): Promise<TransitionResult> {
	return transitionOrder(
		ctx,
		id,
		{ to: "delivered", from: ["fulfilled"], type: "order.delivered", verb: "marked delivered" },
		{ actor: by.actor, reason: by.reason },
	);
}
