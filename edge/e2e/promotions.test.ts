import { describe, expect, it } from "vitest";
import {
	browserSession,
	fillAddress,
	placeAndApproveInSandbox,
	shipStandardToReview,
	signUpInBrowser,
	unavailable,
} from "./chromium.ts";

type Listed = { items: { slug: string; title: string; inStock: boolean }[] };
type Detail = {
	id: string;
	slug: string;
	title: string;
	variants: { id: string; prices: { amount: number; currency: string }[] }[];
};

const localIso = (ms: number) => new Date(ms).toISOString().slice(0, 19);

describe("a shopper buys on sale with a coupon", () => {
	const session = browserSession({ products: 60 });
	const { withLogs, click } = session;

	it.skipIf(Boolean(unavailable))(
		"sale price on the page → coupon in the cart → sandbox pay → the discount on the order",
		() =>
			withLogs(async () => {
				const { page, stack } = session;
				// The admin sets up a running sale: a sale price for one product and a coupon worth $5 off the order.
				const bearer = await stack.adminBearer();
				const admin = async (path: string, body: unknown) => {
					const res = await fetch(`${stack.edgeUrl}/api/admin/promotions${path}`, {
						method: "POST",
						headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
						body: JSON.stringify(body),
					});
					expect(res.status, await res.clone().text()).toBe(201);
					return (await res.json()) as { id: string; code?: string };
				};
				const listed = (await (
					await fetch(`${stack.edgeUrl}/api/catalog/products?kind=physical&inStock=true&limit=10`)
				).json()) as Listed;
				const pick = listed.items.find((p) => p.inStock);
				if (!pick) throw new Error("no product in stock");
				const product = (await (await fetch(`${stack.edgeUrl}/api/catalog/products/${pick.slug}`)).json()) as Detail;
				const variant = product.variants[0];
				const list = variant?.prices.find((p) => p.currency === "USD");
				if (!variant || !list) throw new Error("no USD variant");
				const sale = Math.floor(list.amount * 0.8);
				const activity = await admin("/activities", {
					slug: "e2e-sale",
					name: "The E2E Sale",
					badge: "E2E Sale",
					bannerText: "Twenty percent off, and a code",
					timeZone: "Europe/Berlin",
					startsAt: localIso(Date.now() - 86_400_000),
					endsAt: localIso(Date.now() + 86_400_000),
				});
				await admin(`/activities/${activity.id}/rules`, {
					spec: {
						kind: "sale_price",
						prices: [{ variantId: variant.id, productId: product.id, amount: sale, currency: "USD" }],
					},
				});
				await admin(`/activities/${activity.id}/rules`, {
					couponOnly: true,
					label: "$5 off with your code",
					spec: { kind: "amount_off", amount: 500, currency: "USD", target: { scope: "shop" } },
				});
				await admin("/coupons", { activityId: activity.id, code: "E2E-FIVE", maxRedemptions: 1 });

				// The core pushes the change to the edge: the product page shows the sale price within seconds.
				await expect
					.poll(
						async () =>
							(await (await fetch(`${stack.edgeUrl}/products/${product.slug}`)).text()).includes(
								'data-testid="sale-price"',
							),
						{ timeout: 15_000, interval: 500 },
					)
					.toBe(true);

				await signUpInBrowser(page, {
					name: "Sal Saver",
					email: `sale-${Date.now()}@example.com`,
					password: "correct horse battery staple",
				});
				await page.goto(`/sales/e2e-sale`);
				expect(await page.locator("[data-testid=sale-banner]").textContent()).toContain("Twenty percent off");
				expect(await page.locator("[data-testid=countdown]").textContent()).toMatch(/\d\d:\d\d:\d\d/);

				await page.goto(`/products/${product.slug}`);
				const shown = (await page.locator("[data-testid=sale-price]").first().textContent()) ?? "";
				const money = (n: number) => `$${(n / 100).toFixed(2)}`;
				expect(shown).toContain(money(sale));
				expect(shown).toContain(money(list.amount));
				expect(await page.locator("[data-testid=promo-badge]").first().textContent()).toContain("E2E Sale");

				if ((await page.locator('select[name="variantId"]').count()) > 0) {
					await page.selectOption('select[name="variantId"]', variant.id);
				}
				await click('form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
				expect(await page.locator("[data-testid=line-sale-price]").first().textContent()).toContain(money(sale));

				// The coupon in the cart.
				await page.fill("[data-testid=coupon-code]", "e2e-five");
				await click('form[action="/cart/coupon"] button[type="submit"]', /\/cart\?done=coupon/);
				expect(await page.locator("[data-testid=coupon]").textContent()).toContain("E2E-FIVE");
				expect(await page.locator("[data-testid=cart-discount]").textContent()).toContain("$5.00");

				// Checkout, with the discount in the review, and the sandbox.
				await click('a[href="/checkout"]', /\/checkout(\?|$)/);
				await fillAddress(page, "Sal Saver");
				await shipStandardToReview(page);
				const review = (await page.locator("[data-testid=checkout-summary]").textContent()) ?? "";
				expect(review).toContain("Discount");
				expect(review).toContain(money(sale));
				const orderId = await placeAndApproveInSandbox(page);
				expect(orderId).toMatch(/^ord_/);

				// The order: paid, at the sale price, with the coupon's discount line by line.
				await expect
					.poll(
						async () => {
							await page.goto(`/account/orders/${orderId}`);
							return page.locator("[data-status]").first().getAttribute("data-status");
						},
						{ timeout: 15_000, interval: 500 },
					)
					.toBe("paid");
				expect(await page.locator("[data-testid=order-discount]").textContent()).toContain("$5.00");
				const body = (await page.locator("main").textContent()) ?? "";
				expect(body).toContain("E2E-FIVE");
				expect(body).toContain("$5 off with your code");
				expect(body).toContain(money(list.amount));
			}),
	);
});
