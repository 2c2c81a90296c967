import { inArray } from "drizzle-orm";
import { type Bus, type BusRelay, handleOnce, RetryLater } from "../bus";
import { catalogPort } from "../cart/adapters";
import type { CatalogModule } from "../catalog/module";
import { variants } from "../catalog/schema";
import { updateVariant } from "../catalog/update-variant";
import type { CrashPoint } from "../config";
import { ShipmentEventData, type ShipmentLine } from "../fulfillment/contracts";
import type { FulfillmentModule } from "../fulfillment/module";
import { InventoryAvailabilityChanged } from "../inventory/contracts";
import type { Inventory } from "../inventory/module";
import { ConflictError, NotFoundError } from "../lib/errors";
import { OrderEventData, PaymentReceived, type RefundReceived } from "../order/contracts";
import type { OrderModule } from "../order/module";
import { PaymentRefundedData } from "../payment/contracts";

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
	fulfillment: FulfillmentModule;
	relays: { order: BusRelay; fulfillment: BusRelay };
}

export const CONSUMER_GROUPS = {
	order: "order",
	orderRefunds: "order-refunds",
	inventory: "inventory",
	catalogStock: "catalog-stock",
	fulfillment: "fulfillment",
	fulfillmentRefunds: "fulfillment-refunds",
	orderShipments: "order-shipments",
} as const;

/** Who cancels a refunded order's shipment, and why (its history row). */
const REFUND_CANCEL = { actor: "fulfillment", reason: "order refunded in full before it shipped" };

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
				deps.orders.context.database.client,
				event.id,
				(tx) => deps.orders.markPaidIn(tx, payment),
				{ consumer: CONSUMER_GROUPS.order },
			);
			if (!done.applied) return;
			if (done.result.result === "paid") crashPoint("order-paid-commit");
			// markPaidIn wrote order.paid (or order.payment_conflict) to the order outbox.
			deps.relays.order.kick();
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
				deps.orders.context.database.client,
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
			if (done.result.result === "partially_refunded" || done.result.result === "refunded") deps.relays.order.kick();
			if (done.result.result === "ignored") {
				console.warn(`[order] refund of ${data.paymentId} not recorded on ${data.orderId}: ${done.result.reason}`);
			}
		},
		tuning,
	);

	// order.paid → the reservation is committed; order.cancelled / order.expired → released.
	bus.subscribe(
		CONSUMER_GROUPS.inventory,
		["order.paid", "order.cancelled", "order.expired"],
		async (event) => {
			const { reservationId, orderId } = OrderEventData.parse(event.data);
			try {
				if (event.type === "order.paid") {
					await deps.inventory.commit(reservationId);
					crashPoint("inventory-commit");
				} else await deps.inventory.release(reservationId);
			} catch (err) {
				// Retrying cannot help: a paid order whose reservation already lapsed (or a release of
				// one already sold) needs a person. Acknowledged, and said loudly.
				if (err instanceof ConflictError || err instanceof NotFoundError) {
					console.warn(`[inventory] ${event.type} for ${orderId}: ${err.message}`);
					return;
				}
				throw err;
			}
		},
		tuning,
	);

	// inventory availability → the catalog's in-stock flag of the variant with that SKU. Only a
	// flag that actually flips is written (each write bumps the catalog version and so every
	// cached page); services sold by slot keep their flag (a slot, not the service, sells out).
	bus.subscribe(
		CONSUMER_GROUPS.catalogStock,
		["inventory.availability_changed"],
		async (event) => {
			const { items } = InventoryAvailabilityChanged.shape.data.parse(event.data);
			const want = new Map(
				items.filter((i) => i.slot === null).map((i) => [i.sku, i.available === null || i.available > 0]),
			);
			if (want.size === 0) return;
			const catalog = deps.catalog.catalog;
			const rows = await catalog.database.db
				.select({ id: variants.id, sku: variants.sku, inStock: variants.inStock })
				.from(variants)
				.where(inArray(variants.sku, [...want.keys()]));
			for (const row of rows) {
				const inStock = want.get(row.sku);
				if (inStock !== undefined && row.inStock !== inStock) await updateVariant(catalog, row.id, { inStock });
			}
		},
		tuning,
	);

	// order.paid → the order's shipment. The order module's verb gives the address and lines, the
	// catalog the kind of each line (physical lines travel; digital goods and services do not).
	const variantsOf = catalogPort(deps.catalog.catalog, { thumbnails: false });
	bus.subscribe(
		CONSUMER_GROUPS.fulfillment,
		["order.paid"],
		async (event) => {
			const { orderId } = OrderEventData.parse(event.data);
			const order = await deps.orders.getOrder(orderId);
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
			const done = await handleOnce(
				deps.fulfillment.context.database.client,
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
					// Refunded in full before its shipment existed: it is never left pending for a person.
					if (made.created && order.status === "refunded") {
						await deps.fulfillment.cancelOrderShipmentIn(tx, order.id, REFUND_CANCEL);
					}
					return made;
				},
				{ consumer: CONSUMER_GROUPS.fulfillment },
			);
			if (done.applied && done.result.created) deps.relays.fulfillment.kick();
		},
		tuning,
	);

	// order.refunded (everything given back) → its shipment is cancelled while no carrier has it.
	// One already shipped (or a digital one, delivered at once) is left as it is and said: getting
	// it back is a return, a person's call. A partial refund (order.partially_refunded) still ships.
	// No shipment yet means order.paid's consumer is behind: the event waits for it (RetryLater;
	// that consumer also cancels at creation an order it reads as refunded).
	bus.subscribe(
		CONSUMER_GROUPS.fulfillmentRefunds,
		["order.refunded"],
		async (event) => {
			const { orderId } = OrderEventData.parse(event.data);
			const done = await handleOnce(
				deps.fulfillment.context.database.client,
				event.id,
				async (tx) => {
					const cancelled = await deps.fulfillment.cancelOrderShipmentIn(tx, orderId, REFUND_CANCEL);
					if (cancelled.result === "none") {
						throw new RetryLater(`order.refunded for ${orderId} arrived before its shipment was created`);
					}
					return cancelled;
				},
				{ consumer: CONSUMER_GROUPS.fulfillmentRefunds },
			);
			if (!done.applied) return;
			const outcome = done.result;
			if (outcome.result === "cancelled") deps.relays.fulfillment.kick();
			else if (outcome.result === "kept" && outcome.shipment.kind === "parcel") {
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
			const by = { actor: s.actor, reason: `shipment ${s.shipmentId}` };
			const step = async (what: string, fn: () => Promise<unknown>) => {
				try {
					await fn();
				} catch (err) {
					// Retrying cannot help: the order moved on (delivered already, cancelled by a person,
					// or refunded in full — a refunded order is never marked shipped; its shipment is
					// cancelled while pending, so this is one a person shipped anyway). Acknowledged, and said unless it is merely ahead. A partially refunded
					// order still ships (order/fulfil-order.ts), so it does not get here.
					if (err instanceof ConflictError || err instanceof NotFoundError) {
						const order = await deps.orders.getOrder(s.orderId).catch(() => null);
						if (order?.status === "refunded") {
							console.warn(`[order] ${event.type} for refunded order ${s.orderId}: not marked ${what}; acknowledged`);
						} else if (order?.status !== "delivered") {
							console.warn(`[order] ${event.type} → ${what} ${s.orderId}: ${err.message}`);
						}
						return;
					}
					throw err;
				}
			};
			await step("fulfilled", () =>
				deps.orders.markFulfilled(s.orderId, {
					...by,
					...(s.trackingNumber ? { trackingNumber: s.trackingNumber } : {}),
				}),
			);
			if (event.type === "shipment.delivered") await step("delivered", () => deps.orders.markDelivered(s.orderId, by));
		},
		tuning,
	);
}
