import { describe, expect, it } from "vitest";
import {
	browserSession,
	fillAddress,
	placeAndApproveInSandbox,
	shipStandardToReview,
	signUpInBrowser,
	unavailable,
} from "./chromium.ts";

type Listed = { slug: string; title: string; inStock: boolean; rating: { average: number | null; count: number } };

describe("a shopper reviews what was delivered", () => {
	const session = browserSession({ products: 60 });
	const { withLogs, click } = session;

	it.skipIf(Boolean(unavailable))(
		"buy → deliver → write a review → moderate → see it and the new average on the product page",
		() =>
			withLogs(async () => {
				const { page, stack, browser } = session;
				await signUpInBrowser(page, {
					name: "Rae Reviewer",
					email: `reviewer-${Date.now()}@example.com`,
					password: "correct horse battery staple",
				});

				// No made-up ratings: before any review, nothing in the catalog is rated.
				const listed = (await (
					await fetch(`${stack.edgeUrl}/api/catalog/products?kind=physical&inStock=true&limit=20`)
				).json()) as { items: Listed[] };
				expect(listed.items.every((p) => p.rating.average === null && p.rating.count === 0)).toBe(true);
				const product = listed.items.find((p) => p.inStock) as Listed;

				// Buy it.
				await page.goto(`/products/${product.slug}`);
				expect(await page.locator("[data-testid=rating-summary]").textContent()).toContain("No reviews yet");
				await click('form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
				await click('a[href="/checkout"]', /\/checkout(\?|$)/);
				await fillAddress(page, "Rae Reviewer");
				await shipStandardToReview(page);
				const orderId = await placeAndApproveInSandbox(page);
				expect(orderId).toMatch(/^ord_/);

				// The shop ships and delivers it (admin API).
				const bearer = await stack.adminBearer();
				const admin = (path: string, init: RequestInit = {}) =>
					fetch(`${stack.edgeUrl}/api/admin${path}`, {
						...init,
						headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
					});
				let shipmentId = "";
				await expect
					.poll(
						async () => {
							const body = (await (await admin(`/fulfillment/shipments?orderId=${orderId}`)).json()) as {
								items?: { id: string }[];
							};
							shipmentId = body.items?.[0]?.id ?? "";
							return shipmentId;
						},
						{ timeout: 20_000, interval: 300 },
					)
					.toMatch(/^shp_/);
				expect((await admin(`/fulfillment/shipments/${shipmentId}/ship`, { method: "POST", body: "{}" })).status).toBe(
					200,
				);
				expect(
					(await admin(`/fulfillment/shipments/${shipmentId}/deliver`, { method: "POST", body: "{}" })).status,
				).toBe(200);

				// From the delivered order to the review form.
				await expect
					.poll(
						async () => {
							await page.goto(`/account/orders/${orderId}`);
							return page.locator("[data-testid=review-order]").count();
						},
						{ timeout: 20_000, interval: 500 },
					)
					.toBe(1);
				await click("[data-testid=review-order]", /\/account\/reviews\?order=/);
				await expect
					.poll(
						async () => {
							await page.reload();
							return page.locator('a[href^="/account/reviews/write"]').count();
						},
						{ timeout: 20_000, interval: 500 },
					)
					.toBe(1);
				await click('a[href^="/account/reviews/write"]', /\/account\/reviews\/write\?product=/);
				await page.locator('input[name="rating"][value="4"]').check();
				await page.fill('input[name="title"]', 'Sturdy <b>and</b> <script>alert("x")</script>');
				await page.fill(
					'textarea[name="body"]',
					"Does what it says. Compare prices at https://example.org/compare first.",
				);
				await click('[data-testid=review-form] button[type="submit"]', /\/account\/reviews\?done=held/);
				expect(await page.locator("main").textContent()).toContain("Waiting for a moderator");

				// A moderator approves it on the queue page.
				const staff = await browser.newContext({ baseURL: stack.edgeUrl });
				const mod = await staff.newPage();
				await mod.goto("/account/login");
				await mod.fill('input[name="email"]', stack.adminLogin.email);
				await mod.fill('input[name="password"]', stack.adminLogin.password);
				await Promise.all([
					mod.waitForURL(/\/account(\?|$)/),
					mod.locator('form[action="/account/login"] button[type="submit"]').click(),
				]);
				await mod.goto("/admin/reviews?filter=held");
				const card = mod.locator("[data-testid=queued-review]", { hasText: "Rae R." });
				expect(await card.textContent()).toContain('<script>alert("x")</script>');
				await Promise.all([
					mod.waitForURL(/\/admin\/reviews\?filter=held&done=approve/),
					card.locator('form[action$="/approve"] button').click(),
				]);

				// The product page, through the edge: the review and the new average.
				await expect
					.poll(
						async () => {
							await page.goto(`/products/${product.slug}`);
							return page.locator("[data-testid=rating-average]").count();
						},
						{ timeout: 30_000, interval: 500 },
					)
					.toBe(1);
				expect(await page.locator("[data-testid=rating-average]").textContent()).toBe("4.0");
				expect(await page.locator("[data-testid=rating-count]").textContent()).toBe("1");
				const review = page.locator("[data-testid=review]").first();
				expect(await review.textContent()).toContain('Sturdy <b>and</b> <script>alert("x")</script>');
				expect(await review.textContent()).toContain("Verified purchase");
				// The text is text: no element came of it.
				expect(await review.locator("b, script").count()).toBe(0);
				// The Product block (the page also carries a BreadcrumbList).
				const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
				const ld = blocks.map((t) => JSON.parse(t)).find((b) => b["@type"] === "Product") ?? {};
				expect(ld.aggregateRating).toMatchObject({ ratingValue: 4, reviewCount: 1 });
				const api = (await (await fetch(`${stack.edgeUrl}/api/catalog/products/${product.slug}`)).json()) as Listed;
				expect(api.rating).toMatchObject({ average: 4, count: 1 });
			}),
		// Many steps through the real stack: a loaded machine can take well over a minute.
		180_000,
	);
});
