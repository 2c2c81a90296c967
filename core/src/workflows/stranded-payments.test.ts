import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OrderDetail, PaymentConflict } from "@bazaar/contracts/order";
import type { PaymentList } from "@bazaar/contracts/payment";
import type { Caller } from "@bazaar/signature";
import type { FakeStripe } from "../payment/stripe/testing/fake-stripe";
import { json } from "../testing/harness";
import { decideSandbox, pickVariants, pollFor, signUp } from "./testing/journey";
import { checkoutBody, type Stack } from "./testing/stack";
import { stripeStack } from "./testing/stripe-stack";

// A payment that lands on an order that can no longer take it is never stranded. Paid after the
// order expired: the order is revived and paid when its units can still be reserved, the payment
// refunded through its gateway otherwise. Paid after the order was cancelled, or a second time
// in another tab: refunded. Each refund happens once, is on the order's timeline and in the
// admin's payments view. Whole composed core; Stripe is the local fake through the real SDK
// (its sessions outlive a 15-minute order: Stripe's floor is 30 minutes), the sandbox the real one.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
const DAY = 86_400_000;

let fake: FakeStripe;
let s: Stack;
beforeAll(async () => {
	({ s, fake } = await stripeStack("stranded", { options: { busBackoffMs: 20, busMaxBackoffMs: 200 } }));
}, 60_000);
afterAll(async () => {
	await s?.close();
	fake?.stop();
});

let skip = 30;
/** A new customer with one unit of a product no other test uses in the cart. */
async function shopper() {
	const caller = await signUp(s);
	const [line] = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", skip++);
	if (!line) throw new Error("no stocked variant left");
	expect((await s.call("POST", "/cart/lines", { caller, body: { variantId: line.id, quantity: 1 } })).status).toBe(200);
	return { caller, sku: line.sku };
}

type Placed = { order: { id: string; total: number; reservationId: string }; payment: { id: string; gateway: string } };
const place = async (caller: Caller, key: string, gateway?: string) => {
	const res = await s.call("POST", "/checkout", {
		caller,
		body: checkoutBody(gateway ? { gateway } : {}),
		headers: { "idempotency-key": key },
	});
	expect(res.status).toBe(201);
	return json<Placed>(res);
};

const referenceOf = async (paymentId: string) => (await s.core.payments.getPayment(paymentId)).reference;
const adminOrder = async (id: string) =>
	json<OrderDetail>(await s.call("GET", `/orders/admin/${id}`, { caller: ADMIN }));
const conflicts = async (id: string) =>
	json<PaymentConflict[]>(await s.call("GET", `/orders/admin/${id}/payment-conflicts`, { caller: ADMIN }));
const payments = async (id: string) =>
	(await json<PaymentList>(await s.call("GET", `/payment/admin/orders/${id}/payments`, { caller: ADMIN }))).items;
const stripeRefunds = () => fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/refunds");

function until<T>(what: string, check: () => Promise<T | undefined>, deadlineMs = 15_000) {
	return pollFor(check, deadlineMs, what);
}

/** The order sweeper as if 15 minutes had passed, then the order.expired flow releasing its units. */
async function expire(placed: Placed) {
	expect(await s.core.orders.expireDue({ now: Date.now() + DAY })).toBeGreaterThan(0);
	expect((await s.core.orders.getOrder(placed.order.id)).status).toBe("expired");
	await until("units released", async () =>
		(await s.core.inventory.getReservation(placed.order.reservationId)).status === "released" ? true : undefined,
	);
}

describe("a payment after the order expired", () => {
	test("its units are still there: the order is revived and paid by it, nothing refunded", async () => {
		const { caller, sku } = await shopper();
		const placed = await place(caller, `stranded-revive-${caller.user}`, "stripe_checkout");
		await expire(placed);
		const refundsBefore = stripeRefunds().length;

		// The shopper was still on Stripe's page (it outlives the order) and paid.
		await fake.succeed(await referenceOf(placed.payment.id));
		const paid = await until("order revived", async () => {
			const o = await adminOrder(placed.order.id);
			return o.status === "paid" ? o : undefined;
		});
		expect(paid.timeline.map((t) => [t.from, t.to])).toEqual([
			[null, "pending_payment"],
			["pending_payment", "expired"],
			["expired", "paid"],
		]);
		expect(paid.timeline[2]?.reason).toContain("received after the order expired");
		expect(paid.paymentId).toBe(placed.payment.id);
		await until("units sold", async () =>
			(await s.core.inventory.getReservation(placed.order.reservationId)).status === "committed" ? true : undefined,
		);
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
		expect(await conflicts(placed.order.id)).toMatchObject([{ reason: "order_expired", resolution: "revived" }]);
		expect(stripeRefunds().length).toBe(refundsBefore);
		await until("its shipment", async () =>
			(await s.core.fulfillment.listOrderShipments(placed.order.id)).items.length === 1 ? true : undefined,
		);
	}, 30_000);

	test("its units are gone: refunded automatically through Stripe, once; on the timeline and in the payments view", async () => {
		const { caller, sku } = await shopper();
		const placed = await place(caller, `stranded-refund-${caller.user}`, "stripe_checkout");
		await expire(placed);
		const { items } = await s.core.inventory.availability([{ sku }]);
		await s.core.inventory.adjustStock(sku, { delta: -(items[0]?.available ?? 0), reason: "sold elsewhere" }, "test");

		await fake.succeed(await referenceOf(placed.payment.id));
		const [conflict] = await until("refunded", async () => {
			const list = await conflicts(placed.order.id);
			return list[0]?.resolution === "refunded" ? list : undefined;
		});
		expect(conflict).toMatchObject({ reason: "order_expired", refundedAmount: placed.order.total });
		// The order stays expired and its timeline says what happened to the money.
		const order = await adminOrder(placed.order.id);
		expect(order.status).toBe("expired");
		const notes = order.timeline.filter((t) => t.from === "expired" && t.to === "expired").map((t) => t.reason);
		expect(notes).toEqual([
			expect.stringContaining(`payment ${placed.payment.id}`),
			expect.stringContaining("refunded automatically"),
		]);
		expect(notes[0]).toContain("received after the order expired");
		// The shopper sees it too.
		const own = await json<OrderDetail>(await s.call("GET", `/orders/${placed.order.id}`, { caller }));
		expect(own.timeline.at(-1)?.reason).toContain("refunded automatically");
		// In the admin's payments view: refunded, with why.
		const [payment] = await payments(placed.order.id);
		expect(payment).toMatchObject({ id: placed.payment.id, status: "refunded", refundedAmount: placed.order.total });
		expect(payment?.refunds).toMatchObject([
			{
				amount: { amount: placed.order.total, currency: "USD" },
				reason: "automatic: payment received after the order expired",
				status: "succeeded",
			},
		]);
		// Asked of Stripe once, keyed by the payment.
		const asked = stripeRefunds().filter((r) => r.idempotencyKey === `auto-refund:${placed.payment.id}`);
		expect(asked).toHaveLength(1);
		// Never sold.
		expect((await s.core.inventory.getReservation(placed.order.reservationId)).status).toBe("released");
		expect((await s.core.inventory.reconcile([sku])).balanced).toBe(true);
	}, 30_000);
});

describe("a payment after the order was cancelled, or a second one", () => {
	test("paid on the sandbox's page after cancelling: refunded automatically, the order stays cancelled", async () => {
		const { caller } = await shopper();
		const placed = await place(caller, `stranded-cancel-${caller.user}`);
		expect(placed.payment.gateway).toBe("sandbox");
		const redirect = (await s.core.payments.getPayment(placed.payment.id)).redirectUrl as string;
		expect((await s.call("POST", `/orders/${placed.order.id}/cancel`, { caller })).status).toBe(200);
		// The page was still open in another tab.
		expect((await decideSandbox(s, caller, redirect, "approve")).status).toBe(200);
		await until("refunded", async () =>
			(await conflicts(placed.order.id))[0]?.resolution === "refunded" ? true : undefined,
		);
		const order = await adminOrder(placed.order.id);
		expect(order.status).toBe("cancelled");
		expect(order.timeline.at(-1)?.reason).toContain("received after the order was cancelled");
		const [payment] = await payments(placed.order.id);
		expect(payment).toMatchObject({ status: "refunded", refundedAmount: placed.order.total });
		expect(payment?.refunds.map((r) => r.reason)).toEqual([
			"automatic: payment received after the order was cancelled",
		]);
	}, 30_000);

	test("paid twice in two tabs (Stripe Checkout, then the Payment Element): one pays the order, the other is refunded", async () => {
		const { caller } = await shopper();
		const key = `stranded-tabs-${caller.user}`;
		const first = await place(caller, key, "stripe_checkout");
		// The second tab switches to the Payment Element: the first attempt is given up here, but
		// its Stripe page is still open in the first tab.
		const second = await place(caller, key, "stripe");
		expect(second.payment.id).not.toBe(first.payment.id);
		await fake.succeed(await referenceOf(first.payment.id));
		await fake.succeed(await referenceOf(second.payment.id));

		const [conflict] = await until("the second refunded", async () => {
			const list = await conflicts(first.order.id);
			return list[0]?.resolution === "refunded" ? list : undefined;
		});
		expect(conflict?.reason).toBe("paid_by_another_payment");
		const order = await adminOrder(first.order.id);
		expect(order.status).toBe("paid");
		const list = await payments(first.order.id);
		const settled = list.find((p) => p.id === order.paymentId);
		const refunded = list.find((p) => p.id === conflict?.paymentId);
		expect(settled).toMatchObject({ status: "succeeded", refundedAmount: 0, refunds: [] });
		expect(refunded).toMatchObject({ status: "refunded", refundedAmount: order.total });
		expect(refunded?.refunds.map((r) => r.reason)).toEqual([
			"automatic: payment made after the order was already paid by another",
		]);
		expect(stripeRefunds().filter((r) => r.idempotencyKey === `auto-refund:${conflict?.paymentId}`)).toHaveLength(1);
		expect((await s.core.bus.deadLetters()).map((d) => `${d.group} ${d.event.type} ${d.lastError}`)).toEqual([]);
	}, 30_000);
});
