import { inArray } from "drizzle-orm";
import { type Bus, type BusRelay, handleOnce } from "../bus";
import type { CatalogModule } from "../catalog/module";
import { variants } from "../catalog/schema";
import { updateVariant } from "../catalog/update-variant";
import { InventoryAvailabilityChanged } from "../inventory/contracts";
import type { Inventory } from "../inventory/module";
import { ConflictError, NotFoundError } from "../lib/errors";
import { OrderEventData, PaymentReceived } from "../order/contracts";
import type { OrderModule } from "../order/module";

// The flows on the bus (DESIGN.md flow 3). Delivery is at-least-once, so every handler is
// idempotent: the order through its inbox (handleOnce, in the order database), the inventory
// through its reservations' state machine (a commit or release settles a reservation once;
// a repeat answers it as it stands), the catalog flag by setting a value, never toggling it.
// A handler that throws is retried with backoff and dead-lettered after maxDeliveries.

export interface ConsumerDeps {
	catalog: CatalogModule;
	inventory: Inventory;
	orders: OrderModule;
	relays: { order: BusRelay };
}

export const CONSUMER_GROUPS = { order: "order", inventory: "inventory", catalogStock: "catalog-stock" } as const;

export function subscribeConsumers(bus: Bus, deps: ConsumerDeps, options: { pollMs?: number } = {}): void {
	const tuning = options.pollMs ? { pollMs: options.pollMs } : {};

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
			// markPaidIn wrote order.paid (or order.payment_conflict) to the order outbox.
			deps.relays.order.kick();
			if (done.result.result === "conflict") {
				console.warn(`[order] payment ${payment.paymentId} cannot settle ${payment.orderId}: ${done.result.reason}`);
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
				if (event.type === "order.paid") await deps.inventory.commit(reservationId);
				else await deps.inventory.release(reservationId);
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
}
