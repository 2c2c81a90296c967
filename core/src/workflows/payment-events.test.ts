import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DeadLetterList } from "@bazaar/contracts/bus";
import type { OrderDetail } from "@bazaar/contracts/order";
import { newId } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { approvePayment, orderWhen, pickVariants, placeOrder, signUp } from "./testing/journey";
import { type Stack, stack } from "./testing/stack";

// Payment events on the bus never die while the order they wait for is still in flight: a
// payment.refunded that reaches the order before its payment.succeeded waits (with backoff) for
// as long as it takes, then applies. A genuinely dead event is logged at error level and listed
// for admins (GET /bus/admin/dead-letters, the edge's /api/admin/bus/dead-letters).

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
// Five deliveries fit in well under a second at this pace: anything that dead-letters, does so fast.
const FAST = { busBackoffMs: 20, busMaxBackoffMs: 100 };

let s: Stack;
beforeAll(async () => {
	s = await stack({}, FAST);
}, 60_000);
afterAll(async () => {
	await s?.close();
});

const deadLetters = async (group?: string) =>
	json<DeadLetterList>(
		await s.call("GET", `/bus/admin/dead-letters${group ? `?group=${group}` : ""}`, { caller: ADMIN }),
	);

/** What the payment module's relay would publish for a refund the gateway reported. */
function refunded(p: { paymentId: string; orderId: string; reference: string; total: number }) {
	return {
		id: newId("evt"),
		type: "payment.refunded",
		source: "payment",
		key: p.orderId,
		occurredAt: new Date().toISOString(),
		data: {
			paymentId: p.paymentId,
			orderId: p.orderId,
			gateway: "sandbox",
			reference: p.reference,
			amount: { amount: p.total, currency: "USD" },
			refundedAmount: p.total,
			status: "refunded",
		},
	};
}

describe("payment events wait for their order", () => {
	test("payment.refunded before payment.succeeded: not dead-lettered while it waits; applied once the order is paid", async () => {
		const shopper = await signUp(s);
		const lines = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", 0);
		const placed = await placeOrder(s, shopper, lines);
		const [payment] = await s.core.payments.listOrderPayments(placed.orderId);
		if (!payment) throw new Error("no payment");
		const order = await s.core.orders.getOrder(placed.orderId);
		// The gateway's refund reached the order's consumers before its success did.
		await s.core.bus.publish([
			refunded({ paymentId: payment.id, orderId: order.id, reference: payment.reference, total: order.total }),
		]);
		// Long enough for the old five-delivery limit to have been used up many times over at this pace.
		await Bun.sleep(1_500);
		expect((await deadLetters("order-refunds")).items).toEqual([]);
		expect((await s.core.bus.pending("order-refunds")).pending).toBe(1);
		expect((await s.core.orders.getOrder(order.id)).status).toBe("pending_payment");

		await approvePayment(s, shopper, placed.redirectUrl);
		const done = await orderWhen<OrderDetail>(s, shopper, order.id, (o) => o.status === "refunded");
		expect(done.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid", "refunded"]);
		expect(done.refundedAmount).toBe(order.total);
		expect((await deadLetters()).items).toEqual([]);
	}, 30_000);

	test("a dead letter is logged at error level and listed for admins only", async () => {
		const errors: string[] = [];
		const original = console.error;
		console.error = (...args: unknown[]) => void errors.push(args.map(String).join(" "));
		const broken = { ...refunded({ paymentId: "pay_x", orderId: "ord_x", reference: "x", total: 1 }), data: {} };
		try {
			// Unreadable data: no retry can help, so it dies after the allowed deliveries.
			await s.core.bus.publish([broken]);
			const list = await (async () => {
				for (let i = 0; i < 200; i++) {
					const found = (await deadLetters("order-refunds")).items;
					if (found.length > 0) return found;
					await Bun.sleep(25);
				}
				throw new Error("no dead letter");
			})();
			expect(list).toHaveLength(1);
			expect(list[0]).toMatchObject({ group: "order-refunds", event: { id: broken.id, type: "payment.refunded" } });
			expect(list[0]?.lastError).toBeTruthy();
			expect(
				errors.some((e) => e.includes("[bus:order-refunds] DEAD LETTER payment.refunded") && e.includes(broken.id)),
			).toBe(true);
		} finally {
			console.error = original;
		}
		const customer = await signUp(s);
		expect((await s.call("GET", "/bus/admin/dead-letters", { caller: customer })).status).toBe(403);
		expect((await s.call("GET", "/bus/admin/dead-letters?group=NOT%20A%20GROUP", { caller: ADMIN })).status).toBe(400);
		expect(
			(await s.call("POST", "/bus/admin/dead-letters/order-refunds/99999999/replay", { caller: ADMIN })).status,
		).toBe(404);
	}, 30_000);
});
