import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OrderDetail } from "@bazaar/contracts/order";
import type { PaymentList } from "@bazaar/contracts/payment";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { UNFULFILLABLE_REASON } from "./consumers";
import { approvePayment, orderWhen, pickVariants, placeOrder, pollFor, signUp } from "./testing/journey";
import { type Stack, stack } from "./testing/stack";

// A late order.paid never leaves a paid order without stock behind it. The order is paid in time
// but its reservation lapsed before order.paid was handled (the inventory's sweeper got there
// first and the units went back on sale): the units are taken again and committed when they are
// still there; when they are gone the order is cancelled with a reason the shopper reads, its
// payment refunded through the gateway and its shipment cancelled. Whole composed core, sandbox.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
const DAY = 86_400_000;

let s: Stack;
beforeAll(async () => {
	s = await stack({}, { busBackoffMs: 20, busMaxBackoffMs: 200 });
}, 60_000);
afterAll(async () => {
	await s?.close();
});

let skip = 20;
/** A shopper's order for one unit, waiting for payment, whose reservation has lapsed (as its sweeper would). */
async function lapsedOrder() {
	const shopper = await signUp(s);
	const lines = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", skip++);
	const placed = await placeOrder(s, shopper, lines);
	const sku = lines[0]?.sku as string;
	const before = await s.core.inventory.getStock(sku);
	// The inventory's own sweeper, run as if its clock were past the reservation's expiry.
	expect(await s.core.inventory.expireDue({ now: Date.now() + DAY })).toBeGreaterThan(0);
	expect((await s.core.inventory.getReservation(placed.reservationId)).status).toBe("expired");
	return { shopper, placed, sku, soldBefore: before.rows[0]?.sold ?? 0 };
}

const reservationBecomes = (id: string, status: string) =>
	pollFor(
		async () => ((await s.core.inventory.getReservation(id)).status === status ? true : undefined),
		10_000,
		`reservation ${status}`,
	);

describe("order.paid after its reservation lapsed", () => {
	test("the units are still there: taken again and committed; the order stays paid and ships", async () => {
		const { shopper, placed, sku, soldBefore } = await lapsedOrder();
		await approvePayment(s, shopper, placed.redirectUrl);
		await orderWhen<OrderDetail>(s, shopper, placed.orderId, (o) => o.status === "paid");
		await reservationBecomes(placed.reservationId, "committed");
		const stock = await s.core.inventory.getStock(sku);
		expect(stock.rows[0]?.sold).toBe(soldBefore + 1);
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
		await pollFor(
			async () => ((await s.core.fulfillment.listOrderShipments(placed.orderId)).items.length === 1 ? true : undefined),
			10_000,
			"shipment",
		);
		expect((await s.core.fulfillment.listOrderShipments(placed.orderId)).items[0]?.status).toBe("pending");
		expect((await s.core.orders.getOrder(placed.orderId)).status).toBe("paid");
	}, 30_000);

	test("the units are gone: the order is cancelled with a reason the shopper reads, refunded in full, its shipment cancelled", async () => {
		const { shopper, placed, sku, soldBefore } = await lapsedOrder();
		// Someone else bought the last units meanwhile (here: an admin's correction takes them all).
		const { items } = await s.core.inventory.availability([{ sku }]);
		await s.core.inventory.adjustStock(sku, { delta: -(items[0]?.available ?? 0), reason: "sold elsewhere" }, "test");

		await approvePayment(s, shopper, placed.redirectUrl);
		const cancelled = await orderWhen<OrderDetail>(
			s,
			shopper,
			placed.orderId,
			(o) => o.status === "cancelled" && o.refundedAmount > 0,
			15_000,
		);
		// What the shopper sees on their order: paid, then cancelled with why, then the refund.
		expect(cancelled.timeline.map((t) => [t.from, t.to])).toEqual([
			[null, "pending_payment"],
			["pending_payment", "paid"],
			["paid", "cancelled"],
			["cancelled", "cancelled"],
		]);
		expect(cancelled.timeline[2]?.reason).toBe(UNFULFILLABLE_REASON);
		expect(cancelled.timeline[3]?.reason).toContain("refunded");
		expect(cancelled.refundedAmount).toBe(cancelled.total);

		// Refunded through the gateway, visible to admins, once.
		const payments = await json<PaymentList>(
			await s.call("GET", `/payment/admin/orders/${placed.orderId}/payments`, { caller: ADMIN }),
		);
		expect(payments.items).toHaveLength(1);
		expect(payments.items[0]).toMatchObject({ status: "refunded", refundedAmount: cancelled.total });
		const refunds = await rows(
			s.core.payments.context.database,
			"SELECT reason, status FROM payment_refunds WHERE payment_id = ?",
			payments.items[0]?.id ?? "",
		);
		expect(refunds).toHaveLength(1);
		expect(String(refunds[0]?.reason)).toStartWith("automatic:");

		// Never sold: no units committed for it, the books balance, and its parcel will not go out.
		expect((await s.core.inventory.getReservation(placed.reservationId)).status).toBe("expired");
		expect((await s.core.inventory.getStock(sku)).rows[0]?.sold).toBe(soldBefore);
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
		await pollFor(
			async () =>
				(await s.core.fulfillment.listOrderShipments(placed.orderId)).items[0]?.status === "cancelled"
					? true
					: undefined,
			10_000,
			"shipment cancelled",
		);
		expect((await s.core.bus.deadLetters()).map((d) => `${d.group} ${d.event.type} ${d.lastError}`)).toEqual([]);
	}, 30_000);
});
