import type {
	CancelShipmentInput,
	CarrierWebhookResult,
	CreateShipmentInput,
	ListShipmentsQuery,
	ShipInput,
	ShipmentDetail,
	ShipmentList,
} from "@bazaar/contracts/fulfillment";
import type { TxDb } from "../lib/db";
import { type CancelOrderShipmentResult, cancelOrderShipmentIn, cancelShipment } from "./cancel-shipment";
import { handleCarrierWebhook } from "./carrier-webhook";
import { type FulfillmentContext, type FulfillmentContextOptions, iso, openFulfillmentContext } from "./context";
import { type CreateShipmentResult, createShipment, createShipmentIn } from "./create-shipment";
import { deliverShipment } from "./deliver-shipment";
import { getShipment, listOrderShipments } from "./get-shipment";
import { listShipments } from "./list-shipments";
import { shipShipment } from "./ship-shipment";

// Wires the fulfillment module: its database and its verbs bound to it. Shipments are created by
// the order.paid flow (core/src/workflows/consumers.ts), moved by admins and carrier webhooks,
// cancelled while pending by admins or the order.refunded flow,
// and every change goes out on the bus through the module's outbox.

export type FulfillmentModuleOptions = FulfillmentContextOptions;

export interface FulfillmentModule {
	context: FulfillmentContext;
	createShipment(input: CreateShipmentInput): Promise<CreateShipmentResult>;
	/** createShipment inside a caller's write transaction on this module's database (handleOnce). */
	createShipmentIn(tx: TxDb, input: CreateShipmentInput): Promise<CreateShipmentResult>;
	getShipment(id: string): Promise<ShipmentDetail>;
	/** With ownerId (a customer), none of theirs is a 404. */
	listOrderShipments(orderId: string, ownerId?: string): Promise<ShipmentList>;
	/** Staff: every shipment newest first, by order, status and kind, a page at a time. */
	listShipments(query?: Partial<ListShipmentsQuery>): Promise<ShipmentList>;
	ship(id: string, input: ShipInput, actor: string): Promise<ShipmentDetail>;
	deliver(id: string, input: { reason?: string }, actor: string): Promise<ShipmentDetail>;
	/** A pending shipment → cancelled; cancelled again: unchanged; anything else: 409. */
	cancel(id: string, input: CancelShipmentInput, actor: string): Promise<ShipmentDetail>;
	/**
	 * The order's shipment → cancelled if it is still pending, inside a caller's write transaction
	 * on this module's database (handleOnce); one past pending is kept and said so in the result.
	 */
	cancelOrderShipmentIn(
		tx: TxDb,
		orderId: string,
		change: { actor: string; reason: string },
	): Promise<CancelOrderShipmentResult>;
	/** Verifies, de-duplicates and applies a carrier's webhook; throws 400 when it is not genuine. */
	handleCarrierWebhook(rawBody: string, headers: Headers): Promise<CarrierWebhookResult>;
	stop(): Promise<void>;
}

export async function openFulfillment(options: FulfillmentModuleOptions): Promise<FulfillmentModule> {
	const ctx = await openFulfillmentContext(options);
	return {
		context: ctx,
		createShipment: (input) => createShipment(ctx, input),
		createShipmentIn: (tx, input) => createShipmentIn(tx, iso(ctx.now()), input),
		getShipment: (id) => getShipment(ctx, id),
		listOrderShipments: (orderId, ownerId) => listOrderShipments(ctx, orderId, ownerId),
		listShipments: (query) => listShipments(ctx, query),
		ship: (id, input, actor) => shipShipment(ctx, id, input, actor),
		deliver: (id, input, actor) => deliverShipment(ctx, id, input, actor),
		cancel: (id, input, actor) => cancelShipment(ctx, id, input, actor),
		cancelOrderShipmentIn: (tx, orderId, change) => cancelOrderShipmentIn(tx, iso(ctx.now()), orderId, change),
		handleCarrierWebhook: (rawBody, headers) => handleCarrierWebhook(ctx, rawBody, headers),
		async stop() {
			await ctx.database.close();
		},
	};
}
