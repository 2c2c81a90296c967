import { DeliverInput, type ShipmentDetail, ShipmentId } from "@bazaar/contracts/fulfillment";
import { ConflictError, NotFoundError } from "../lib/errors";
import { type FulfillmentContext, fulfillmentWrite, iso } from "./context";
import { loadShipment, withHistory } from "./records";
import { transitionIn } from "./transition";

/**
 * An admin says a shipped parcel arrived (the carrier webhook is the other way). Delivered again
 * is a no-op; a parcel not shipped yet, or returned, is a 409.
 */
export async function deliverShipment(
	ctx: FulfillmentContext,
	id: string,
	input: { reason?: string },
	actor: string,
): Promise<ShipmentDetail> {
	if (!ShipmentId.safeParse(id).success) throw new NotFoundError("The shipment");
	const body = DeliverInput.parse(input);
	const at = iso(ctx.now());
	return fulfillmentWrite(ctx, async (tx) => {
		const current = await loadShipment(tx, { id });
		if (!current) throw new NotFoundError("The shipment");
		const outcome = await transitionIn(tx, current, { to: "delivered", at, actor, reason: body.reason ?? null });
		if (outcome.result === "refused") {
			const hint = current.status === "pending" ? " (ship it first)" : "";
			throw new ConflictError(`Shipment ${id} is ${current.status}; it cannot be marked delivered${hint}.`);
		}
		return (await withHistory(tx, [outcome.shipment]))[0] as ShipmentDetail;
	});
}
