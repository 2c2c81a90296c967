import { BUILTIN_CARRIER, ShipInput, type ShipmentDetail, ShipmentId } from "@bazaar/contracts/fulfillment";
import { ConflictError, NotFoundError, ServiceError } from "../lib/errors";
import { type FulfillmentContext, fulfillmentWrite, iso } from "./context";
import { loadShipment, withHistory } from "./records";
import { builtinTrackingNumber } from "./tracking";
import { transitionIn } from "./transition";

/**
 * An admin (or the warehouse, as a service) hands a pending parcel to a carrier: the built-in one
 * by default, with a tracking number generated for it; another carrier needs its own tracking
 * number. Shipping it again with no tracking number or the same one is a no-op (200 as it
 * stands); anything else on a shipment that is no longer pending is a 409.
 */
export async function shipShipment(
	ctx: FulfillmentContext,
	id: string,
	input: ShipInput,
	actor: string,
): Promise<ShipmentDetail> {
	if (!ShipmentId.safeParse(id).success) throw new NotFoundError("The shipment");
	const body = ShipInput.parse(input);
	const carrier = body.carrier ?? BUILTIN_CARRIER;
	if (carrier !== BUILTIN_CARRIER && !body.trackingNumber) {
		throw new ServiceError(422, `Shipping with ${carrier} needs its tracking number.`, [
			{ path: "trackingNumber", message: "required for a carrier other than the built-in one" },
		]);
	}
	const at = iso(ctx.now());
	return fulfillmentWrite(ctx, async (tx) => {
		const current = await loadShipment(tx, { id });
		if (!current) throw new NotFoundError("The shipment");
		if (current.kind === "digital") throw new ConflictError(`Shipment ${id} is digital: there is nothing to ship.`);
		if (current.status !== "pending") {
			const same =
				current.status === "shipped" &&
				(body.carrier === undefined || body.carrier === current.carrier) &&
				(body.trackingNumber === undefined || body.trackingNumber === current.trackingNumber);
			if (!same) throw new ConflictError(`Shipment ${id} is ${current.status}; it cannot be shipped again.`);
			return (await withHistory(tx, [current]))[0] as ShipmentDetail;
		}
		const outcome = await transitionIn(tx, current, {
			to: "shipped",
			at,
			actor,
			reason: body.reason ?? null,
			carrier,
			trackingNumber: body.trackingNumber ?? builtinTrackingNumber(),
		});
		return (await withHistory(tx, [outcome.shipment]))[0] as ShipmentDetail;
	});
}
