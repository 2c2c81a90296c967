import { expect } from "bun:test";
import { ProductInput } from "@bazaar/contracts";
import type { OrderDetail } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import { createProduct } from "../../catalog/create-product";
import { categories } from "../../catalog/schema";
import { json } from "../../testing/harness";
import { eventually, type Stack } from "./stack";

// A service sold by appointment, stocked per hour (the inventory's capacity policy), for tests
// that book slots on the composed core.

const HOUR = 3_600_000;
/** The start of the hour `n` hours from now (UTC ISO), a bookable slot for n ≥ 1. */
export const hour = (n: number) => new Date((Math.floor(Date.now() / HOUR) + n) * HOUR).toISOString();

/** Creates the service (one variant, 60.00 USD) and gives each of its slots `slotCapacity` places; its variant id. */
export async function appointmentService(s: Stack, sku: string, title: string, slotCapacity: number): Promise<string> {
	const catalog = s.core.catalog.catalog;
	const [category] = await catalog.database.db.select({ id: categories.id }).from(categories).limit(1);
	const product = await createProduct(
		catalog,
		ProductInput.parse({
			kind: "service",
			status: "active",
			title,
			categoryId: category?.id,
			service: { durationMinutes: 60, billing: "one_time", booking: "appointment" },
			variants: [{ sku, title: "Default", prices: [{ amount: 6000, currency: "USD" }] }],
		}),
	);
	await s.core.inventory.defineSku(sku, { policy: "capacity", slotCapacity });
	return product.variants[0]?.id as string;
}

/**
 * Puts the service's `slot` in the shopper's cart and checks out with `body` (a checkoutBody or a
 * billing-only one) under `key`; the 201's order and payment.
 */
export async function checkoutBooking<T = { order: OrderDetail; payment: { id: string; redirectUrl: string } }>(
	s: Stack,
	shopper: Caller,
	booking: { variantId: string; slot: string },
	body: unknown,
	key: string,
): Promise<T> {
	expect((await s.call("POST", "/cart/lines", { caller: shopper, body: booking })).status).toBe(200);
	const res = await s.call("POST", "/checkout", { caller: shopper, body, headers: { "idempotency-key": key } });
	expect(res.status).toBe(201);
	return json<T>(res);
}

/** Waits until the order's reservation is committed: the booked place is sold. */
export async function bookingSold(s: Stack, reservationId: string): Promise<void> {
	await eventually(
		async () => ((await s.core.inventory.getReservation(reservationId)).status === "committed" ? true : undefined),
		15_000,
		"the booking sold",
	);
}
