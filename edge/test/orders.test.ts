import { ORDER_STATUS_WORDS as STATUS_WORDS } from "@bazaar/contracts/order";
import { describe, expect, it } from "vitest";
import { actorWords } from "../src/lib/orders";
import {
	approvePayment,
	bearerFor,
	coreCall,
	csrfOf,
	eventually,
	get,
	Jar,
	placeOrder,
	post,
	type Shopper,
	signUp,
} from "./account-support";
import { edge, ORIGIN } from "./helpers";

// The customer's orders: /account/orders pages and the /api/orders JSON, over orders placed
// through the real core's checkout (cart line → POST /checkout), paid on the sandbox gateway's
// hosted page, and shipped/delivered by an admin through the core's order API.

const ADMIN = { user: "usr_01HADMINADMINADMINADMINADM", roles: ["admin"] };

type OrderJson = {
	id: string;
	status: string;
	total: number;
	paymentReference: string | null;
	trackingNumber: string | null;
	timeline: { from: string | null; to: string; actor: string; reason: string | null }[];
};

async function coreOrder(s: Shopper, id: string): Promise<OrderJson> {
	const res = await coreCall("GET", `/orders/${id}`, s.caller);
	expect(res.status).toBe(200);
	return res.body;
}

const timelineOf = (html: string) => /<ol class="timeline"[^>]*>(.*?)<\/ol>/s.exec(html)?.[1] ?? "";

function api(path: string, init: RequestInit & { jar?: Jar; bearer?: string } = {}) {
	const headers = new Headers(init.headers);
	if (init.jar) for (const [k, v] of Object.entries(init.jar.header())) headers.set(k, v);
	if (init.bearer) headers.set("authorization", `Bearer ${init.bearer}`);
	return edge(path, { ...init, headers, redirect: "manual" });
}

describe("order pages", () => {
	it("lists the shopper's orders and shows one with lines, totals, address and timeline", async () => {
		const s = await signUp("Order Viewer");
		const empty = await get(s.jar, "/account/orders");
		expect(empty.res.status).toBe(200);
		expect(empty.html).toContain("You have not placed an order yet.");

		const order = await placeOrder(s.caller, 2);
		const list = await get(s.jar, "/account/orders");
		expect(list.res.headers.get("cache-control")).toBe("no-store");
		expect(list.html).toContain(`data-order-id="${order.id}"`);
		expect(list.html).toContain(`href="/account/orders/${order.id}"`);
		expect(list.html).toContain('data-status="pending_payment">pending payment<');

		const detail = await get(s.jar, `/account/orders/${order.id}`);
		expect(detail.res.status).toBe(200);
		expect(detail.res.headers.get("cache-control")).toBe("no-store");
		const o = await coreOrder(s, order.id);
		const full = (await coreCall("GET", `/orders/${order.id}`, s.caller)).body;
		const usd = (n: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(n / 100);
		expect(detail.html).toContain(`<td data-testid="order-total">${usd(o.total)}</td>`);
		expect(detail.html).toContain(`<td data-testid="order-tax">${usd(full.taxAmount)}</td>`);
		expect(detail.html).toContain(`<td data-testid="order-shipping">${usd(full.shippingAmount)}</td>`);
		expect(detail.html).toContain(full.lines[0].title.replaceAll("&", "&amp;").replaceAll("'", "&#39;"));
		expect(detail.html).toContain(`<td>${full.lines[0].quantity}</td>`);
		expect(detail.html).toContain("1 Market Street");
		expect(detail.html).toContain("Shipping (Standard)");
		expect(detail.html).toContain("pending payment");
		expect(detail.html).toContain("not paid yet");
		expect(detail.html).toContain(`action="/account/orders/${order.id}/cancel"`);
		const timeline = timelineOf(detail.html);
		expect(timeline).toContain('data-to="pending_payment"');
		expect(timeline).toMatch(/<time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
		expect(timeline).toContain("by <span");
		expect(timeline).toContain(">you</span>");
	});

	it("shows the payment, shipping and delivery steps in the timeline, and no cancel once paid", async () => {
		const s = await signUp("Order Follower");
		const order = await placeOrder(s.caller);
		await approvePayment(order);
		await eventually(async () => ((await coreOrder(s, order.id)).status === "paid" ? true : undefined), "order paid");

		const paid = await get(s.jar, `/account/orders/${order.id}`);
		const o = await coreOrder(s, order.id);
		expect(o.paymentReference).not.toBeNull();
		expect(paid.html).toContain('data-status="paid">paid<');
		expect(paid.html).toContain(`<code>${o.paymentReference}</code>`);
		expect(paid.html).not.toContain("/cancel");
		expect(timelineOf(paid.html)).toContain("payment gateway (sandbox)");

		// Cancelling a paid order is refused (409) and changes nothing.
		const csrf = csrfOf((await get(s.jar, "/account")).html);
		const refused = await post(s.jar, `/account/orders/${order.id}/cancel`, { csrf });
		expect(refused.res.status).toBe(409);
		expect(refused.html).toContain("can no longer be cancelled");
		expect((await coreOrder(s, order.id)).status).toBe("paid");

		const shipped = await coreCall("POST", `/orders/admin/${order.id}/fulfil`, ADMIN, { trackingNumber: "TRK-12345" });
		expect(shipped.status).toBe(200);
		const page = await get(s.jar, `/account/orders/${order.id}`);
		expect(page.html).toContain('data-status="fulfilled">shipped<');
		expect(page.html).toContain("<code>TRK-12345</code>");
		expect(timelineOf(page.html)).toContain("paid → <strong>shipped</strong>, by <span");
		expect(timelineOf(page.html)).toContain(">shop staff</span>");

		expect((await coreCall("POST", `/orders/admin/${order.id}/deliver`, ADMIN, {})).status).toBe(200);
		const delivered = await get(s.jar, `/account/orders/${order.id}`);
		expect(delivered.html).toContain('data-status="delivered">delivered<');
		const steps = [...timelineOf(delivered.html).matchAll(/data-to="([a-z_]+)"/g)].map((m) => m[1]);
		expect(steps).toEqual(["pending_payment", "paid", "fulfilled", "delivered"]);
	});

	it("cancels a pending order from its page; the timeline says who and why", async () => {
		const s = await signUp("Order Canceller");
		const order = await placeOrder(s.caller);
		const page = await get(s.jar, `/account/orders/${order.id}`);
		const { res } = await post(s.jar, `/account/orders/${order.id}/cancel`, { csrf: csrfOf(page.html) });
		expect(res.status).toBe(303);
		expect(res.headers.get("location")).toBe(`/account/orders/${order.id}?done=cancelled`);
		const after = await get(s.jar, `/account/orders/${order.id}?done=cancelled`);
		expect(after.html).toContain("The order was cancelled.");
		expect(after.html).toContain('data-status="cancelled">cancelled<');
		expect(after.html).not.toContain(`action="/account/orders/${order.id}/cancel"`);
		const timeline = timelineOf(after.html);
		expect(timeline).toContain('data-to="cancelled"');
		expect(timeline).toContain("pending payment → <strong>cancelled</strong>, by <span");
		expect(timeline).toContain("(cancelled by the customer)");
		expect((await coreOrder(s, order.id)).status).toBe("cancelled");
	});

	it("refuses the cancel form without the session's CSRF token (403) and leaves the order pending", async () => {
		const s = await signUp("Csrf Order");
		const order = await placeOrder(s.caller);
		const csrf = csrfOf((await get(s.jar, `/account/orders/${order.id}`)).html);
		const other = await signUp("Other Csrf");
		const otherCsrf = csrfOf((await get(other.jar, "/account")).html);
		const path = `/account/orders/${order.id}/cancel`;
		expect((await post(s.jar, path, {})).res.status).toBe(403);
		expect((await post(s.jar, path, { csrf: "A".repeat(43) })).res.status).toBe(403);
		expect((await post(s.jar, path, { csrf: otherCsrf })).res.status).toBe(403);
		expect((await post(s.jar, path, { csrf }, { origin: "https://evil.example" })).res.status).toBe(403);
		expect((await coreOrder(s, order.id)).status).toBe("pending_payment");
	});

	it("answers 404 for another customer's order, in HTML and JSON, and never changes it", async () => {
		const owner = await signUp("Order Owner");
		const order = await placeOrder(owner.caller);
		const intruder = await signUp("Order Intruder");

		const page = await get(intruder.jar, `/account/orders/${order.id}`);
		expect(page.res.status).toBe(404);
		expect(page.html.startsWith("<!doctype html>")).toBe(true);
		expect(page.html).not.toContain(order.id.slice(4));
		const csrf = csrfOf((await get(intruder.jar, "/account")).html);
		expect((await post(intruder.jar, `/account/orders/${order.id}/cancel`, { csrf })).res.status).toBe(404);
		expect((await get(intruder.jar, "/account/orders")).html).not.toContain(order.id);

		const json = await api(`/api/orders/${order.id}`, { jar: intruder.jar });
		expect(json.status).toBe(404);
		expect(json.headers.get("content-type")).toBe("application/problem+json");
		const cancel = await api(`/api/orders/${order.id}/cancel`, {
			jar: intruder.jar,
			method: "POST",
			headers: { "content-type": "application/json", origin: ORIGIN },
			body: "{}",
		});
		expect(cancel.status).toBe(404);
		expect((await coreOrder(owner, order.id)).status).toBe("pending_payment");

		for (const bad of ["ord_nope", "..%2F..%2Fidentity%2Fme", "x".repeat(300)]) {
			expect((await get(intruder.jar, `/account/orders/${bad}`)).res.status, bad).toBe(404);
			expect((await api(`/api/orders/${bad}`, { jar: intruder.jar })).status, bad).toBe(404);
		}
	});

	it("pages through the orders with the core's cursor", async () => {
		const s = await signUp("Many Orders");
		const placed = [];
		for (let i = 0; i < 3; i++) placed.push(await placeOrder(s.caller));
		const first = await get(s.jar, "/account/orders?limit=2");
		const ids = (html: string) => [...html.matchAll(/data-order-id="(ord_[0-9A-Z]+)"/g)].map((m) => m[1]);
		// Newest first.
		expect(ids(first.html)).toEqual([placed[2]!.id, placed[1]!.id]);
		const older = /<a href="([^"]+)" rel="next">Older orders<\/a>/.exec(first.html)?.[1]?.replaceAll("&amp;", "&");
		// The cursor is the list's own (opaque), carried over with the page size.
		expect(older).toMatch(/^\/account\/orders\?cursor=[A-Za-z0-9_-]+&limit=2$/);
		const second = await get(s.jar, older!);
		expect(ids(second.html)).toEqual([placed[0]!.id]);
		expect(second.html).not.toContain("Older orders");
		expect(second.html).toContain('<a href="/account/orders">Newest orders</a>');

		expect((await get(s.jar, "/account/orders?limit=0")).res.status).toBe(400);
		expect((await get(s.jar, "/account/orders?limit=1000")).res.status).toBe(400);
		expect((await get(s.jar, "/account/orders?cursor=bogus")).res.status).toBe(400);
		const anonymous = await get(new Jar(), "/account/orders");
		expect(anonymous.res.status).toBe(303);
		expect(anonymous.res.headers.get("location")).toBe("/account/login?next=%2Faccount%2Forders");
	});
});

describe("/api/orders", () => {
	it("answers 401 problem JSON to anonymous callers and to forged bearer tokens", async () => {
		for (const init of [{}, { bearer: "A".repeat(43) }, { bearer: "not-a-token" }]) {
			for (const [path, method] of [
				["/api/orders", "GET"],
				["/api/orders/ord_01HZZZZZZZZZZZZZZZZZZZZZZZ", "GET"],
				["/api/orders/ord_01HZZZZZZZZZZZZZZZZZZZZZZZ/cancel", "POST"],
			] as const) {
				const res = await api(path, {
					...init,
					method,
					headers: { "content-type": "application/json", origin: ORIGIN },
					...(method === "POST" ? { body: "{}" } : {}),
				});
				expect(res.status, `${method} ${path}`).toBe(401);
				expect(res.headers.get("content-type")).toBe("application/problem+json");
				expect(((await res.json()) as { status: number }).status).toBe(401);
			}
		}
	});

	it("lists and shows the shopper's orders by cookie or bearer token", async () => {
		const s = await signUp("Api Reader");
		const order = await placeOrder(s.caller);
		const byCookie = await api("/api/orders", { jar: s.jar });
		expect(byCookie.status).toBe(200);
		expect(byCookie.headers.get("cache-control")).toBe("no-store");
		const list = (await byCookie.json()) as { items: { id: string; status: string }[]; nextCursor: string | null };
		expect(list.items.map((o) => o.id)).toEqual([order.id]);
		expect(list.items[0]!.status).toBe("pending_payment");

		const token = await bearerFor(s);
		const one = await api(`/api/orders/${order.id}`, { bearer: token });
		expect(one.status).toBe(200);
		const detail = (await one.json()) as OrderJson;
		expect(detail.id).toBe(order.id);
		expect(detail.timeline.map((t) => t.to)).toEqual(["pending_payment"]);

		const bad = await api("/api/orders?limit=abc", { bearer: token });
		expect(bad.status).toBe(400);
		expect(bad.headers.get("content-type")).toBe("application/problem+json");
		expect((await api("/api/orders?cursor=ord_x", { bearer: token })).status).toBe(400);
	});

	it("cancels by cookie only as same-site JSON (415/403 otherwise), and by bearer without either", async () => {
		const s = await signUp("Api Canceller");
		const a = await placeOrder(s.caller);
		const cancel = (init: RequestInit & { jar?: Jar; bearer?: string }) =>
			api(`/api/orders/${a.id}/cancel`, { method: "POST", ...init });

		const form = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
			body: "reason=x",
		});
		expect(form.status).toBe(415);
		const noType = await cancel({ jar: s.jar, headers: { origin: ORIGIN }, body: "{}" });
		expect(noType.status).toBe(415);
		const crossSite = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/json", origin: "https://evil.example" },
			body: "{}",
		});
		expect(crossSite.status).toBe(403);
		const fetchSite = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/json", "sec-fetch-site": "cross-site" },
			body: "{}",
		});
		expect(fetchSite.status).toBe(403);
		const malformed = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/json", origin: ORIGIN },
			body: "{not json",
		});
		expect(malformed.status).toBe(400);
		const unknownField = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/json", origin: ORIGIN },
			body: JSON.stringify({ status: "paid" }),
		});
		expect(unknownField.status).toBe(400);
		const tooLong = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/json", origin: ORIGIN },
			body: JSON.stringify({ reason: "r".repeat(600) }),
		});
		expect(tooLong.status).toBe(400);
		const tooBig = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/json", origin: ORIGIN },
			body: JSON.stringify({ reason: "r".repeat(20_000) }),
		});
		expect(tooBig.status).toBe(413);
		expect((await coreOrder(s, a.id)).status).toBe("pending_payment");

		const ok = await cancel({
			jar: s.jar,
			headers: { "content-type": "application/json", origin: ORIGIN },
			body: JSON.stringify({ reason: "changed my mind" }),
		});
		expect(ok.status).toBe(200);
		expect(((await ok.json()) as { status: string }).status).toBe("cancelled");
		const after = await coreOrder(s, a.id);
		expect(after.timeline.at(-1)).toMatchObject({ to: "cancelled", actor: s.caller.user, reason: "changed my mind" });

		// A bearer client sends no cookie, so neither JSON nor an Origin is needed; no body at all is fine.
		const b = await placeOrder(s.caller);
		const token = await bearerFor(s);
		const byBearer = await api(`/api/orders/${b.id}/cancel`, { method: "POST", bearer: token });
		expect(byBearer.status).toBe(200);
		expect((await coreOrder(s, b.id)).status).toBe("cancelled");

		// A paid order cannot be cancelled: 409 problem, no change.
		const c = await placeOrder(s.caller);
		await approvePayment(c);
		await eventually(async () => ((await coreOrder(s, c.id)).status === "paid" ? true : undefined), "order paid");
		const late = await api(`/api/orders/${c.id}/cancel`, { method: "POST", bearer: token });
		expect(late.status).toBe(409);
		expect(late.headers.get("content-type")).toBe("application/problem+json");
		expect((await coreOrder(s, c.id)).status).toBe("paid");
	});
});

describe("order words", () => {
	it("names every status and every kind of actor in words", () => {
		expect(STATUS_WORDS).toEqual({
			pending_payment: "pending payment",
			paid: "paid",
			fulfilled: "shipped",
			delivered: "delivered",
			cancelled: "cancelled",
			expired: "expired",
			partially_refunded: "partially refunded",
			refunded: "refunded",
		});
		const me = "usr_01HCUSTOMERCUSTOMERCUSTOME";
		expect(actorWords(me, me)).toBe("you");
		expect(actorWords("system", me)).toBe("the shop (automatically)");
		expect(actorWords("payment:sandbox", me)).toBe("payment gateway (sandbox)");
		expect(actorWords("usr_01HSTAFFSTAFFSTAFFSTAFFSTA", me)).toBe("shop staff");
	});
});
