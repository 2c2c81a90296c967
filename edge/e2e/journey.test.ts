import { describe, expect, it } from "vitest";
import {
	approveInSandbox,
	browserSession,
	fillAddress,
	shipStandardToReview,
	signUpInBrowser,
	unavailable,
} from "./chromium.ts";

type Listed = { slug: string; title: string; inStock: boolean };

describe("a shopper buys", () => {
	const session = browserSession({ products: 60 });
	const { withLogs, click } = session;

	it.skipIf(Boolean(unavailable))("sign up → two products → checkout → sandbox pay → paid → shipped → delivered", () =>
		withLogs(async () => {
			const { page, stack } = session;
			// Sign up.
			const email = `journey-${Date.now()}@example.com`;
			await signUpInBrowser(page, { name: "Jo Journey", email, password: "correct horse battery staple" });
			expect(await page.locator("body").textContent()).toContain("Jo Journey");

			// Browse: the home page, then two physical products in stock, each added from its own page.
			await page.goto("/");
			const listed = (await (
				await fetch(`${stack.edgeUrl}/api/catalog/products?kind=physical&inStock=true&limit=10`)
			).json()) as { items: Listed[] };
			const picks = listed.items.filter((p) => p.inStock).slice(0, 2);
			expect(picks).toHaveLength(2);
			for (const product of picks) {
				await page.goto(`/products/${product.slug}`);
				expect(await page.locator("h1").textContent()).toContain(product.title);
				await click('form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
			}
			const cart = await page.locator("main").textContent();
			for (const product of picks) expect(cart).toContain(product.title);
			// The header's cart count comes from /api/me through the page's own script.
			await expect.poll(() => page.locator("[data-cart-count]").first().textContent()).toBe("2");

			// Checkout: a new address, standard shipping, review, place.
			await click('a[href="/checkout"]', /\/checkout(\?|$)/);
			await fillAddress(page, "Jo Journey");
			await shipStandardToReview(page);
			const review = await page.locator("main").textContent();
			for (const product of picks) expect(review).toContain(product.title);

			// The sandbox gateway's hosted page (through the edge), then back to the confirmation.
			await click('form[action="/checkout/place"] button[type="submit"]', /\/sandbox-pay\//);
			expect(await page.locator("body").textContent()).toContain("sandbox");
			const orderId = await approveInSandbox(page);
			expect(orderId).toMatch(/^ord_/);

			// The order in the account, paid.
			await page.goto("/account/orders");
			expect(await page.locator("main").textContent()).toContain(orderId);
			await page.goto(`/account/orders/${orderId}`);
			await expect.poll(() => page.locator("[data-status]").first().getAttribute("data-status")).toBe("paid");

			// The warehouse ships it and the carrier delivers it, through the admin API.
			const bearer = await stack.adminBearer();
			const admin = (path: string, init: RequestInit = {}) =>
				fetch(`${stack.edgeUrl}/api/admin/fulfillment${path}`, {
					...init,
					headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
				});
			let shipmentId = "";
			await expect
				.poll(
					async () => {
						const res = await admin(`/shipments?orderId=${orderId}`);
						const body = (await res.json()) as { items?: { id: string }[] } | { id: string }[];
						const items = Array.isArray(body) ? body : (body.items ?? []);
						shipmentId = items[0]?.id ?? "";
						return shipmentId;
					},
					{ timeout: 15_000, interval: 300 },
				)
				.toMatch(/^shp_/);
			expect((await admin(`/shipments/${shipmentId}/ship`, { method: "POST", body: "{}" })).status).toBe(200);
			expect((await admin(`/shipments/${shipmentId}/deliver`, { method: "POST", body: "{}" })).status).toBe(200);

			await expect
				.poll(
					async () => {
						await page.goto(`/account/orders/${orderId}`);
						return page.locator("[data-status]").first().getAttribute("data-status");
					},
					{ timeout: 15_000, interval: 500 },
				)
				.toBe("delivered");
			const timeline = ((await page.locator("main").textContent()) ?? "").toLowerCase();
			for (const step of ["paid", "shipped", "delivered"]) expect(timeline).toContain(step);
		}),
	);
});
