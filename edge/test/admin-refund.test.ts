import { ORDER_STATUS_WORDS as STATUS_WORDS } from "@bazaar/contracts/order";
import { Payment } from "@bazaar/contracts/payment";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { approvePayment, bearerFor, eventually, get, placeOrder, signUp } from "./account-support";
import { adminHeaders, edge, signIn } from "./helpers";

// Refunds through the admin API at the edge: /api/admin/orders/:id/refund reaches the core's
// refund workflow with the Idempotency-Key, /api/admin/payment/* reaches the payment module's
// admin routes, and the order's refund statuses show on the shopper's order page. Real core,
// real sandbox gateway (its refund webhook settles the order).

type AdminOrder = { id: string; status: string; total: number; refundedAmount: number; paymentReference: string };
type RefundAnswer = { order: { id: string }; payment: { id: string }; refund: { refundId: string; status: string } };

async function paidOrder() {
	const shopper = await signUp("Refunded Shopper");
	const order = await placeOrder(shopper.caller);
	await approvePayment(order);
	const token = await signIn();
	const paid = await eventually(async () => {
		const res = await edge(`/api/admin/orders/${order.id}`, { headers: await adminHeaders(token) });
		const body = (await res.json()) as AdminOrder;
		return body.status === "paid" ? body : undefined;
	}, "order paid");
	return { shopper, order: paid, token };
}

function refund(orderId: string, headers: Record<string, string>, body: unknown, key: string | null) {
	return edge(`/api/admin/orders/${orderId}/refund`, {
		method: "POST",
		headers: { ...headers, ...(key === null ? {} : { "idempotency-key": key }) },
		body: JSON.stringify(body),
	});
}

async function orderWhen(orderId: string, token: string, ready: (o: AdminOrder) => boolean) {
	return eventually(async () => {
		const res = await edge(`/api/admin/orders/${orderId}`, { headers: await adminHeaders(token) });
		const body = (await res.json()) as AdminOrder;
		return ready(body) ? body : undefined;
	}, `order ${orderId}`);
}

describe("admin refunds through the edge", () => {
	it("partial then full refund with an admin bearer; the same key answers the same refund; payments show the gateway", async () => {
		const { shopper, order, token } = await paidOrder();
		const admin = await adminHeaders(token);
		const key = `edge-refund-${order.id}`;

		const first = await refund(order.id, admin, { amount: 100, reason: "scratched" }, key);
		expect(first.status, await first.clone().text()).toBe(202);
		expect(first.headers.get("cache-control")).toBe("no-store");
		const answer = (await first.json()) as RefundAnswer;
		expect(answer.refund.refundId).toMatch(/^sbxre_/);
		await orderWhen(order.id, token, (o) => o.status === "partially_refunded" && o.refundedAmount === 100);

		const again = await refund(order.id, admin, { amount: 100, reason: "scratched" }, key);
		expect(again.status).toBe(202);
		expect(again.headers.get("idempotent-replayed")).toBe("true");
		expect(((await again.json()) as RefundAnswer).refund.refundId).toBe(answer.refund.refundId);

		const payments = await edge(`/api/admin/payment/orders/${order.id}/payments`, { headers: admin });
		expect(payments.status).toBe(200);
		const { items } = z.object({ items: z.array(Payment) }).parse(await payments.json());
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			gateway: "sandbox",
			reference: order.paymentReference,
			status: "partially_refunded",
			refundedAmount: 100,
		});

		// More than is left: 422, as problem JSON; then everything left.
		const over = await refund(order.id, admin, { amount: order.total, reason: "too much" }, `${key}-over`);
		expect(over.status).toBe(422);
		expect(over.headers.get("content-type")).toContain("application/problem+json");
		expect((await refund(order.id, admin, { reason: "returned" }, `${key}-rest`)).status).toBe(202);
		const refunded = await orderWhen(order.id, token, (o) => o.status === "refunded");
		expect(refunded.refundedAmount).toBe(order.total);

		// The shopper's order page says so.
		const page = await get(shopper.jar, `/account/orders/${order.id}`);
		expect(page.res.status).toBe(200);
		expect(page.html).toContain(`data-status="refunded"`);
		expect(page.html).toContain(`>${STATUS_WORDS.refunded}<`);
		expect(STATUS_WORDS.partially_refunded).toBe("partially refunded");
	});

	it("a customer gets 403 and a missing Idempotency-Key 428; nothing is refunded", async () => {
		const { shopper, order, token } = await paidOrder();
		const customer = { authorization: `Bearer ${await bearerFor(shopper)}`, "content-type": "application/json" };
		const denied = await refund(order.id, customer, { amount: 100, reason: "mine" }, "edge-refund-customer-1");
		expect(denied.status).toBe(403);
		expect(denied.headers.get("content-type")).toContain("application/problem+json");
		const customerPayments = await edge(`/api/admin/payment/orders/${order.id}/payments`, { headers: customer });
		expect(customerPayments.status).toBe(403);

		const admin = await adminHeaders(token);
		expect((await refund(order.id, admin, { amount: 100, reason: "no key" }, null)).status).toBe(428);
		expect((await refund(order.id, admin, { amount: -1, reason: "negative" }, "edge-refund-bad-01")).status).toBe(400);
		const text = await edge(`/api/admin/orders/${order.id}/refund`, {
			method: "POST",
			headers: { ...admin, "content-type": "text/plain", "idempotency-key": "edge-refund-bad-02" },
			body: "amount=1",
		});
		expect(text.status).toBe(415);

		const after = await orderWhen(order.id, token, () => true);
		expect(after).toMatchObject({ status: "paid", refundedAmount: 0 });
		const payments = await edge(`/api/admin/payment/orders/${order.id}/payments`, { headers: admin });
		expect(((await payments.json()) as { items: { refundedAmount: number }[] }).items[0]?.refundedAmount).toBe(0);
	});
});
