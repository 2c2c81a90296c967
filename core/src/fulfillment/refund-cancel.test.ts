import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ShipmentDetail, ShipmentList } from "@bazaar/contracts/fulfillment";
import type { OrderDetail } from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { approvePayment, orderWhen, pickVariants, placeOrder, pollFor, signUp } from "../workflows/testing/journey";
import { type Stack, stack } from "../workflows/testing/stack";

// A full refund before the parcel ships cancels its shipment, through the real composed core over
// HTTP: checkout → sandbox pay → shipment → admin refund → the sandbox's signed webhook →
// payment.refunded → order.refunded on the bus → the "fulfillment-refunds" consumer. A partial
// refund still ships; a parcel already shipped stays shipped.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
const GROUP = "fulfillment-refunds";

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

let skip = 40;
async function paidOrder() {
	const shopper = await signUp(s);
	const lines = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", skip++);
	expect(lines).toHaveLength(1);
	const placed = await placeOrder(s, shopper, lines);
	await approvePayment(s, shopper, placed.redirectUrl);
	return orderWhen<OrderDetail>(s, shopper, placed.orderId, (o) => o.status === "paid");
}

const admin = (method: string, path: string, body?: unknown) =>
	s.call(method, path, { caller: ADMIN, ...(body === undefined ? {} : { body }) });

const refund = (orderId: string, key: string, body: unknown) =>
	s.call("POST", `/orders/admin/${orderId}/refund`, { caller: ADMIN, body, headers: { "idempotency-key": key } });

const adminOrder = async (id: string) => json<OrderDetail>(await admin("GET", `/orders/admin/${id}`));

const orderBecomes = (id: string, ready: (o: OrderDetail) => boolean) =>
	pollFor(
		async () => {
			const o = await adminOrder(id);
			return ready(o) ? o : undefined;
		},
		10_000,
		`order ${id}`,
	);

/** The order's shipment once it exists and `ready` says so. */
const shipmentOf = (orderId: string, ready: (s: ShipmentDetail) => boolean = () => true) =>
	pollFor(
		async () => {
			const res = await admin("GET", `/fulfillment/admin/shipments?orderId=${orderId}`);
			const [shipment] = (await json<ShipmentList>(res)).items;
			return shipment && ready(shipment) ? shipment : undefined;
		},
		10_000,
		`shipment of ${orderId}`,
	);

/** Every order event relayed so far has been through the refunds consumer. */
const refundsConsumerIdle = () =>
	pollFor(
		async () => {
			const p = await s.core.bus.pending(GROUP);
			return p.pending === 0 && p.lag === 0 ? true : undefined;
		},
		10_000,
		`${GROUP} idle`,
	);

describe("a full refund cancels the pending shipment", () => {
	test("paid → refunded in full → shipment cancelled by the fulfillment module; the order's timeline is intact", async () => {
		const order = await paidOrder();
		const pending = await shipmentOf(order.id);
		expect(pending.status).toBe("pending");

		expect((await refund(order.id, "refund-cancel-0001", { reason: "cancelled by phone" })).status).toBe(202);
		const refunded = await orderBecomes(order.id, (o) => o.status === "refunded");
		const cancelled = await shipmentOf(order.id, (x) => x.status === "cancelled");
		expect(cancelled.id).toBe(pending.id);
		expect(cancelled.history.map((c) => [c.from, c.to, c.actor])).toEqual([
			[null, "pending", "fulfillment"],
			["pending", "cancelled", "fulfillment"],
		]);
		expect(cancelled.history.at(-1)?.reason).toContain("refunded in full");

		// The order's own timeline is untouched by the cancel: placed, paid, refunded — nothing else.
		await refundsConsumerIdle();
		const after = await adminOrder(order.id);
		expect(after.status).toBe("refunded");
		expect(after.refundedAmount).toBe(order.total);
		expect(after.timeline).toEqual(refunded.timeline);
		expect(after.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid", "refunded"]);

		// Nothing moves it afterwards: the admin verbs are 409.
		expect((await admin("POST", `/fulfillment/admin/shipments/${pending.id}/ship`)).status).toBe(409);
		expect((await admin("POST", `/fulfillment/admin/shipments/${pending.id}/cancel`)).status).toBe(200);
		expect((await shipmentOf(order.id)).history).toHaveLength(2);
		expect(await s.core.bus.deadLetters(GROUP)).toEqual([]);
	});

	test("refunded in full right after payment (the shipment may not exist yet): it still ends cancelled", async () => {
		const order = await paidOrder();
		expect((await refund(order.id, "refund-cancel-0002", { reason: "ordered twice" })).status).toBe(202);
		await orderBecomes(order.id, (o) => o.status === "refunded");
		const cancelled = await shipmentOf(order.id, (x) => x.status === "cancelled");
		expect(cancelled.history.map((c) => c.to)).toEqual(["pending", "cancelled"]);
		await refundsConsumerIdle();
		expect(await s.core.bus.deadLetters(GROUP)).toEqual([]);
	});

	test("a partially refunded order's shipment stays pending (and still ships)", async () => {
		const order = await paidOrder();
		const shipment = await shipmentOf(order.id);
		expect((await refund(order.id, "refund-cancel-0003", { amount: 100, reason: "coupon" })).status).toBe(202);
		await orderBecomes(order.id, (o) => o.status === "partially_refunded");
		await refundsConsumerIdle();
		const still = await shipmentOf(order.id);
		expect(still.status).toBe("pending");
		expect(still.history).toHaveLength(1);
		expect((await admin("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`)).status).toBe(200);
		expect((await shipmentOf(order.id)).status).toBe("shipped");
	});

	test("shipped, then refunded in full: the shipment stays shipped (a return is a person's call)", async () => {
		const order = await paidOrder();
		const shipment = await shipmentOf(order.id);
		expect((await admin("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`)).status).toBe(200);
		await orderBecomes(order.id, (o) => o.status === "fulfilled");
		expect((await refund(order.id, "refund-cancel-0004", { reason: "lost in post" })).status).toBe(202);
		const refunded = await orderBecomes(order.id, (o) => o.status === "refunded");
		await refundsConsumerIdle();
		const after = await shipmentOf(order.id);
		expect(after.status).toBe("shipped");
		expect(after.history.map((c) => c.to)).toEqual(["pending", "shipped"]);
		expect((await adminOrder(order.id)).timeline).toEqual(refunded.timeline);
		expect(await s.core.bus.deadLetters(GROUP)).toEqual([]);
	});
});
