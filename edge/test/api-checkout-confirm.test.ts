import { describe, expect, it } from "vitest";
import { edge, ORIGIN } from "./helpers";
import { addToCart, fieldOf, freshVariant, get, post, type Shopper, signUp } from "./shopper";

// The JSON checkout for API clients, back from the gateway: POST /api/checkout/orders/:id/confirm
// asks the gateway now instead of waiting for its webhook, answers the latest payment, and works
// only on the caller's own orders.

const ADDRESS = {
	name: "Api Client",
	line1: "3 Market Street",
	city: "Springfield",
	postalCode: "12345",
	country: "US",
};
const json = (s: Shopper) => ({ ...s.jar.header(), origin: ORIGIN, "content-type": "application/json" });

async function checkout(s: Shopper) {
	const v = await freshVariant();
	await addToCart(s, v.id, 1);
	const res = await edge("/api/checkout", {
		method: "POST",
		headers: { ...json(s), "idempotency-key": crypto.randomUUID() },
		body: JSON.stringify({ address: ADDRESS, shippingMethod: "standard" }),
	});
	expect(res.status).toBe(201);
	return (await res.json()) as { order: { id: string }; payment: { redirectUrl: string } };
}

const confirm = (s: Shopper | null, orderId: string) =>
	edge(`/api/checkout/orders/${orderId}/confirm`, {
		method: "POST",
		headers: s ? json(s) : { origin: ORIGIN, "content-type": "application/json" },
	});

describe("POST /api/checkout/orders/:id/confirm", () => {
	it("is unsettled before the shopper decides and succeeded after, without waiting for a webhook", async () => {
		const s = await signUp("Api Client");
		const placed = await checkout(s);
		const before = await confirm(s, placed.order.id);
		expect(before.status).toBe(200);
		expect(((await before.json()) as { payment: { status: string } }).payment.status).toBe("requires_action");

		const pagePath = new URL(placed.payment.redirectUrl).pathname;
		const page = await get(s.jar, pagePath);
		const approved = await post(s.jar, `${pagePath}/approve`, { csrf: fieldOf(page.html, "csrf") });
		expect(approved.res.status).toBe(303);
		const after = await confirm(s, placed.order.id);
		expect(after.status).toBe(200);
		expect(((await after.json()) as { payment: { status: string } }).payment.status).toBe("succeeded");
		// A repeat changes nothing and answers the same.
		expect(((await (await confirm(s, placed.order.id)).json()) as { payment: { status: string } }).payment.status).toBe(
			"succeeded",
		);
	});

	it("refuses anonymous callers, other customers' orders and ids that name no order", async () => {
		const owner = await signUp("Order Owner");
		const placed = await checkout(owner);
		expect((await confirm(null, placed.order.id)).status).toBe(401);
		const other = await signUp("Someone Else");
		const theirs = await confirm(other, placed.order.id);
		expect(theirs.status).toBe(404);
		expect(theirs.headers.get("content-type")).toContain("application/problem+json");
		expect((await confirm(owner, "not-an-order")).status).toBe(404);
		// A cookie write from another site is refused before anything is asked.
		const cross = await edge(`/api/checkout/orders/${placed.order.id}/confirm`, {
			method: "POST",
			headers: { ...owner.jar.header(), origin: "https://evil.example", "content-type": "application/json" },
		});
		expect(cross.status).toBe(403);
	});
});
