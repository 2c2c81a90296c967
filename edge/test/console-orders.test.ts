import { ShipmentList } from "@bazaar/contracts/fulfillment";
import { OrderDetail, RefundRequestList } from "@bazaar/contracts/order";
import { beforeAll, describe, expect, it } from "vitest";
import { approvePayment, eventually, placeOrder, signUp } from "./account-support";
import { csrfOf, get, post, type StaffBrowser, staffBrowser } from "./console-support";
import { adminHeaders, edge, ORIGIN } from "./helpers";

// The console's order page against the real core and the sandbox gateway: an admin refunds some
// units of a paid order and ships the rest; a support agent reads the same page without its forms.

let admin: StaffBrowser;
let agent: StaffBrowser;

beforeAll(async () => {
	[admin, agent] = await Promise.all([staffBrowser(["admin"]), staffBrowser(["support_agent"])]);
});

async function adminApi<T>(path: string, parse: (v: unknown) => T): Promise<T> {
	const res = await edge(`/api/admin${path}`, { headers: await adminHeaders() });
	expect(res.status, path).toBe(200);
	return parse(await res.json());
}

async function paidOrder(quantity: number) {
	const shopper = await signUp("Console Shopper");
	const placed = await placeOrder(shopper.caller, quantity);
	await approvePayment(placed);
	return eventually(async () => {
		const order = await adminApi(`/orders/${placed.id}`, (v) => OrderDetail.parse(v));
		return order.status === "paid" ? order : undefined;
	}, "order paid");
}

describe("console orders", () => {
	it("lets an admin refund part of an order (once, whatever the double click) and ship the rest", async () => {
		const order = await paidOrder(3);
		const line = order.lines[0]!;
		const page = await get(admin.jar, `/admin/orders/${order.id}`);
		expect(page.res.status, page.html.slice(0, 1000)).toBe(200);
		expect(page.html).toContain(`action="/admin/orders/${order.id}/refund"`);
		const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.html)![1]!;
		const fields = {
			csrf: csrfOf(page.html),
			idempotencyKey: key,
			mode: "lines",
			[`line.${line.variantId}`]: "1",
			reason: "one arrived broken",
		};
		const first = await post(admin.jar, `/admin/orders/${order.id}/refund`, fields);
		expect(first.res.status, first.html.slice(0, 2000)).toBe(303);
		expect(first.res.headers.get("location")).toBe(`/admin/orders/${order.id}?done=refunded`);
		const again = await post(admin.jar, `/admin/orders/${order.id}/refund`, fields);
		expect(again.res.status).toBe(303);
		const refunds = await adminApi(`/orders/${order.id}/refunds`, (v) => RefundRequestList.parse(v));
		expect(refunds.items).toHaveLength(1);
		expect(refunds.items[0]!.reason).toBe("one arrived broken");
		const refunded = await eventually(async () => {
			const o = await adminApi(`/orders/${order.id}`, (v) => OrderDetail.parse(v));
			return o.status === "partially_refunded" ? o : undefined;
		}, "partially refunded");
		expect(refunded.refundedAmount).toBeGreaterThan(0);
		expect(refunded.refundedAmount).toBeLessThan(order.total);

		const shipment = await eventually(async () => {
			const list = await adminApi(`/fulfillment/shipments?orderId=${order.id}`, (v) => ShipmentList.parse(v));
			return list.items.find((s) => s.kind === "parcel" && s.status === "pending");
		}, "a pending parcel");
		const view = await get(admin.jar, `/admin/orders/${order.id}`);
		expect(view.html).toContain("one arrived broken");
		const shipped = await post(admin.jar, `/admin/orders/${order.id}/shipments/${shipment.id}/ship`, {
			csrf: csrfOf(view.html),
			carrier: "",
			trackingNumber: "",
		});
		expect(shipped.res.status, shipped.html.slice(0, 2000)).toBe(303);
		const after = await adminApi(`/fulfillment/shipments?orderId=${order.id}`, (v) => ShipmentList.parse(v));
		expect(after.items.find((s) => s.id === shipment.id)!.status).toBe("shipped");

		const slip = await get(admin.jar, `/admin/orders/${order.id}/slip`);
		expect(slip.res.status).toBe(200);
		expect(slip.html).toContain(line.sku);
		expect(slip.html).toContain("@media print");
		expect(slip.html).toContain(order.address?.line1 as string);
	});

	it("answers a refund the form cannot read, or one the core refuses, next to the form", async () => {
		const order = await paidOrder(1);
		const page = await get(admin.jar, `/admin/orders/${order.id}`);
		const base = { csrf: csrfOf(page.html), reason: "test", idempotencyKey: `k-${Date.now()}-abc` };
		const unreadable = await post(admin.jar, `/admin/orders/${order.id}/refund`, {
			...base,
			mode: "amount",
			amount: "ten",
		});
		expect(unreadable.res.status).toBe(422);
		expect(unreadable.html).toContain('role="alert"');
		const tooMuch = await post(admin.jar, `/admin/orders/${order.id}/refund`, {
			...base,
			mode: "amount",
			amount: String(order.total),
			idempotencyKey: `k-${Date.now()}-big`,
		});
		// More than was paid (the amount field is in major units): the core's refusal, shown on the page.
		expect(tooMuch.res.status).toBeGreaterThanOrEqual(400);
		expect(tooMuch.res.status).toBeLessThan(500);
		expect(tooMuch.html).toContain('role="alert"');
		const refunds = await adminApi(`/orders/${order.id}/refunds`, (v) => RefundRequestList.parse(v));
		expect(refunds.items).toHaveLength(0);
	});

	it("shows a support agent the order without its forms, and refuses the agent's refund", async () => {
		const order = await paidOrder(1);
		const page = await get(agent.jar, `/admin/orders/${order.id}`);
		expect(page.res.status, page.html.slice(0, 1000)).toBe(200);
		expect(page.html).toContain(order.id);
		expect(page.html).not.toContain("/refund");
		expect(page.html).not.toContain("/ship");
		const refused = await post(agent.jar, `/admin/orders/${order.id}/refund`, {
			csrf: csrfOf(page.html),
			mode: "all",
			reason: "agent tries",
		});
		expect(refused.res.status).toBe(403);
		const refunds = await adminApi(`/orders/${order.id}/refunds`, (v) => RefundRequestList.parse(v));
		expect(refunds.items).toHaveLength(0);
	});

	it("lists orders with filters and a cursor, and shows a customer's orders, addresses and roles", async () => {
		const order = await paidOrder(1);
		const paid = await get(admin.jar, "/admin/orders?status=paid");
		expect(paid.res.status, paid.html.slice(0, 1000)).toBe(200);
		expect(paid.html).toContain(`href="/admin/orders/${order.id}"`);
		const none = await get(admin.jar, `/admin/orders?status=refunded&customer=${order.customerId}`);
		expect(none.html).not.toContain(`href="/admin/orders/${order.id}"`);
		const bad = await get(admin.jar, "/admin/orders?status=lost");
		expect(bad.res.status).toBe(400);
		expect(bad.html).toContain('role="alert"');
		const first = await get(admin.jar, "/admin/orders");
		const next = /href="\?([^"]*cursor=[^"]+)" rel="next"/.exec(first.html)?.[1];
		if (next) {
			const second = await get(admin.jar, `/admin/orders?${next.replaceAll("&amp;", "&")}`);
			expect(second.res.status).toBe(200);
		}

		const customer = await get(agent.jar, `/admin/customers/${order.customerId}`);
		expect(customer.res.status, customer.html.slice(0, 1000)).toBe(200);
		expect(customer.html).toContain(order.id);
		expect(customer.html).not.toContain("/logout-everywhere");
		const list = await get(agent.jar, `/admin/customers?q=${encodeURIComponent(order.email)}`);
		expect(list.html).toContain(`href="/admin/customers/${order.customerId}"`);
		const refused = await post(agent.jar, `/admin/customers/${order.customerId}/roles`, {
			csrf: csrfOf(customer.html),
			role: "admin",
		});
		expect(refused.res.status).toBe(403);

		const page = await get(admin.jar, `/admin/customers/${order.customerId}`);
		const promoted = await edge(`/admin/customers/${order.customerId}/roles`, {
			method: "POST",
			headers: { ...admin.jar.header(), origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams([
				["csrf", csrfOf(page.html)],
				["role", "customer"],
				["role", "moderator"],
			]).toString(),
			redirect: "manual",
		});
		expect(promoted.status).toBe(303);
		const user = await adminApi(
			`/identity/users/${order.customerId}`,
			(v) => v as { roles: string[]; sessionGeneration: number },
		);
		expect(user.roles.sort()).toEqual(["customer", "moderator"]);
		const out = await post(admin.jar, `/admin/customers/${order.customerId}/logout-everywhere`, {
			csrf: csrfOf(page.html),
		});
		expect(out.res.status).toBe(303);
		const after = await adminApi(`/identity/users/${order.customerId}`, (v) => v as { sessionGeneration: number });
		expect(after.sessionGeneration).toBe(user.sessionGeneration + 1);
	});

	it("shows today's orders, revenue and what waits on the dashboard, with charts drawn as accessible SVG", async () => {
		await paidOrder(1);
		const { res, html } = await get(admin.jar, "/admin");
		expect(res.status).toBe(200);
		const figure = (id: string) =>
			/^(\d+)\+?$/.exec(new RegExp(`data-testid="${id}">([^<]*)<`).exec(html)?.[1] ?? "")?.[1];
		expect(Number(figure("orders-today"))).toBeGreaterThanOrEqual(1);
		expect(Number(figure("awaiting-dispatch") ?? "0")).toBeGreaterThanOrEqual(0);
		expect(figure("awaiting-payment")).toBeDefined();
		expect(figure("payment-conflicts")).toBeDefined();
		expect(figure("dead-letters")).toBeDefined();
		expect(html).toMatch(/data-testid="revenue-today">[^<]*\$[\d,]+\.\d\d/);
		for (const id of ["orders-hour", "revenue-hour", "orders-day", "revenue-day"]) {
			expect(html).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
			expect(html).toMatch(new RegExp(`<title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`));
		}
		expect(html).not.toContain("<script>");
		// A support agent sees the order figures but not the payment plumbing.
		const desk = await get(agent.jar, "/admin");
		expect(desk.html).toContain('data-testid="orders-today"');
		expect(desk.html).not.toContain('data-testid="dead-letters"');
		expect(desk.html).not.toContain('data-testid="low-stock"');
	});
});
