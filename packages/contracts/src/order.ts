import { Currency, Money } from "@bazaar/money";
import { z } from "zod";
import { CancelCutoffHours } from "./catalog";
import { UserId } from "./identity";
import { Slot } from "./inventory";
import { listPage, listQuery, TimeBound } from "./list";
import { GatewayName, Payment } from "./payment";
import { AppliedDiscount } from "./promotion";

// The order module's requests, responses and events. Types are inferred from
// these schemas, never written twice.

export const OrderId = z
	.string()
	.max(40)
	.regex(/^ord_[0-9A-Z]{26}$/, "an order id such as ord_01H…");

export const ORDER_STATUSES = [
	"pending_payment",
	"paid",
	"fulfilled",
	"delivered",
	"cancelled",
	"expired",
	"partially_refunded",
	"refunded",
] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** An order's state in a shopper's words (pages, the support bot). */
export const ORDER_STATUS_WORDS: Record<OrderStatus, string> = {
	pending_payment: "pending payment",
	paid: "paid",
	fulfilled: "shipped",
	delivered: "delivered",
	cancelled: "cancelled",
	expired: "expired",
	partially_refunded: "partially refunded",
	refunded: "refunded",
};

export const SHIPPING_METHODS = ["standard", "express"] as const;
export const ShippingMethod = z.enum(SHIPPING_METHODS);
export type ShippingMethod = z.infer<typeof ShippingMethod>;

/** ISO 3166-1 alpha-2, upper case. */
export const CountryCode = z
	.string()
	.trim()
	.transform((v) => v.toUpperCase())
	.pipe(z.string().regex(/^[A-Z]{2}$/, "a two-letter country code such as US"));

const text = (max: number) => z.string().trim().min(1).max(max);

/** State, province or county code where the country has them (US: "CA"); tax may depend on it. */
const Region = z
	.string()
	.trim()
	.max(10)
	.transform((v) => v.toUpperCase());

export const Address = z.strictObject({
	name: text(100),
	line1: text(200),
	line2: z.string().trim().max(200).optional(),
	city: text(100),
	region: Region.optional(),
	postalCode: text(20),
	country: CountryCode,
	phone: z.string().trim().max(40).optional(),
});
export type Address = z.infer<typeof Address>;

/**
 * Who pays and where, for an order with nothing to ship (digital goods, booked services): a name
 * for the receipt and the country (and region) its tax is computed from. An order that ships
 * takes these from its shipping address.
 */
export const Billing = z.strictObject({
	name: text(100),
	country: CountryCode,
	region: Region.optional(),
});
export type Billing = z.infer<typeof Billing>;

/** The billing details an address gives. */
export function billingOf(address: Address): Billing {
	return {
		name: address.name,
		country: address.country,
		...(address.region !== undefined ? { region: address.region } : {}),
	};
}

export const MAX_ORDER_LINES = 100;
export const MAX_LINE_QUANTITY = 999;
/** No single unit costs more than this many minor units (keeps every total a safe integer). */
export const MAX_UNIT_PRICE = 100_000_000;

/**
 * One line as the checkout workflow priced it from the catalog (never from the browser).
 * The order recomputes line totals, shipping, tax and the total itself.
 */
export const PricedLine = z.strictObject({
	variantId: text(64),
	sku: text(64),
	title: text(300),
	unitPrice: z.number().int().min(0).max(MAX_UNIT_PRICE),
	quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
	/** Shipping weight of one unit in grams (0 for digital goods and services). */
	weightGrams: z.number().int().min(0).max(1_000_000).default(0),
	/** Set when the line was bought in a flash sale: the item whose price and hold it took. */
	flashItemId: z.string().max(40).optional(),
	/** A service booked by appointment: the slot's start (UTC ISO, as the inventory holds it). */
	slot: z.iso.datetime().optional(),
	/** A booked slot: the merchant's cut-off for changes when it was sold (hours before the slot). */
	cancelCutoffHours: CancelCutoffHours.optional(),
	/** The catalog's price of one unit when a sale price set unitPrice; absent otherwise. */
	listUnitPrice: z.number().int().min(0).max(MAX_UNIT_PRICE).optional(),
	/** The promotion module's discounts on this line (which rule, how much), order-level ones pro-rated. */
	discounts: z.array(AppliedDiscount).max(20).default([]),
});
export type PricedLine = z.input<typeof PricedLine>;

/** Chosen by the caller (the shopper's Idempotency-Key header, or a flash-sale reservation id). */
export const IdempotencyKey = z
	.string()
	.min(8)
	.max(200)
	.regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

export const PlaceOrderInput = z
	.strictObject({
		customerId: text(64),
		email: z.string().trim().max(254).pipe(z.email("a valid email address")),
		idempotencyKey: IdempotencyKey,
		/** Allocated by the workflow before it reserves stock (inventory reservations name their order). */
		orderId: OrderId.optional(),
		currency: Currency,
		lines: z.array(PricedLine).min(1).max(MAX_ORDER_LINES),
		/** Where the parcel goes; null when nothing in the order ships (then billing is required). */
		address: Address.nullable(),
		/** Null exactly when address is. */
		shippingMethod: ShippingMethod.nullable(),
		/** For an order that ships nothing: the name and the tax country. Ignored when there is an address. */
		billing: Billing.optional(),
		reservationId: z
			.string()
			.min(1)
			.max(64)
			.regex(/^[A-Za-z0-9_-]+$/),
		/** Every promotion rule that applied (order-level ones once), for the order's record. */
		promotions: z.array(AppliedDiscount).max(50).default([]),
		/** The free-shipping rule that applies: the order's shipping costs nothing. */
		freeShipping: AppliedDiscount.nullable().default(null),
		/** The coupon redeemed for this order. */
		couponCode: z.string().max(40).nullable().default(null),
	})
	.refine((o) => (o.address === null) === (o.shippingMethod === null), {
		message: "an order that ships has an address and a shipping method; one that does not has neither",
		path: ["shippingMethod"],
	})
	.refine((o) => o.address !== null || o.billing !== undefined, {
		message: "an order that ships nothing needs billing (name and country)",
		path: ["billing"],
	});
export type PlaceOrderInput = z.input<typeof PlaceOrderInput>;

export const OrderLine = z.object({
	variantId: z.string(),
	sku: z.string(),
	title: z.string(),
	unitPrice: z.number().int(),
	quantity: z.number().int(),
	weightGrams: z.number().int(),
	/** unitPrice × quantity (unitPrice is the sale price when one applied). */
	lineTotal: z.number().int(),
	flashItemId: z.string().optional(),
	/** A booked service's slot start (UTC); its calendar invitation goes with the confirmation mail. */
	slot: z.string().optional(),
	/** A booking's calendar revision (SEQUENCE): 0 as booked, +1 per reschedule. Absent: 0. */
	bookingSequence: z.number().int().optional(),
	/** A booking the shopper cancelled (its place was given back and the line refunded). Absent: booked. */
	bookingStatus: z.enum(["booked", "cancelled"]).optional(),
	/**
	 * The cut-off for changes as sold (hours before the slot): the terms the shopper bought under,
	 * whatever the merchant sets later. Absent (orders from before it was kept): the service's current one.
	 */
	cancelCutoffHours: z.number().int().optional(),
	/** The list price of one unit, when a sale price applied (orders placed before promotions: absent). */
	listUnitPrice: z.number().int().optional(),
	/** Which promotion rules took how much off this line. */
	discounts: z.array(AppliedDiscount).optional(),
	/** Σ discounts: what the line costs is lineTotal − discountTotal (before tax). */
	discountTotal: z.number().int().optional(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const Totals = z.object({
	currency: Currency,
	subtotal: z.number().int(),
	shipping: z.number().int(),
	tax: z.number().int(),
	/** Basis points applied to subtotal + shipping. */
	taxRateBp: z.number().int(),
	discount: z.number().int(),
	total: z.number().int(),
});
export type Totals = z.infer<typeof Totals>;

export const Transition = z.object({
	from: OrderStatus.nullable(),
	to: OrderStatus,
	at: z.string(),
	actor: z.string(),
	reason: z.string().nullable(),
});
export type Transition = z.infer<typeof Transition>;

export const Order = z.object({
	id: OrderId,
	customerId: z.string(),
	email: z.string(),
	status: OrderStatus,
	currency: Currency,
	lines: z.array(OrderLine),
	/** Where it ships; null: nothing in it ships (digital goods, booked services). */
	address: Address.nullable(),
	shippingMethod: ShippingMethod.nullable(),
	/** The name and the country its tax was computed from (the shipping address's when it ships). */
	billing: Billing,
	subtotal: z.number().int(),
	shippingAmount: z.number().int(),
	taxAmount: z.number().int(),
	taxRateBp: z.number().int(),
	discountAmount: z.number().int(),
	total: z.number().int(),
	/** The promotion rules that applied (sale prices, discounts, free shipping) and the coupon. */
	promotions: z.object({
		applied: z.array(AppliedDiscount),
		couponCode: z.string().nullable(),
		/** What shipping would have cost without a free-shipping rule. */
		shippingDiscount: z.number().int(),
	}),
	reservationId: z.string(),
	paymentGateway: z.string().nullable(),
	paymentReference: z.string().nullable(),
	paymentId: z.string().nullable(),
	trackingNumber: z.string().nullable(),
	/** Refunded so far (cumulative, minor units of the order's currency), as the gateway reported it. */
	refundedAmount: z.number().int(),
	createdAt: z.string(),
	updatedAt: z.string(),
	expiresAt: z.string(),
});
export type Order = z.infer<typeof Order>;

/** An order with its timeline (detail pages, admins). */
export const OrderDetail = Order.extend({ timeline: z.array(Transition) });
export type OrderDetail = z.infer<typeof OrderDetail>;

export const OrderSummary = Order.pick({
	id: true,
	customerId: true,
	email: true,
	status: true,
	currency: true,
	total: true,
	paymentGateway: true,
	createdAt: true,
	updatedAt: true,
}).extend({ itemCount: z.number().int() });
export type OrderSummary = z.infer<typeof OrderSummary>;

/** A customer's own orders: newest first, a page at a time. */
export const ListOrdersQuery = listQuery({});
export type ListOrdersQuery = z.infer<typeof ListOrdersQuery>;

/** Staff: every order, newest first, narrowed by status, creation time, customer and gateway. */
export const AdminOrderQuery = listQuery({
	status: OrderStatus.optional(),
	/** Created at or after (a date or an ISO date-time). */
	from: TimeBound.optional(),
	/** Created before. */
	to: TimeBound.optional(),
	customer: UserId.optional(),
	gateway: GatewayName.optional(),
});
export type AdminOrderQuery = z.infer<typeof AdminOrderQuery>;

export const OrderList = listPage(OrderSummary);
export type OrderList = z.infer<typeof OrderList>;

/** order.payment_conflict's data: the order as it stands, why the payment could not settle it, and the payment. */
export const PaymentConflictEventData = z.object({
	orderId: z.string(),
	reason: z.string(),
	conflictingPayment: z.object({
		orderId: z.string(),
		paymentId: z.string(),
		gateway: z.string(),
		reference: z.string(),
		amount: Money,
	}),
});
export type PaymentConflictEventData = z.infer<typeof PaymentConflictEventData>;

/** What a payment.succeeded event tells the order (the lead's bus consumer passes event.data). */
export const PaymentReceived = z.object({
	orderId: z.string().min(1).max(64),
	paymentId: z.string().min(1).max(64),
	gateway: z.string().min(1).max(40),
	reference: z.string().min(1).max(200),
	amount: Money,
});
export type PaymentReceived = z.infer<typeof PaymentReceived>;

export const MarkPaidResult = z.discriminatedUnion("result", [
	z.object({ result: z.literal("paid"), order: Order }),
	/** The same payment again (a redelivered event): nothing changed. */
	z.object({ result: z.literal("already_paid"), order: Order }),
	/**
	 * The payment cannot settle this order (expired, cancelled, paid by another charge, wrong
	 * amount): it is recorded in payment_conflicts and an order.payment_conflict event asks for
	 * a refund. Not an error, so a bus consumer acknowledges it instead of retrying forever.
	 */
	z.object({ result: z.literal("conflict"), reason: z.string(), order: Order.nullable() }),
]);
export type MarkPaidResult = z.infer<typeof MarkPaidResult>;

export const CancelInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const FulfilInput = z.strictObject({
	trackingNumber: z.string().trim().min(1).max(100).optional(),
	reason: z.string().trim().min(1).max(500).optional(),
});
export const DeliverInput = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

// ---- events (bus envelopes: source "order", key = order id) --------------------------------------

export const ORDER_EVENT_TYPES = [
	"order.placed",
	"order.paid",
	"order.cancelled",
	"order.expired",
	"order.fulfilled",
	"order.delivered",
	"order.payment_conflict",
	"order.partially_refunded",
	"order.refunded",
	/** The shopper cancelled a booked line (`bookingLine`): the auto-refunds consumer refunds it. */
	"order.booking_cancelled",
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** Every order event carries enough for its consumers without a read back. */
export const OrderEventData = z.object({
	orderId: OrderId,
	customerId: z.string(),
	status: OrderStatus,
	reservationId: z.string(),
	total: Money,
	lines: z.array(
		z.object({
			sku: z.string(),
			variantId: z.string(),
			quantity: z.number().int(),
			flashItemId: z.string().optional(),
		}),
	),
	paymentId: z.string().nullable().optional(),
	reason: z.string().nullable().optional(),
	/** Refund events: everything refunded so far. */
	refundedAmount: z.number().int().optional(),
	/** order.booking_cancelled: the index of the cancelled line in the order. */
	bookingLine: z.number().int().min(0).optional(),
});
export type OrderEventData = z.infer<typeof OrderEventData>;

// ---- refunds ------------------------------------------------------------------------------------

/** The statuses a refund may start from and a refund webhook may move (money was taken). */
export const REFUNDABLE_STATUSES = ["paid", "fulfilled", "delivered", "partially_refunded"] as const;

/** What a payment.refunded event tells the order (the bus consumer passes event.data). */
export const RefundReceived = z.object({
	orderId: z.string().min(1).max(64),
	paymentId: z.string().min(1).max(64),
	gateway: z.string().min(1).max(40),
	/** Everything refunded on the payment so far (cumulative, so events may arrive in any order). */
	refundedAmount: z.number().int().min(0),
	/** The gateway says the payment is refunded in full. */
	full: z.boolean(),
});
export type RefundReceived = z.infer<typeof RefundReceived>;

export const RecordRefundResult = z.discriminatedUnion("result", [
	/** The order moved (or, partially refunded again, took the new amount). */
	z.object({ result: z.enum(["partially_refunded", "refunded"]), order: Order }),
	/** Already recorded at this amount or more (a late or repeated event): nothing changed. */
	z.object({ result: z.literal("stale"), order: Order }),
	/** Not a refund of this order's payment (a conflicting charge given back), or no such order. */
	z.object({ result: z.literal("ignored"), reason: z.string(), order: Order.nullable() }),
	/** A conflicting charge given back: recorded on its conflict and on the order's timeline. */
	z.object({ result: z.literal("conflict_refunded"), order: Order }),
	/** The payment of an order cancelled after it was paid, given back: recorded, still cancelled. */
	z.object({ result: z.literal("refunded_cancelled"), order: Order }),
	/** The order's payment is not settled on the order yet (its payment.succeeded is behind): retry. */
	z.object({ result: z.literal("not_settled"), order: Order }),
]);
export type RecordRefundResult = z.infer<typeof RecordRefundResult>;

/** POST /orders/admin/:id/refund (the admin refund workflow); the Idempotency-Key header is required. */
export const AdminRefundInput = z
	.strictObject({
		/** Minor units of the order's currency; omitted (and no lines): everything left on the payment. */
		amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
		/**
		 * Units to refund instead of an amount: each is refunded at what the shopper paid for it — its
		 * sale price less its share of every discount on its line, plus its tax (README: promotions).
		 */
		lines: z
			.array(
				z.strictObject({
					variantId: z.string().min(1).max(64),
					quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
				}),
			)
			.min(1)
			.max(MAX_ORDER_LINES)
			.optional(),
		/** When given, it must be the order's currency. */
		currency: z.string().length(3).optional(),
		reason: z.string().trim().min(1).max(500),
		/** Return the order's sold units to stock; only with a refund of everything left. */
		restock: z.boolean().default(false),
	})
	.refine((r) => r.amount === undefined || r.lines === undefined, {
		message: "send either amount or lines",
		path: ["lines"],
	});
export type AdminRefundInput = z.infer<typeof AdminRefundInput>;

export const REFUND_REQUEST_STATUSES = ["requested", "succeeded", "pending", "failed"] as const;

/** One admin refund request as the order keeps it (its Idempotency-Key answers the same again). */
export const RefundRequest = z.object({
	orderId: OrderId,
	idempotencyKey: z.string(),
	paymentId: z.string(),
	amount: Money,
	reason: z.string(),
	restock: z.boolean(),
	actor: z.string(),
	/** The gateway's refund id; null until the gateway has answered. */
	refundId: z.string().nullable(),
	status: z.enum(REFUND_REQUEST_STATUSES),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type RefundRequest = z.infer<typeof RefundRequest>;
export const RefundRequestList = z.object({ items: z.array(RefundRequest) });

/** 202 of the admin refund: the order and payment as they stand; their statuses move when the gateway's refund webhook lands. */
export const AdminRefundAnswer = z.object({
	order: Order,
	payment: Payment,
	refund: z.object({ refundId: z.string(), status: z.enum(["succeeded", "pending", "failed"]) }),
});
export type AdminRefundAnswer = z.infer<typeof AdminRefundAnswer>;

/**
 * A payment that could not settle its order (expired, cancelled, paid twice, wrong amount). It is
 * acted on automatically: the expired order revived and paid by it when its units could be
 * reserved again, otherwise the payment refunded through its gateway.
 */
export const PaymentConflict = z.object({
	paymentId: z.string(),
	orderId: z.string(),
	gateway: z.string(),
	reference: z.string(),
	/** Minor units of `currency`. */
	amount: z.number().int(),
	currency: z.string(),
	reason: z.string(),
	at: z.string(),
	/** null: not acted on yet. */
	resolution: z.enum(["revived", "refund_requested", "refunded"]).nullable(),
	/** What the gateway reported refunded on it so far. */
	refundedAmount: z.number().int(),
});
export type PaymentConflict = z.infer<typeof PaymentConflict>;
/** GET /orders/admin/:id/payment-conflicts answers a bare array, oldest first. */
export const PaymentConflictList = z.array(PaymentConflict);

/** Staff: every payment conflict, newest first; `resolution=open` for those not acted on yet. */
export const PaymentConflictQuery = listQuery({
	resolution: z.enum(["open", "revived", "refund_requested", "refunded"]).optional(),
});
export type PaymentConflictQuery = z.infer<typeof PaymentConflictQuery>;
export const PaymentConflictPage = listPage(PaymentConflict);
export type PaymentConflictPage = z.infer<typeof PaymentConflictPage>;
// ---- guest orders ---------------------------------------------------------------------------------

/** The key of a guest order's link (mailed; ?key= on the storefront) travels to the core in this header. */
export const GUEST_ORDER_KEY_HEADER = "x-bazaar-order-key";
/** A guest order link's key: base64url HMAC-SHA256. */
export const GuestOrderKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "the key from the order's link");

/** Find a guest order again: its number and the email it was placed with. */
export const GuestOrderLookup = z.strictObject({
	orderId: z.string().trim().min(1).max(64),
	email: z.string().trim().min(1).max(254),
});
export type GuestOrderLookup = z.infer<typeof GuestOrderLookup>;

/** What a lookup answers: the order and the key of its link. */
export const GuestOrderAccess = z.object({ orderId: OrderId, key: GuestOrderKey });
export type GuestOrderAccess = z.infer<typeof GuestOrderAccess>;
/** The storefront's answer to a lookup (POST /api/orders/lookup): the key and the order's page. */
export const GuestOrderLink = GuestOrderAccess.extend({ href: z.string() });
export type GuestOrderLink = z.infer<typeof GuestOrderLink>;

// ---- managing a booking (workflows/manage-booking.ts) ------------------------------------------

/** The merchant's default cut-off when a service does not set one: changes close a day before. */
export const DEFAULT_CANCEL_CUTOFF_HOURS = 24;

/** One booked line of an order as its owner may manage it. `line` is its index in the order. */
export const Booking = z.object({
	line: z.number().int(),
	variantId: z.string(),
	sku: z.string(),
	title: z.string(),
	quantity: z.number().int(),
	slot: z.string(),
	status: z.enum(["booked", "cancelled"]),
	sequence: z.number().int(),
	/** Reschedule and cancel are open until this instant (the slot less the service's cut-off). */
	changeableUntil: z.string(),
	/** Whether the shopper may reschedule or cancel it now (booked, paid, before the cut-off). */
	changeable: z.boolean(),
});
export type Booking = z.infer<typeof Booking>;
export const BookingList = z.object({ items: z.array(Booking) });
export type BookingList = z.infer<typeof BookingList>;

/** `POST /orders/:id/bookings/:line/reschedule`: the new slot (same service; UTC, on the hour). */
export const RescheduleInput = z.strictObject({ slot: Slot });
export type RescheduleInput = z.input<typeof RescheduleInput>;

/** What a reschedule or a cancel answers: the booking as it now stands. */
export const BookingAnswer = z.object({ booking: Booking, changed: z.boolean() });
export type BookingAnswer = z.infer<typeof BookingAnswer>;
