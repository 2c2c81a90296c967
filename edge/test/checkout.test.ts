import { describe, expect, it } from "vitest";
import { edge, ORIGIN } from "./helpers";
import {
	ADDRESS,
	addToCart,
	available,
	coreOrder,
	coreOrders,
	eventually,
	fieldOf,
	freshVariant,
	get,
	hiddenFields,
	Jar,
	orderIdIn,
	pay,
	post,
	type Shopper,
	setAvailable,
	signUp,
	toReview,
} from "./shopper";

// The storefront checkout through the Worker's real fetch handler against the real core: the
// address, shipping and review forms, the order placed, the sandbox gateway's page through the
// edge's /sandbox-pay proxy, its webhook settling the order, and the confirmation page.

/** A title as the page prints it (hono/jsx escapes &, <, >, " and '). */
const asHtml = (text: string) =>
	text
		.replaceAll("&", "&amp;")
		.replaceAll("<", "&lt;")
		.replaceAll(">", "&gt;")
		.replaceAll('"', "&quot;")
		.replaceAll("'", "&#39;");

describe("checkout pages", () => {
	it("sends guests to log in first, and places nothing for them", async () => {
		const jar = new Jar();
		const start = await get(jar, "/checkout");
		expect(start.res.status).toBe(303);
		expect(start.res.headers.get("location")).toBe("/account/login?next=/checkout");
		const place = await post(jar, "/checkout/place", { csrf: "x", idempotencyKey: crypto.randomUUID() });
		expect(place.res.status).toBe(303);
		expect(place.res.headers.get("location")).toBe("/account/login?next=/checkout");
		const back = await get(jar, "/checkout/return/ord_01HZZZZZZZZZZZZZZZZZZZZZZZ");
		expect(back.res.headers.get("location")).toMatch(/^\/account\/login\?next=\/checkout\/return\/ord_/);
	});

	it("address → shipping → review → place → sandbox approve → confirmation, paid", async () => {
		const s = await signUp("Ada Buyer");
		const [a, b] = [await freshVariant(), await freshVariant()];
		await addToCart(s, a.id, 1);
		await addToCart(s, b.id, 2);
		const [beforeA, beforeB] = [await available(a.sku), await available(b.sku)];

		const start = await get(s.jar, "/checkout");
		expect(start.res.headers.get("cache-control")).toBe("no-store");
		expect(start.html).toContain(asHtml(a.title));
		const csrf = fieldOf(start.html, "csrf");
		const shipping = await post(s.jar, "/checkout/shipping", { csrf, addressId: "new", save: "on", ...ADDRESS });
		expect(shipping.res.status).toBe(200);
		expect(shipping.html).toContain('data-method="standard"');
		expect(shipping.html).toContain('data-method="express"');
		// Saved to the book: the next steps carry its id, not the fields.
		const state = hiddenFields(shipping.html, "/checkout/review");
		expect(state.addressId).toMatch(/^adr_/);

		const review = await post(s.jar, "/checkout/review", { ...state, shippingMethod: "express" });
		expect(review.res.status).toBe(200);
		expect(review.html).toContain("Place order and pay");
		expect(review.html).toContain("Express shipping");
		const reviewTotal = /data-testid="total">([^<]+)</.exec(review.html)?.[1];
		expect(reviewTotal).toBeTruthy();
		const place = hiddenFields(review.html, "/checkout/place");
		expect(place.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);

		const placed = await post(s.jar, "/checkout/place", place);
		expect(placed.res.status).toBe(303);
		const gateway = placed.res.headers.get("location") ?? "";
		// A double click (or a refresh of the POST) sends the same key: the same order, no second one.
		const again = await post(s.jar, "/checkout/place", place);
		expect(again.res.headers.get("location")).toBe(gateway);
		expect(await coreOrders(s)).toHaveLength(1);
		expect(await available(a.sku)).toBe(beforeA - 1);
		expect(await available(b.sku)).toBe(beforeB - 2);

		const back = await pay(s, gateway, "approve");
		expect(back.origin).toBe(ORIGIN);
		expect(back.pathname).toMatch(/^\/checkout\/return\/ord_/);
		const orderId = orderIdIn(back);
		const confirmation = await eventually(async () => {
			const page = await get(s.jar, `${back.pathname}${back.search}`);
			expect(page.res.status).toBe(200);
			expect(page.res.headers.get("cache-control")).toBe("no-store");
			if (page.html.includes('data-status="pending_payment"')) {
				// Still waiting for the webhook: says so and looks again by itself.
				expect(page.html).toContain("payment processing");
				expect(page.res.headers.get("refresh")).toMatch(/^2; url=\/checkout\/return\/ord_/);
				return undefined;
			}
			return page;
		}, "the order paid");
		expect(confirmation.html).toContain("Thank you, order paid");
		expect(confirmation.html).toContain(orderId);
		expect(confirmation.html).toContain(asHtml(a.title));
		expect(confirmation.html).toContain(`data-testid="total">${reviewTotal}<`);
		expect(confirmation.res.headers.get("refresh")).toBeNull();
		expect((await coreOrder(s, orderId)).order?.status).toBe("paid");
		// The cart let go of the ordered lines.
		expect((await get(s.jar, "/checkout")).html).toContain("Your cart is empty");
	}, 40_000);

	it("uses an address from the book, and the same key with a different order is refused", async () => {
		const s = await signUp();
		const v = await freshVariant();
		await addToCart(s, v.id, 1);
		// First trip saves the address; the second picks it from the list.
		const first = await get(s.jar, "/checkout");
		await post(s.jar, "/checkout/shipping", {
			csrf: fieldOf(first.html, "csrf"),
			addressId: "new",
			save: "on",
			...ADDRESS,
		});
		const start = await get(s.jar, "/checkout");
		const bookId = /name="addressId" value="(adr_[0-9A-Z]{26})"/.exec(start.html)?.[1] ?? "";
		expect(bookId).not.toBe("");
		const shipping = await post(s.jar, "/checkout/shipping", { csrf: fieldOf(start.html, "csrf"), addressId: bookId });
		expect(shipping.res.status).toBe(200);
		const review = await post(s.jar, "/checkout/review", {
			...hiddenFields(shipping.html, "/checkout/review"),
			shippingMethod: "standard",
		});
		const place = hiddenFields(review.html, "/checkout/place");
		expect(place.addressId).toBe(bookId);
		expect((await post(s.jar, "/checkout/place", place)).res.status).toBe(303);

		const changed = await post(s.jar, "/checkout/place", { ...place, shippingMethod: "express" });
		expect(changed.res.status).toBe(422);
		expect(changed.html).toContain("Idempotency-Key");
		expect(await coreOrders(s)).toHaveLength(1);
	}, 30_000);

	it("refuses a form without the CSRF token or from another site, and places nothing", async () => {
		const s = await signUp();
		const v = await freshVariant();
		await addToCart(s, v.id, 1);
		const { place } = await toReview(s);
		const { csrf: _, ...noToken } = place;
		expect((await post(s.jar, "/checkout/place", noToken)).res.status).toBe(403);
		expect((await post(s.jar, "/checkout/place", { ...place, csrf: "forged" })).res.status).toBe(403);
		const crossSite = await post(s.jar, "/checkout/place", place, { origin: "https://evil.example" });
		expect(crossSite.res.status).toBe(403);
		expect(await coreOrders(s)).toHaveLength(0);
		// The genuine form still works afterwards.
		expect((await post(s.jar, "/checkout/place", place)).res.status).toBe(303);
	}, 30_000);

	it("bad address input goes back to the form with the reasons, holding nothing", async () => {
		const s = await signUp();
		const v = await freshVariant();
		await addToCart(s, v.id, 1);
		const start = await get(s.jar, "/checkout");
		const csrf = fieldOf(start.html, "csrf");
		const bad = await post(s.jar, "/checkout/shipping", { csrf, addressId: "new", ...ADDRESS, country: "USA" });
		expect(bad.res.status).toBe(422);
		expect(bad.html).toContain("country");
		expect(bad.html).toContain('value="1 Market Street"');
		const foreign = await post(s.jar, "/checkout/shipping", { csrf, addressId: "adr_01HZZZZZZZZZZZZZZZZZZZZZZZ" });
		expect(foreign.res.status).toBe(422);
		expect(foreign.html).toContain("not in your address book");
		const garbage = await post(s.jar, "/checkout/place", { csrf, idempotencyKey: "x", shippingMethod: "warp" });
		expect(garbage.res.status).toBe(400);
		expect(await coreOrders(s)).toHaveLength(0);
	}, 30_000);

	it("declined at the gateway: the cancelled page pays the same order again", async () => {
		const s = await signUp();
		const v = await freshVariant();
		await addToCart(s, v.id, 1);
		const { place } = await toReview(s);
		const placed = await post(s.jar, "/checkout/place", place);
		const firstGateway = placed.res.headers.get("location") ?? "";
		const back = await pay(s, firstGateway, "decline");
		expect(back.searchParams.get("sandbox_status")).toBe("declined");
		const orderId = orderIdIn(back);

		const landing = await get(s.jar, `${back.pathname}${back.search}`);
		expect(landing.res.status).toBe(303);
		const cancelledPath = landing.res.headers.get("location") ?? "";
		expect(cancelledPath).toMatch(new RegExp(`^/checkout/cancelled/${orderId}\\?k=`));
		const cancelled = await get(s.jar, cancelledPath);
		expect(cancelled.res.status).toBe(200);
		expect(cancelled.html).toContain("Payment not completed");
		expect((await coreOrder(s, orderId)).order?.status).toBe("pending_payment");

		// The declined attempt settles through its webhook; then "try again" opens a new one.
		const retryForm = hiddenFields(cancelled.html, `/checkout/retry/${orderId}`);
		const secondGateway = await eventually(async () => {
			const retry = await post(s.jar, `/checkout/retry/${orderId}`, retryForm);
			expect(retry.res.status).toBe(303);
			const to = retry.res.headers.get("location") ?? "";
			return to !== firstGateway ? to : undefined;
		}, "a new payment attempt");
		const paid = await pay(s, secondGateway, "approve");
		expect(orderIdIn(paid)).toBe(orderId);
		await eventually(
			async () => ((await coreOrder(s, orderId)).order?.status === "paid" ? true : undefined),
			"the order paid",
		);
		expect(await coreOrders(s)).toHaveLength(1);
		// Paid: the cancelled page now sends the shopper to the confirmation.
		const after = await get(s.jar, `/checkout/cancelled/${orderId}`);
		expect(after.res.headers.get("location")).toBe(`/checkout/return/${orderId}`);
	}, 40_000);

	it("another customer's confirmation and cancelled pages are 404", async () => {
		const owner = await signUp();
		const v = await freshVariant();
		await addToCart(owner, v.id, 1);
		const { place } = await toReview(owner);
		const placed = await post(owner.jar, "/checkout/place", place);
		const orders = await coreOrders(owner);
		expect(placed.res.status).toBe(303);
		const orderId = orders[0]?.id ?? "";

		const other = await signUp("Mallory");
		for (const path of [`/checkout/return/${orderId}`, `/checkout/cancelled/${orderId}`]) {
			const page = await get(other.jar, path);
			expect(page.res.status).toBe(404);
			expect(page.html).not.toContain(orderId);
		}
		const retry = await post(other.jar, `/checkout/retry/${orderId}`, {
			// Mallory's own session token (from her account page's forms): CSRF passes, ownership does not.
			csrf: fieldOf((await get(other.jar, "/account")).html, "csrf"),
			idempotencyKey: place.idempotencyKey ?? "",
		});
		expect(retry.res.status).toBe(404);
		expect((await get(other.jar, "/checkout/return/not-an-order")).res.status).toBe(404);
		expect((await get(owner.jar, `/checkout/return/${orderId}`)).res.status).toBe(200);
	}, 30_000);

	it("out of stock when placing: a message naming the item, no order, the cart kept", async () => {
		const s = await signUp();
		const v = await freshVariant();
		await addToCart(s, v.id, 3);
		const { place } = await toReview(s);
		await setAvailable(v.sku, 1);

		const placed = await post(s.jar, "/checkout/place", place);
		expect(placed.res.status).toBe(409);
		expect(placed.html).toContain("no longer in stock");
		expect(placed.html).toContain(asHtml(v.title));
		expect(placed.html).toContain('href="/cart"');
		expect(await coreOrders(s)).toHaveLength(0);
		expect(await available(v.sku)).toBe(1);

		// Starting over says so at once, from the cart's own stock check.
		const start = await get(s.jar, "/checkout");
		expect(start.res.status).toBe(409);
		expect(start.html).toContain(asHtml(v.title));
	}, 30_000);
});

describe("JSON checkout API", () => {
	const json = (s: Shopper, path: string, body: unknown, headers: Record<string, string> = {}) =>
		edge(path, {
			method: "POST",
			headers: { ...s.jar.header(), origin: ORIGIN, "content-type": "application/json", ...headers },
			body: typeof body === "string" ? body : JSON.stringify(body),
		});

	it("quotes, places with an Idempotency-Key, replays it, and refuses a changed body", async () => {
		const s = await signUp();
		const v = await freshVariant();
		await addToCart(s, v.id, 1);

		const quoteRes = await json(s, "/api/checkout/quote", { address: ADDRESS, shippingMethod: "express" });
		expect(quoteRes.status).toBe(200);
		const quote = (await quoteRes.json()) as {
			options: { method: string; total: number }[];
			selected: { total: number };
		};
		expect(quote.options.map((o) => o.method)).toEqual(["standard", "express"]);

		const key = crypto.randomUUID();
		const body = { address: ADDRESS, shippingMethod: "express" };
		const res = await json(s, "/api/checkout", body, { "idempotency-key": key });
		expect(res.status).toBe(201);
		const placed = (await res.json()) as {
			order: { id: string; status: string; total: number };
			payment: { redirectUrl: string };
		};
		expect(placed.order.status).toBe("pending_payment");
		expect(placed.order.total).toBe(quote.selected.total);
		expect(placed.payment.redirectUrl.startsWith(`${ORIGIN}/sandbox-pay/sbx_`)).toBe(true);

		const replay = await json(s, "/api/checkout", body, { "idempotency-key": key });
		expect(replay.status).toBe(200);
		expect(((await replay.json()) as typeof placed).order.id).toBe(placed.order.id);

		const changed = await json(s, "/api/checkout", { ...body, shippingMethod: "standard" }, { "idempotency-key": key });
		expect(changed.status).toBe(422);
		expect(changed.headers.get("content-type")).toMatch(/problem\+json/);
		expect(await coreOrders(s)).toHaveLength(1);

		// The gateway sends the shopper back to this storefront.
		const back = await pay(s, placed.payment.redirectUrl, "approve");
		expect(back.pathname).toBe(`/checkout/return/${placed.order.id}`);
	}, 30_000);

	it("bad input of every kind is a 4xx problem and creates nothing", async () => {
		const s = await signUp();
		const v = await freshVariant();
		await addToCart(s, v.id, 1);
		const before = await available(v.sku);
		const body = { address: ADDRESS, shippingMethod: "standard" };
		const key = { "idempotency-key": crypto.randomUUID() };
		const cases: [string, Response, number][] = [
			["no key", await json(s, "/api/checkout", body), 400],
			["short key", await json(s, "/api/checkout", body, { "idempotency-key": "abc" }), 400],
			["malformed JSON", await json(s, "/api/checkout", "{not json", key), 400],
			["huge body", await json(s, "/api/checkout", { ...body, pad: "x".repeat(40_000) }, key), 413],
			["unknown field", await json(s, "/api/checkout", { ...body, returnUrl: "https://evil.example/" }, key), 400],
			["a client's total", await json(s, "/api/checkout", { ...body, total: 1 }, key), 400],
			[
				"both addresses",
				await json(s, "/api/checkout", { ...body, addressId: "adr_01HZZZZZZZZZZZZZZZZZZZZZZZ" }, key),
				400,
			],
			["bad method", await json(s, "/api/checkout", { ...body, shippingMethod: "warp" }, key), 400],
			[
				"unknown address id",
				await json(
					s,
					"/api/checkout",
					{ addressId: "adr_01HZZZZZZZZZZZZZZZZZZZZZZZ", shippingMethod: "standard" },
					key,
				),
				404,
			],
			["not JSON", await json(s, "/api/checkout", "a=b", { ...key, "content-type": "text/plain" }), 415],
			["cross-site", await json(s, "/api/checkout", body, { ...key, origin: "https://evil.example" }), 403],
			[
				"anonymous",
				await edge("/api/checkout", {
					method: "POST",
					headers: { "content-type": "application/json", ...key },
					body: JSON.stringify(body),
				}),
				401,
			],
		];
		for (const [what, res, status] of cases) {
			expect({ what, status: res.status }).toEqual({ what, status });
			expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
		}
		expect(await coreOrders(s)).toHaveLength(0);
		expect(await available(v.sku)).toBe(before);
	}, 30_000);
});
