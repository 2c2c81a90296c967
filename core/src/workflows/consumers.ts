import { isFlashReservationId } from "@bazaar/contracts/flash";
import { ShipmentEventData, type ShipmentLine } from "@bazaar/contracts/fulfillment";
import { InventoryAvailabilityChanged } from "@bazaar/contracts/inventory";
import {
	type Order,
	OrderEventData,
	PaymentConflictEventData,
	PaymentReceived,
	type RefundReceived,
} from "@bazaar/contracts/order";
import { PaymentRefundedData } from "@bazaar/contracts/payment";
import { type Bus, handleOnce, RetryLater } from "../bus";
import type { CatalogModule } from "../catalog/module";
import { setStockFlags } from "../catalog/set-stock-flags";
import type { CrashPoint } from "../config";
import type { FulfillmentModule } from "../fulfillment/module";
import { OutOfStockError, UnprocessableLinesError } from "../inventory/errors";
import type { Inventory } from "../inventory/module";
import { ConflictError, NotFoundError } from "../lib/errors";
import type { OrderModule } from "../order/module";
import { conflictWhy } from "../order/note-conflict-refund";
import type { PaymentModule } from "../payment/module";
import type { PromotionModule } from "../promotion/module";
import { catalogPort } from "./cart-ports";
import type { FlashWorkflow } from "./flash";
import type { BookingWorkflow } from "./manage-booking";

// The flows on the bus (DESIGN.md flow 3). Delivery is at-least-once, so every handler is
// idempotent: the order through its inbox (handleOnce, in the order database), the inventory
// through its reservations' state machine (a commit or release settles a reservation once;
// a repeat answers it as it stands), the catalog flag by setting a value, never toggling it,
// the shipment through its inbox and its one-per-order UNIQUE (and its cancel through the inbox
// and the forward-only status: cancelled stays cancelled), the order's fulfilled/delivered
// through its state machine (a repeat answers the order as it stands).
// A handler that throws is retried with backoff and dead-lettered after maxDeliveries (logged at
// error; GET /bus/admin/dead-letters); one whose event waits for another still in flight throws
// RetryLater and waits as long as that can take.

export interface ConsumerDeps {
	catalog: CatalogModule;
	inventory: Inventory;
	orders: OrderModule;
	payments: Pick<PaymentModule, "refundRest">;
	fulfillment: FulfillmentModule;
	/** Optional so a core without coupons (older tests) composes. */
	promotions?: Pick<PromotionModule, "context" | "releaseForOrderIn" | "reholdForOrderIn">;
	/** How long a lapsed reservation taken again for a late payment is held before it is committed. */
	reservationTtlMs: number;
	/** Flash-sale orders settle against their item's hold and shards instead of a reservation. */
	flash?: Pick<FlashWorkflow, "settle">;
	/** Refunds a booking the shopper cancelled (optional so a core without bookings composes). */
	bookings?: Pick<BookingWorkflow, "refundCancelled">;
}

export const CONSUMER_GROUPS = {
	order: "order",
	orderRefunds: "order-refunds",
	inventory: "inventory",
	catalogStock: "catalog-stock",
	fulfillment: "fulfillment",
	fulfillmentRefunds: "fulfillment-refunds",
	orderShipments: "order-shipments",
	autoRefunds: "auto-refunds",
	promotionCoupons: "promotion-coupons",
} as const;

/** Who cancels a refunded order's shipment, and why (its history row). */
const REFUND_CANCEL = { actor: "fulfillment", reason: "order refunded in full before it shipped" };
/** …and a paid order's that was cancelled because its items were gone. */
const UNFULFILLABLE_CANCEL = { actor: "fulfillment", reason: "order cancelled: its items were no longer available" };
/** What the shopper reads on a paid order that could not be honoured. */
export const UNFULFILLABLE_REASON =
	"Sorry, the items sold out before your payment reached us. Your payment is refunded in full automatically.";

/** The idempotency key of a payment's automatic refund: one per payment, whatever asks for it. */
export const autoRefundKey = (paymentId: string) => `auto-refund:${paymentId}`;

export interface ConsumerOptions {
	pollMs?: number;
	/** Retry backoff (tests shorten it; the bus's defaults otherwise). */
	backoffMs?: number;
	maxBackoffMs?: number;
	/** A delivery unacknowledged this long belongs to a dead consumer (BUS_IDLE_TIMEOUT_MS). */
	idleTimeoutMs?: number;
	/** TEST ONLY (BAZAAR_TEST_CRASH_AFTER): kills the process when called with the configured point. */
	crashPoint?: (point: CrashPoint) => void;
}

export function subscribeConsumers(bus: Bus, deps: ConsumerDeps, options: ConsumerOptions = {}): void {
	const tuning = {
		...(options.pollMs ? { pollMs: options.pollMs } : {}),
		...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
		...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
		...(options.maxBackoffMs ? { maxBackoffMs: options.maxBackoffMs } : {}),
	};
	const crashPoint = options.crashPoint ?? (() => {});

	// payment.succeeded → the order is paid (or the payment is recorded as a conflict to refund).
	bus.subscribe(
		CONSUMER_GROUPS.order,
		["payment.succeeded"],
		async (event) => {
			const payment = PaymentReceived.parse(event.data);
			const done = await handleOnce(
				deps.orders.context.database,
				event.id,
				(tx) => deps.orders.markPaidIn(tx, payment),
				{ consumer: CONSUMER_GROUPS.order },
			);
			if (!done.applied) return;
			if (done.result.result === "paid") crashPoint("order-paid-commit");
			if (done.result.result === "conflict") {
				console.warn(`[order] payment ${payment.paymentId} cannot settle ${payment.orderId}: ${done.result.reason}`);
			}
		},
		tuning,
	);

	// payment.refunded → the order records the cumulative refund (partially_refunded / refunded).
	// A refund of a payment the order has not heard of yet (its payment.succeeded is behind) waits
	// for it (RetryLater: retried with backoff, never dead-lettered while that event is on its way);
	// one of another payment (a conflicting charge given back) is acknowledged and said.
	bus.subscribe(
		CONSUMER_GROUPS.orderRefunds,
		["payment.refunded"],
		async (event) => {
			const data = PaymentRefundedData.parse(event.data);
			const refund: RefundReceived = {
				orderId: data.orderId,
				paymentId: data.paymentId,
				gateway: data.gateway,
				refundedAmount: data.refundedAmount,
				full: data.status === "refunded",
			};
			const done = await handleOnce(
				deps.orders.context.database,
				event.id,
				async (tx) => {
					const recorded = await deps.orders.recordRefundIn(tx, refund);
					if (recorded.result === "not_settled") {
						throw new RetryLater(`refund of ${data.paymentId} arrived before ${data.orderId} heard of the payment`);
					}
					return recorded;
				},
				{ consumer: CONSUMER_GROUPS.orderRefunds },
			);
			if (!done.applied) return;
			if (done.result.result === "ignored") {
				console.warn(`[order] refund of ${data.paymentId} not recorded on ${data.orderId}: ${done.result.reason}`);
			}
		},
		tuning,
	);

	// order.paid → the reservation is committed; order.cancelled / order.expired → released.
	// A paid order whose reservation lapsed before order.paid was handled (the payment landed late)
	// never goes without stock behind it: the units are taken again if they are there, and
	// committed; if not, the order is cancelled with a reason the shopper reads, and order.cancelled
	// has its payment refunded (auto-refunds below) and its pending shipment cancelled.
	bus.subscribe(
		CONSUMER_GROUPS.inventory,
		["order.paid", "order.cancelled", "order.expired"],
		async (event) => {
			const data = OrderEventData.parse(event.data);
			const { reservationId, orderId } = data;
			if (isFlashReservationId(reservationId)) {
				if (deps.flash) await deps.flash.settle(event.type, data);
				else console.warn(`[inventory] ${event.type} for flash order ${orderId}: flash sales are not wired`);
				return;
			}
			try {
				if (event.type === "order.paid") {
					await commitPaid(orderId, reservationId);
					crashPoint("inventory-commit");
				} else await deps.inventory.release(reservationId);
			} catch (err) {
				// Retrying cannot help: a release of units already sold, or a reservation that does not
				// exist. Acknowledged, and said loudly.
				if (err instanceof ConflictError || err instanceof NotFoundError) {
					console.warn(`[inventory] ${event.type} for ${orderId}: ${err.message}`);
					return;
				}
				throw err;
			}
		},
		tuning,
	);

	async function commitPaid(orderId: string, reservationId: string): Promise<void> {
		try {
			await deps.inventory.commit(reservationId);
			return;
		} catch (err) {
			// Released or expired: the hold lapsed before the payment was handled.
			if (!(err instanceof ConflictError)) throw err;
		}
		// Only an order still paid takes units again (a redelivery after it was cancelled must not).
		const order = await deps.orders.getOrder(orderId);
		if (order.status !== "paid") return;
		try {
			await deps.inventory.reclaim(reservationId, { ttlMs: deps.reservationTtlMs });
			await deps.inventory.commit(reservationId);
			console.warn(`[inventory] order ${orderId} was paid after its reservation lapsed: its units were taken again`);
		} catch (err) {
			if (!(err instanceof OutOfStockError || err instanceof UnprocessableLinesError)) throw err;
			await deps.orders.cancelUnfulfillable(orderId, UNFULFILLABLE_REASON);
			console.warn(`[inventory] order ${orderId} was paid after its units were sold: cancelled, its payment refunded`);
		}
	}

	// Payments the shop must give back, automatically and through their gateway (each refund is
	// keyed by the payment, so a redelivery asks once, and the payment module caps it at what was
	// captured):
	// - order.payment_conflict: a payment that could not settle its order (paid after the order
	//   expired or was cancelled, twice in two tabs, another amount). An order that merely expired
	//   is revived and paid by it when its units can be reserved again; every other one is refunded,
	//   and the order's timeline says so.
	// - order.cancelled of a paid order (it could not be honoured): its payment refunded in full.
	// - order.booking_cancelled: the shopper cancelled a booked line; that line is refunded (the
	//   refund workflow, one refund per line whoever asks how often).
	// Gateway outages are retried with backoff; a payment that cannot be refunded ends in the dead
	// letters (logged at error, listed for admins).
	bus.subscribe(
		CONSUMER_GROUPS.autoRefunds,
		["order.payment_conflict", "order.cancelled", "order.booking_cancelled"],
		async (event) => {
			if (event.type === "order.booking_cancelled") {
				const { orderId, bookingLine } = OrderEventData.parse(event.data);
				if (bookingLine === undefined || !deps.bookings) {
					throw new Error(`order.booking_cancelled ${event.id}: no line, or no booking workflow to refund it`);
				}
				await deps.bookings.refundCancelled(orderId, bookingLine);
				return;
			}
			if (event.type === "order.cancelled") {
				const { paymentId, reason } = OrderEventData.parse(event.data);
				// An unpaid order's cancellation: nothing was taken.
				if (!paymentId) return;
				await deps.payments.refundRest(
					paymentId,
					autoRefundKey(paymentId),
					`automatic: ${reason ?? "order cancelled"}`,
				);
				return;
			}
			const conflict = PaymentConflictEventData.parse(event.data);
			const payment = conflict.conflictingPayment;
			if (conflict.reason === "order_expired" && (await revive(payment))) return;
			await deps.payments.refundRest(
				payment.paymentId,
				autoRefundKey(payment.paymentId),
				`automatic: payment ${conflictWhy(conflict.reason)}`,
			);
			await deps.orders.noteConflictRefund(payment.paymentId);
		},
		{ ...tuning, maxDeliveries: 20 },
	);

	/** An expired order paid late is paid after all when its units can be held again; false: refund it. */
	async function revive(payment: PaymentConflictEventData["conflictingPayment"]): Promise<boolean> {
		const order = await deps.orders.getOrder(payment.orderId);
		if (order.paymentId === payment.paymentId) return true;
		if (order.status !== "expired" || order.paymentId !== null) return false;
		// A flash order's unit went back on sale when it expired: a late payment is refunded.
		if (isFlashReservationId(order.reservationId)) return false;
		try {
			await deps.inventory.reclaim(order.reservationId, { ttlMs: deps.reservationTtlMs });
		} catch (err) {
			if (err instanceof OutOfStockError || err instanceof UnprocessableLinesError || err instanceof ConflictError) {
				return false;
			}
			throw err;
		}
		const revived = await deps.orders.revive(payment);
		// Not revivable (another late payment revived it first): the units stay with that payment.
		return revived.result !== "not_revivable";
	}

	// order.expired / order.cancelled → the coupon the order redeemed is given back (its count goes
	// down, the shopper may use it again), once per event through the promotion module's inbox;
	// an order without a coupon finds nothing to give back. order.paid of an order that had
	// expired (a late payment revived it) takes its redemption again.
	const promotions = deps.promotions;
	if (promotions) {
		bus.subscribe(
			CONSUMER_GROUPS.promotionCoupons,
			["order.expired", "order.cancelled", "order.paid"],
			async (event) => {
				const { orderId } = OrderEventData.parse(event.data);
				const done = await handleOnce(
					promotions.context.database,
					event.id,
					async (tx) => {
						if (event.type === "order.paid") return promotions.reholdForOrderIn(tx, orderId);
						await promotions.releaseForOrderIn(
							tx,
							orderId,
							event.type === "order.expired" ? "order expired" : "order cancelled",
						);
						return "none" as const;
					},
					{ consumer: CONSUMER_GROUPS.promotionCoupons },
				);
				if (done.applied && done.result === "used_up") {
					console.warn(
						`[promotion] order ${orderId} was paid late; its code was used up meanwhile: it keeps its discount`,
					);
				}
			},
			tuning,
		);
	}

	// inventory availability → the catalog's in-stock flag of the variant with that SKU. Only a
	// flag that actually flips is written (each write bumps the catalog version and so every
	// cached page); services sold by slot keep their flag (a slot, not the service, sells out).
	bus.subscribe(
		CONSUMER_GROUPS.catalogStock,
		["inventory.availability_changed"],
		async (event) => {
			const { items } = InventoryAvailabilityChanged.shape.data.parse(event.data);
			await setStockFlags(
				deps.catalog.catalog,
				new Map(items.filter((i) => i.slot === null).map((i) => [i.sku, i.available === null || i.available > 0])),
			);
		},
		tuning,
	);

	// order.paid → the order's shipment, carrying its physical lines only. The order module's verb
	// gives the address and lines, the catalog the kind of each line (physical lines travel; digital
	// goods and services do not). An order with nothing to ship gets no shipment at all: the
	// digital-delivery consumer delivers it (digital-delivery.ts).
	const variantsOf = catalogPort(deps.catalog.catalog, { thumbnails: false });
	bus.subscribe(
		CONSUMER_GROUPS.fulfillment,
		["order.paid"],
		async (event) => {
			const { orderId } = OrderEventData.parse(event.data);
			const order = await deps.orders.getOrder(orderId);
			const { physicalLines, otherLines } = await splitLines(variantsOf, order);
			if (physicalLines.length === 0 || order.address === null) return;
			await handleOnce(
				deps.fulfillment.context.database,
				event.id,
				async (tx) => {
					const made = await deps.fulfillment.createShipmentIn(tx, {
						orderId: order.id,
						customerId: order.customerId,
						shippingMethod: order.shippingMethod,
						address: order.address,
						physicalLines,
						otherLines,
					});
					// Refunded in full, or cancelled because its items were gone, before its shipment
					// existed: it is never left pending for a person.
					if (made.created && order.status === "refunded") {
						await deps.fulfillment.cancelOrderShipmentIn(tx, order.id, REFUND_CANCEL);
					}
					if (made.created && order.status === "cancelled") {
						await deps.fulfillment.cancelOrderShipmentIn(tx, order.id, UNFULFILLABLE_CANCEL);
					}
					return made;
				},
				{ consumer: CONSUMER_GROUPS.fulfillment },
			);
		},
		tuning,
	);

	// order.refunded (everything given back) → its shipment is cancelled while no carrier has it.
	// One already shipped (or a digital one, delivered at once) is left as it is and said: getting
	// it back is a return, a person's call. A partial refund (order.partially_refunded) still ships.
	// No shipment yet means order.paid's consumer is behind: the event waits for it (RetryLater;
	// that consumer also cancels at creation an order it reads as refunded).
	// order.cancelled of a paid order (its items were gone) → the same, for the same reasons.
	bus.subscribe(
		CONSUMER_GROUPS.fulfillmentRefunds,
		["order.refunded", "order.cancelled"],
		async (event) => {
			const { orderId, paymentId } = OrderEventData.parse(event.data);
			// An unpaid order's cancellation: it never had a shipment.
			if (event.type === "order.cancelled" && !paymentId) return;
			const why = event.type === "order.cancelled" ? UNFULFILLABLE_CANCEL : REFUND_CANCEL;
			const done = await handleOnce(
				deps.fulfillment.context.database,
				event.id,
				async (tx) => {
					const cancelled = await deps.fulfillment.cancelOrderShipmentIn(tx, orderId, why);
					if (cancelled.result === "none") {
						// Nothing ships in it: it never gets a shipment, and there is nothing to cancel.
						const order = await deps.orders.getOrder(orderId);
						if ((await splitLines(variantsOf, order)).physicalLines.length === 0) return cancelled;
						throw new RetryLater(`${event.type} for ${orderId} arrived before its shipment was created`);
					}
					return cancelled;
				},
				{ consumer: CONSUMER_GROUPS.fulfillmentRefunds },
			);
			if (!done.applied) return;
			const outcome = done.result;
			if (outcome.result === "kept" && outcome.shipment.kind === "parcel") {
				console.warn(
					`[fulfillment] order ${orderId} refunded in full but shipment ${outcome.shipment.id} is ${outcome.shipment.status}: left as it is`,
				);
			}
		},
		tuning,
	);

	// shipment.shipped → the order is fulfilled; shipment.delivered → delivered (fulfilled first
	// when that event has not been applied yet, so the two may arrive in either order).
	bus.subscribe(
		CONSUMER_GROUPS.orderShipments,
		["shipment.shipped", "shipment.delivered"],
		async (event) => {
			const s = ShipmentEventData.parse(event.data);
			await moveOrderOn(deps.orders, s.orderId, {
				actor: s.actor,
				reason: `shipment ${s.shipmentId}`,
				event: event.type,
				...(s.trackingNumber ? { trackingNumber: s.trackingNumber } : {}),
				delivered: event.type === "shipment.delivered",
			});
		},
		tuning,
	);
}

/**
 * The order is shipped (fulfilled), and when `delivered` delivered too (fulfilled first when that
 * has not been applied yet, so the two may arrive in either order). Each step happens once.
 */
export async function moveOrderOn(
	orders: Pick<OrderModule, "markFulfilled" | "markDelivered" | "getOrder">,
	orderId: string,
	how: { actor: string; reason: string; event: string; trackingNumber?: string; delivered: boolean },
): Promise<void> {
	const by = { actor: how.actor, reason: how.reason };
	const step = async (what: string, fn: () => Promise<unknown>) => {
		try {
			await fn();
		} catch (err) {
			// Retrying cannot help: the order moved on (delivered already, cancelled by a person,
			// or refunded in full — a refunded order is never marked shipped; its shipment is
			// cancelled while pending, so this is one a person shipped anyway). Acknowledged, and
			// said unless it is merely ahead. A partially refunded order still ships
			// (order/fulfil-order.ts), so it does not get here.
			if (err instanceof ConflictError || err instanceof NotFoundError) {
				const order = await orders.getOrder(orderId).catch(() => null);
				if (order?.status === "refunded") {
					console.warn(`[order] ${how.event} for refunded order ${orderId}: not marked ${what}; acknowledged`);
				} else if (order?.status !== "delivered") {
					console.warn(`[order] ${how.event} → ${what} ${orderId}: ${err.message}`);
				}
				return;
			}
			throw err;
		}
	};
	await step("fulfilled", () =>
		orders.markFulfilled(orderId, { ...by, ...(how.trackingNumber ? { trackingNumber: how.trackingNumber } : {}) }),
	);
	if (how.delivered) await step("delivered", () => orders.markDelivered(orderId, by));
}

/** An order's lines as a shipment carries them: physical ones, and the rest (which do not travel). */
export async function splitLines(
	variantsOf: ReturnType<typeof catalogPort>,
	order: Pick<Order, "lines" | "currency">,
): Promise<{ physicalLines: ShipmentLine[]; otherLines: ShipmentLine[] }> {
	const known = await variantsOf.variants(
		order.lines.map((l) => l.variantId),
		order.currency,
	);
	const physicalLines: ShipmentLine[] = [];
	const otherLines: ShipmentLine[] = [];
	for (const l of order.lines) {
		const line = { variantId: l.variantId, sku: l.sku, title: l.title, quantity: l.quantity };
		// A variant the catalog no longer knows is shipped: a person looks rather than nobody.
		const kind = known.get(l.variantId)?.kind ?? "physical";
		(kind === "physical" ? physicalLines : otherLines).push(line);
	}
	return { physicalLines, otherLines };
}
