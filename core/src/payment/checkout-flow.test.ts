import { afterEach, expect, test } from "bun:test";
import { PaymentReceived } from "@bazaar/contracts/order";
import { checkout, type OrderHarness, orderHarness } from "../order/testing/fixtures";
import { rows } from "../testing/sql";
import { type PaymentHarness, paymentHarness } from "./testing/fixtures";

// The seam the lead wires on the bus, exercised directly: placeOrder → createPayment → the
// shopper approves on the hosted page → payment.succeeded's data → order.markPaid.

let o: OrderHarness;
let p: PaymentHarness;
afterEach(async () => {
	await o?.close();
	await p?.close();
});

test("a paid sandbox payment settles its order once; a late second charge is flagged for refund", async () => {
	o = await orderHarness();
	p = await paymentHarness();
	const { order } = await o.orders.placeOrder(checkout());
	const { payment } = await p.payments.createPayment({
		orderId: order.id,
		amount: { amount: order.total, currency: order.currency },
		returnUrl: `http://shop.test/orders/${order.id}`,
		cancelUrl: "http://shop.test/cart",
		idempotencyKey: `checkout-${order.id}`,
	});
	expect((await p.decide(payment.redirectUrl as string, "approve")).status).toBe(200);
	await p.webhooksSent();
	const events = await rows(
		p.payments.context.database,
		"SELECT payload FROM bus_outbox WHERE type != 'sandbox.webhook' ORDER BY seq",
	);
	const succeeded = JSON.parse(String(events[0]?.payload));
	expect(succeeded.type).toBe("payment.succeeded");
	// What the bus consumer does with it (twice: at-least-once delivery).
	const data = PaymentReceived.parse(succeeded.data);
	expect((await o.orders.markPaid(data)).result).toBe("paid");
	expect((await o.orders.markPaid(data)).result).toBe("already_paid");
	const paid = await o.orders.getOrder(order.id);
	expect(paid).toMatchObject({ status: "paid", paymentId: payment.id, paymentReference: payment.reference });

	// A gateway that charged twice anyway (e.g. an old attempt completed late): recorded, refundable.
	const late = { ...data, paymentId: "pay_01LATE0000000000000000000", reference: "sbx_late" };
	expect(await o.orders.markPaid(late)).toMatchObject({ result: "conflict", reason: "paid_by_another_payment" });
});
