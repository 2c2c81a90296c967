import { describe, expect, it } from "vitest";
import { api } from "./cart-fixtures";
import { edge } from "./helpers";
import { eventually, fieldOf, freshVariant, get, hiddenFields, Jar, pay, post, signUp } from "./shopper";

// Guest checkout through the Worker against the real core: a shopper with a cart cookie and no
// account checks out with an email, pays on the sandbox's page, comes back to the confirmation,
// and finds the order again by the mailed link or by number + email — and nobody else does.

const ADDRESS = {
	name: "Gus Guest",
	line1: "1 Market Street",
	city: "San Francisco",
	region: "CA",
	postalCode: "94105",
	country: "US",
};

const guestEmail = () => `guest-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.com`;

/** A fresh browser with one line in its (guest) cart, put there through the JSON API. */
async function guestWithCart(): Promise<Jar> {
	const jar = new Jar();
	const v = await freshVariant();
	const added = await api(jar, "POST", "/api/cart/lines", { variantId: v.id, quantity: 1 });
	expect(added.res.status).toBe(200);
	return jar;
}

/** The guest link of the order's confirmation mail, read from the dev mailbox. */
async function mailedLink(email: string, orderId: string): Promise<string> {
	return eventually(async () => {
		const { html } = await get(new Jar(), `/dev/mail?to=${encodeURIComponent(email)}&limit=10`);
		const m = new RegExp(`href="https://shop\\.example(/orders/guest/${orderId}\\?key=[A-Za-z0-9_-]+)"`).exec(html);
		return m?.[1];
	}, "the confirmation mail");
}

async function guestOrderThroughPages(): Promise<{ jar: Jar; email: string; orderId: string }> {
	const jar = await guestWithCart();
	const email = guestEmail();
	const start = await get(jar, "/checkout");
	expect(start.res.status).toBe(200);
	expect(start.html).toContain("Checking out as a guest");
	expect(start.html).not.toContain("Save to my address book");
	const csrf = fieldOf(start.html, "csrf");

	const noEmail = await post(jar, "/checkout/shipping", { csrf, addressId: "new", ...ADDRESS });
	expect(noEmail.res.status).toBe(422);
	expect(noEmail.html).toContain('id="email-error"');

	const shipping = await post(jar, "/checkout/shipping", { csrf, addressId: "new", email, ...ADDRESS });
	expect(shipping.res.status).toBe(200);
	const review = await post(jar, "/checkout/review", {
		...hiddenFields(shipping.html, "/checkout/review"),
		shippingMethod: "standard",
	});
	expect(review.res.status).toBe(200);
	const place = hiddenFields(review.html, "/checkout/place");
	expect(place.email).toBe(email);
	const placed = await post(jar, "/checkout/place", place);
	expect(placed.res.status).toBe(303);
	const back = await pay({ jar }, placed.res.headers.get("location") ?? "", "approve");
	const orderId = /\/(ord_[0-9A-Z]{26})$/.exec(back.pathname)?.[1] ?? "";
	const confirmation = await eventually(async () => {
		const page = await get(jar, `${back.pathname}${back.search}`);
		expect(page.res.status).toBe(200);
		return page.html.includes("Thank you, order paid") ? page : undefined;
	}, "the guest order paid");
	expect(confirmation.html).toContain(orderId);
	return { jar, email, orderId };
}

describe("guest checkout pages", () => {
	it("email instead of an account → sandbox → confirmation; the mailed link opens the order, nothing else does", async () => {
		const { jar, email, orderId } = await guestOrderThroughPages();
		const link = await mailedLink(email, orderId);

		// The link works in any browser (it is the mail's), and says the order is paid.
		const opened = await get(new Jar(), link);
		expect(opened.res.status).toBe(200);
		expect(opened.res.headers.get("cache-control")).toBe("no-store");
		expect(opened.res.headers.get("referrer-policy")).toBe("no-referrer");
		expect(opened.html).toContain(orderId);
		expect(opened.html).toContain('data-status="paid"');
		// Paid: no cancel form.
		expect(opened.html).not.toContain(`action="/orders/guest/${orderId}/cancel"`);

		// A forged key, no key, another guest's cookie, another account: the same 404.
		const forged = link.replace(/key=[A-Za-z0-9_-]+/, `key=${"A".repeat(43)}`);
		expect((await get(new Jar(), forged)).res.status).toBe(404);
		expect((await get(new Jar(), `/orders/guest/${orderId}`)).res.status).toBe(404);
		const otherGuest = await guestWithCart();
		expect((await get(otherGuest, `/checkout/return/${orderId}`)).res.status).toBe(404);
		const account = await signUp("Mallory");
		expect((await get(account.jar, `/account/orders/${orderId}`)).res.status).toBe(404);
		expect((await get(account.jar, `/checkout/return/${orderId}`)).res.status).toBe(404);
		// The guest's own browser still sees its confirmation.
		expect((await get(jar, `/checkout/return/${orderId}`)).res.status).toBe(200);
	}, 60_000);

	it("finds the order by number + email; a wrong number and a wrong email get the same answer", async () => {
		const { email, orderId } = await guestOrderThroughPages();
		const jar = new Jar();
		const form = await get(jar, "/orders/lookup");
		expect(form.res.status).toBe(200);
		const csrf = fieldOf(form.html, "csrf");
		const found = await post(jar, "/orders/lookup", { csrf, orderId, email: email.toUpperCase() });
		expect(found.res.status).toBe(303);
		expect(found.res.headers.get("location")).toBe(await mailedLink(email, orderId));

		const wrongEmail = await post(jar, "/orders/lookup", { csrf, orderId, email: guestEmail() });
		const wrongNumber = await post(jar, "/orders/lookup", { csrf, orderId: "ord_01ARZ3NDEKTSV4RRFFQ69G5FAV", email });
		expect(wrongEmail.res.status).toBe(404);
		expect(wrongNumber.res.status).toBe(404);
		const said = (html: string) => /No guest order matches[^<]*/.exec(html)?.[0];
		expect(said(wrongEmail.html)).toBeDefined();
		expect(said(wrongEmail.html)).toBe(said(wrongNumber.html));
		// Without the CSRF token: refused before anything is looked up.
		expect((await post(jar, "/orders/lookup", { orderId, email })).res.status).toBe(403);
	}, 60_000);
});

describe("a guest's unpaid order", () => {
	it("is cancelled from its page: CSRF-checked, only with its key, then shown cancelled", async () => {
		const jar = await guestWithCart();
		const email = guestEmail();
		const placed = await api(
			jar,
			"POST",
			"/api/checkout",
			{ address: ADDRESS, shippingMethod: "standard", email },
			{ "idempotency-key": crypto.randomUUID() },
		);
		expect(placed.res.status).toBe(201);
		const orderId = (placed.body as { order: { id: string } }).order.id;
		const found = await api(new Jar(), "POST", "/api/orders/lookup", { orderId, email });
		const { href, key } = found.body as { href: string; key: string };

		const browser = new Jar();
		const page = await get(browser, href);
		expect(page.res.status).toBe(200);
		expect(page.html).toContain(`action="/orders/guest/${orderId}/cancel"`);
		const csrf = fieldOf(page.html, "csrf");
		const cancelPath = `/orders/guest/${orderId}/cancel`;
		// No CSRF token, a forged key, no key: refused, and the order still waits for payment.
		expect((await post(browser, cancelPath, { key })).res.status).toBe(403);
		expect((await post(browser, cancelPath, { csrf, key: "B".repeat(43) })).res.status).toBe(404);
		expect((await post(browser, cancelPath, { csrf })).res.status).toBe(404);
		expect((await get(browser, href)).html).toContain('data-status="pending_payment"');

		const cancelled = await post(browser, cancelPath, { csrf, key });
		expect(cancelled.res.status).toBe(303);
		const back = cancelled.res.headers.get("location") ?? "";
		expect(back).toBe(`${href}&done=cancelled`);
		const after = await get(browser, back);
		expect(after.html).toContain("The order was cancelled.");
		expect(after.html).toContain('data-status="cancelled"');
		expect(after.html).not.toContain(`action="${cancelPath}"`);

		// The JSON API: the same rule by the key in the query (another key: 404; a paid order: 409).
		const again = await guestWithCart();
		const second = await api(
			again,
			"POST",
			"/api/checkout",
			{ address: ADDRESS, shippingMethod: "standard", email },
			{ "idempotency-key": crypto.randomUUID() },
		);
		const secondId = (second.body as { order: { id: string } }).order.id;
		const secondKey = (
			(await api(new Jar(), "POST", "/api/orders/lookup", { orderId: secondId, email })).body as { key: string }
		).key;
		const forged = await api(new Jar(), "POST", `/api/orders/guest/${secondId}/cancel?key=${key}`);
		expect(forged.res.status).toBe(404);
		expect(forged.res.headers.get("content-type")).toContain("application/problem+json");
		const viaApi = await api(new Jar(), "POST", `/api/orders/guest/${secondId}/cancel?key=${secondKey}`);
		expect(viaApi.res.status).toBe(200);
		expect((viaApi.body as { status: string }).status).toBe("cancelled");
	}, 60_000);
});

describe("guest checkout API", () => {
	it("POST /api/checkout with an email, then the lookup and the order by key, as JSON", async () => {
		const jar = await guestWithCart();
		const key = crypto.randomUUID();
		const body = { address: ADDRESS, shippingMethod: "standard" };
		const noEmail = await api(jar, "POST", "/api/checkout", body, { "idempotency-key": key });
		expect(noEmail.res.status).toBe(422);
		expect(noEmail.res.headers.get("content-type")).toContain("application/problem+json");
		const email = guestEmail();
		const placed = await api(jar, "POST", "/api/checkout", { ...body, email }, { "idempotency-key": key });
		expect(placed.res.status).toBe(201);
		const order = placed.body?.order as { id: string; email: string; customerId: string };
		expect(order.email).toBe(email);
		expect(order.customerId).toMatch(/^gst_/);

		const found = await api(new Jar(), "POST", "/api/orders/lookup", { orderId: order.id, email });
		expect(found.res.status).toBe(200);
		const { key: orderKey, href } = found.body as { key: string; href: string };
		expect(href).toBe(`/orders/guest/${order.id}?key=${orderKey}`);
		const byKey = await api(new Jar(), "GET", `/api/orders/guest/${order.id}?key=${orderKey}`);
		expect(byKey.res.status).toBe(200);
		expect((byKey.body as { status: string }).status).toBe("pending_payment");
		// Another guest's cookie cannot confirm its payment.
		const other = await guestWithCart();
		expect((await api(other, "POST", `/api/checkout/orders/${order.id}/confirm`)).res.status).toBe(404);

		const bad = await api(new Jar(), "POST", "/api/orders/lookup", { orderId: order.id });
		expect(bad.res.status).toBe(400);
		expect(bad.res.headers.get("content-type")).toContain("application/problem+json");
		const miss = await api(new Jar(), "POST", "/api/orders/lookup", { orderId: order.id, email: guestEmail() });
		expect(miss.res.status).toBe(404);
		const forged = await edge(`/api/orders/guest/${order.id}?key=${"B".repeat(43)}`);
		expect(forged.status).toBe(404);
		// Neither a session nor a cart: nothing to check out.
		const nobody = await api(new Jar(), "POST", "/api/checkout", { ...body, email }, { "idempotency-key": key });
		expect(nobody.res.status).toBe(401);
	}, 60_000);
});
