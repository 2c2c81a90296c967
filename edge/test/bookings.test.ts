import { describe, expect, it } from "vitest";
import { api, csrfOf, get, Jar, makeAppointment, postForm, signUp, unique } from "./cart-fixtures";
import { eventually, pay } from "./shopper";

// Managing a booked service through the Worker against the real core: the guest's page (by the
// mailed link's key) and the account's page show the booking with reschedule and cancel forms
// until the cut-off (CSRF-checked), the JSON API does the same, and nobody else can.

const HOUR = 3_600_000;
const hourAhead = (n: number) => new Date((Math.floor(Date.now() / HOUR) + n) * HOUR).toISOString();

/** Books `slot` through the JSON API and pays on the sandbox's page; the order's id. */
async function bookAndPay(jar: Jar, variantId: string, slot: string, email?: string) {
	expect((await api(jar, "POST", "/api/cart/lines", { variantId, quantity: 1, slot })).res.status).toBe(200);
	const placed = await api(
		jar,
		"POST",
		"/api/checkout",
		{ billing: { name: "Bo Booker", country: "US" }, ...(email ? { email } : {}) },
		{ "idempotency-key": crypto.randomUUID() },
	);
	expect(placed.res.status, JSON.stringify(placed.body)).toBe(201);
	const { order, payment } = placed.body as { order: { id: string }; payment: { redirectUrl: string } };
	await pay({ jar }, payment.redirectUrl, "approve");
	return order.id;
}

describe("a guest's booking", () => {
	it("is moved from its page and cancelled by the API with the link's key; strangers and forged forms are refused", async () => {
		const { variantId } = await makeAppointment(1);
		const jar = new Jar();
		const email = `booker-${unique()}@example.com`;
		const first = hourAhead(72);
		const orderId = await bookAndPay(jar, variantId, first, email);
		const found = await api(new Jar(), "POST", "/api/orders/lookup", { orderId, email });
		expect(found.res.status).toBe(200);
		const key = (found.body as { key: string }).key;
		const q = `?key=${encodeURIComponent(key)}`;

		// A stranger (an account, or a wrong key) sees nothing and changes nothing.
		const stranger = new Jar();
		await signUp(stranger, "Mallory");
		expect((await api(stranger, "GET", `/api/orders/${orderId}/bookings`)).res.status).toBe(404);
		expect((await api(stranger, "POST", `/api/orders/${orderId}/bookings/0/cancel`)).res.status).toBe(404);
		expect(
			(await api(new Jar(), "GET", `/api/orders/guest/${orderId}/bookings?key=${"B".repeat(43)}`)).res.status,
		).toBe(404);
		expect((await api(new Jar(), "POST", `/api/orders/${orderId}/bookings/0/cancel`)).res.status).toBe(401);

		// Its page: the booking with both forms (the order is paid once its booking is sold).
		const browser = new Jar();
		const page = await eventually(
			async () => {
				const p = await get(browser, `/orders/guest/${orderId}${q}`);
				return p.html.includes("Move this booking") ? p : undefined;
			},
			"the paid order's booking forms",
			30_000,
		);
		expect(page.html).toContain(`action="/orders/guest/${orderId}/bookings/0/reschedule"`);
		expect(page.html).toContain(`action="/orders/guest/${orderId}/bookings/0/cancel"`);
		const csrf = csrfOf(page.html);
		const second = hourAhead(75);
		const fields = { csrf, key, slot: second.slice(0, 16) };
		// A forged form (no CSRF token) changes nothing.
		const forged = await postForm(browser, `/orders/guest/${orderId}/bookings/0/reschedule`, {
			key,
			slot: second.slice(0, 16),
		});
		expect(forged.res.status).toBe(403);
		const moved = await eventually(
			async () => {
				const r = await postForm(browser, `/orders/guest/${orderId}/bookings/0/reschedule`, fields);
				return r.res.status === 303 ? r : undefined;
			},
			"the booking sold and moved",
			30_000,
		);
		expect(moved.res.headers.get("location")).toContain("done=rescheduled");
		const list = await api(new Jar(), "GET", `/api/orders/guest/${orderId}/bookings${q}`);
		expect(list.res.status).toBe(200);
		expect((list.body as { items: unknown[] }).items[0]).toMatchObject({ slot: second, sequence: 1, changeable: true });

		// The API: a bad slot is a 400 problem; a move back, then the cancel.
		const bad = await api(new Jar(), "POST", `/api/orders/guest/${orderId}/bookings/0/reschedule${q}`, {
			slot: "soon",
		});
		expect(bad.res.status).toBe(400);
		expect(bad.res.headers.get("content-type")).toContain("application/problem+json");
		const back = await api(new Jar(), "POST", `/api/orders/guest/${orderId}/bookings/0/reschedule${q}`, {
			slot: first,
		});
		expect(back.res.status).toBe(200);
		expect(back.body).toMatchObject({ changed: true, booking: { slot: first, sequence: 2 } });
		const cancelled = await api(new Jar(), "POST", `/api/orders/guest/${orderId}/bookings/0/cancel${q}`);
		expect(cancelled.res.status).toBe(200);
		expect(cancelled.body).toMatchObject({ booking: { status: "cancelled", changeable: false } });
		const after = await get(new Jar(), `/orders/guest/${orderId}${q}`);
		expect(after.html).toContain("cancelled; its price is refunded to how you paid");
		expect(after.html).not.toContain("Move this booking");
	}, 90_000);
});

describe("an account's booking", () => {
	it("inside the cut-off: no buttons, and a posted form gets a 409 with the reason", async () => {
		const { variantId } = await makeAppointment(2);
		const jar = new Jar();
		await signUp(jar, "Ann Account");
		const orderId = await bookAndPay(jar, variantId, hourAhead(5));
		const page = await eventually(
			async () => {
				const p = await get(jar, `/account/orders/${orderId}`);
				// Paid (a service with nothing to ship may already read fulfilled or delivered).
				return /data-status="(paid|fulfilled|delivered)"/.test(p.html) ? p : undefined;
			},
			"the paid order's page",
			30_000,
		);
		expect(page.html).toContain('data-testid="order-bookings"');
		expect(page.html).toContain('data-testid="booking-closed"');
		expect(page.html).not.toContain("Cancel this booking");
		// The session's token from another of its forms (this page has none).
		const csrf = csrfOf((await get(jar, "/account")).html);
		const refused = await postForm(jar, `/account/orders/${orderId}/bookings/0/cancel`, { csrf });
		expect(refused.res.status).toBe(409);
		expect(refused.html).toContain("can no longer be rescheduled or cancelled");
		const byApi = await api(jar, "POST", `/api/orders/${orderId}/bookings/0/reschedule`, { slot: hourAhead(40) });
		expect(byApi.res.status).toBe(409);
	}, 90_000);
});
