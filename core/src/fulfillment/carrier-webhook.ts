import { CARRIER_SIGNATURE_HEADER, CarrierEvent, type CarrierWebhookResult } from "@bazaar/contracts/fulfillment";
import { sql } from "drizzle-orm";
import { changes } from "../lib/db";
import { NotFoundError, ServiceError, ValidationError } from "../lib/errors";
import { verifyCarrierPayload } from "./carrier-signature";
import { type FulfillmentContext, fulfillmentWrite, iso } from "./context";
import { loadShipment } from "./records";
import { transitionIn } from "./transition";

// Carrier webhooks are at-least-once and unordered. Each one is verified (signature and age),
// claimed by the carrier's event id (a replay changes nothing) and applied only forward (a late
// "shipped" after "delivered" is acknowledged and ignored) — in one write transaction with the
// bus event it causes. The route answers 2xx only after that commit; a 4xx changes nothing.

export async function handleCarrierWebhook(
	ctx: FulfillmentContext,
	rawBody: string,
	headers: Headers,
): Promise<CarrierWebhookResult> {
	// Production without CARRIER_WEBHOOK_SECRET: no key, so no message can be genuine.
	if (ctx.carrierWebhookSecret === null) throw new ServiceError(404, "Carrier webhooks are off on this shop.");
	const verified = verifyCarrierPayload(
		ctx.carrierWebhookSecret,
		rawBody,
		headers.get(CARRIER_SIGNATURE_HEADER),
		Math.floor(ctx.now() / 1000),
	);
	if (!verified.ok) throw new ValidationError(`The carrier webhook is not genuine (${verified.reason}).`);
	let json: unknown;
	try {
		json = JSON.parse(rawBody);
	} catch {
		throw new ValidationError("The body is not valid JSON.");
	}
	const event = CarrierEvent.parse(json);
	const at = iso(ctx.now());
	return fulfillmentWrite(ctx, async (tx) => {
		// Unknown tracking numbers throw before anything is kept: the claim below rolls back with it.
		const shipment = await loadShipment(tx, { carrier: event.carrier, trackingNumber: event.trackingNumber });
		if (!shipment) throw new NotFoundError(`The ${event.carrier} shipment ${event.trackingNumber}`);
		const claimed = await tx.run(sql`INSERT INTO carrier_events (carrier, event_id, tracking_number, status, outcome,
				received_at)
			VALUES (${event.carrier}, ${event.id}, ${event.trackingNumber}, ${event.status}, 'applied', ${at})
			ON CONFLICT DO NOTHING`);
		if (changes(claimed) === 0) {
			return { received: true, outcome: "duplicate", shipmentId: shipment.id, status: shipment.status };
		}
		const outcome = await transitionIn(tx, shipment, {
			to: event.status,
			at,
			actor: `carrier:${event.carrier}`,
			reason: `${event.detail ?? event.status} (carrier event ${event.id} at ${event.occurredAt})`,
		});
		if (outcome.result !== "applied") {
			await tx.run(sql`UPDATE carrier_events SET outcome = 'stale'
				WHERE carrier = ${event.carrier} AND event_id = ${event.id}`);
			return { received: true, outcome: "stale", shipmentId: shipment.id, status: shipment.status };
		}
		return { received: true, outcome: "applied", shipmentId: shipment.id, status: outcome.shipment.status };
	});
}
