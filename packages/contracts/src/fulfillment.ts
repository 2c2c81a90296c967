import { z } from "zod";
import { listPage, listQuery } from "./list";
import { Address, OrderId } from "./order";

// The fulfillment module's requests, responses, carrier webhooks and events. Types are inferred
// from these schemas, never written twice.

export const ShipmentId = z
	.string()
	.max(40)
	.regex(/^shp_[0-9A-Z]{26}$/, "a shipment id such as shp_01H…");

/**
 * pending → shipped → in_transit → delivered; a carrier may also report failed (the delivery
 * could not be made) and returned (back at the sender). A shipment not handed to a carrier yet
 * may be cancelled (pending → cancelled: its order was refunded in full, or an admin said so).
 * Status only ever moves forward.
 */
export const SHIPMENT_STATUSES = [
	"pending",
	"shipped",
	"in_transit",
	"delivered",
	"failed",
	"returned",
	"cancelled",
] as const;
export const ShipmentStatus = z.enum(SHIPMENT_STATUSES);
export type ShipmentStatus = z.infer<typeof ShipmentStatus>;

/**
 * "parcel": physical lines a carrier takes. "digital": an order with only digital goods and
 * services — nothing to carry, so its shipment is created already delivered (the order goes
 * paid → fulfilled → delivered at once).
 */
export const SHIPMENT_KINDS = ["parcel", "digital"] as const;
export const ShipmentKind = z.enum(SHIPMENT_KINDS);
export type ShipmentKind = z.infer<typeof ShipmentKind>;

/** The built-in carrier: the default of `ship`, with tracking numbers we generate. */
export const BUILTIN_CARRIER = "bazaar-post";

export const CarrierName = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, "a carrier name such as bazaar-post or ups"));

export const TrackingNumber = z
	.string()
	.trim()
	.pipe(z.string().regex(/^[A-Za-z0-9-]{4,64}$/, "4–64 letters, digits or dashes"));

export const ShipmentLine = z.object({
	variantId: z.string(),
	sku: z.string(),
	title: z.string(),
	quantity: z.number().int(),
});
export type ShipmentLine = z.infer<typeof ShipmentLine>;

export const ShipmentChange = z.object({
	from: ShipmentStatus.nullable(),
	to: ShipmentStatus,
	at: z.string(),
	/** A user id (admin), `carrier:<name>`, or `fulfillment` (the module itself). */
	actor: z.string(),
	reason: z.string().nullable(),
});
export type ShipmentChange = z.infer<typeof ShipmentChange>;

export const Shipment = z.object({
	id: ShipmentId,
	orderId: OrderId,
	customerId: z.string(),
	kind: ShipmentKind,
	status: ShipmentStatus,
	carrier: z.string().nullable(),
	trackingNumber: z.string().nullable(),
	shippingMethod: z.string().nullable(),
	lines: z.array(ShipmentLine),
	/** Where it goes (null for a digital shipment). */
	address: Address.nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
	shippedAt: z.string().nullable(),
	deliveredAt: z.string().nullable(),
});
export type Shipment = z.infer<typeof Shipment>;

/** A shipment with its history (every change of status: when, who, why). */
export const ShipmentDetail = Shipment.extend({ history: z.array(ShipmentChange) });
export type ShipmentDetail = z.infer<typeof ShipmentDetail>;

export const ShipmentList = listPage(ShipmentDetail);
export type ShipmentList = z.infer<typeof ShipmentList>;

/** What the order.paid flow hands the module: the order's lines already sorted by kind. */
export const CreateShipmentInput = z.strictObject({
	orderId: OrderId,
	customerId: z.string().min(1).max(64),
	shippingMethod: z.string().min(1).max(40).nullable(),
	address: Address.nullable(),
	/** Lines a carrier takes (physical goods). Empty: a digital shipment, delivered at once. */
	physicalLines: z.array(ShipmentLine).max(100),
	/** Digital goods and services of the order (recorded on a digital shipment only). */
	otherLines: z.array(ShipmentLine).max(100),
});
export type CreateShipmentInput = z.input<typeof CreateShipmentInput>;

/** Staff: shipments newest first; `status=pending&kind=parcel` is what awaits dispatch. */
export const ListShipmentsQuery = listQuery({
	orderId: OrderId.optional(),
	status: ShipmentStatus.optional(),
	kind: ShipmentKind.optional(),
});
export type ListShipmentsQuery = z.infer<typeof ListShipmentsQuery>;

export const ShipInput = z.strictObject({
	/** Default: the built-in carrier. */
	carrier: CarrierName.optional(),
	/** Required for another carrier; generated for the built-in one when omitted. */
	trackingNumber: TrackingNumber.optional(),
	reason: z.string().trim().min(1).max(500).optional(),
});
export type ShipInput = z.infer<typeof ShipInput>;

export const DeliverInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

/** Cancelling a pending shipment: why (kept in its history). */
export const CancelShipmentInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export type CancelShipmentInput = z.infer<typeof CancelShipmentInput>;

// ---- the carrier webhook ---------------------------------------------------------------------------

/** Header `carrier-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const CARRIER_SIGNATURE_HEADER = "carrier-signature";
/** A signature older (or newer) than this is refused: a captured webhook cannot be replayed later. */
export const CARRIER_SIGNATURE_TOLERANCE_SECONDS = 300;

export const CARRIER_EVENT_STATUSES = ["shipped", "in_transit", "delivered", "failed", "returned"] as const;

export const CarrierEvent = z.strictObject({
	/** The carrier's own event id: webhooks are de-duplicated on it. */
	id: z.string().min(1).max(200),
	carrier: CarrierName,
	trackingNumber: TrackingNumber,
	status: z.enum(CARRIER_EVENT_STATUSES),
	occurredAt: z.iso.datetime(),
	/** Free text from the carrier ("left with neighbour", "depot Leeds"). */
	detail: z.string().max(500).optional(),
});
export type CarrierEvent = z.infer<typeof CarrierEvent>;

export const CarrierWebhookResult = z.object({
	received: z.literal(true),
	/** applied | duplicate (same event id again) | stale (not a forward move: acknowledged, ignored) */
	outcome: z.enum(["applied", "duplicate", "stale"]),
	shipmentId: z.string().nullable(),
	status: ShipmentStatus.nullable(),
});
export type CarrierWebhookResult = z.infer<typeof CarrierWebhookResult>;

// ---- events on the bus (source "fulfillment", key = order id) --------------------------------------

export const SHIPMENT_EVENT_TYPES = [
	"shipment.created",
	"shipment.shipped",
	"shipment.in_transit",
	"shipment.delivered",
	"shipment.failed",
	"shipment.returned",
	"shipment.cancelled",
] as const;
export type ShipmentEventType = (typeof SHIPMENT_EVENT_TYPES)[number];

export const ShipmentEventData = z.object({
	shipmentId: ShipmentId,
	orderId: OrderId,
	customerId: z.string(),
	kind: ShipmentKind,
	status: ShipmentStatus,
	carrier: z.string().nullable(),
	trackingNumber: z.string().nullable(),
	actor: z.string(),
});
export type ShipmentEventData = z.infer<typeof ShipmentEventData>;
