// The shop on a phone, in a real Chromium with a phone's viewport and touch: on a 390 px screen a
// shopper opens the filters from their "Filters" button, filters a category, swipes the product
// pictures and buys (and another switches to the Eurozone in the header and buys in euros); every page on the way has tap targets of at least 44 × 44 px and no
// horizontal scrolling, and the same pages do not scroll sideways at 320 px either.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	fillAddress,
	launchChromium,
	placeAndApproveInSandbox,
	shipStandardToReview,
	signUpInBrowser,
	unavailable,
	waitForPaidReturn,
	withLogs as withStackLogs,
} from "./chromium.ts";
import { startTestStack, type TestStack } from "./stack.ts";

type Listed = { slug: string; title: string; inStock: boolean; price: { amount: number } };
type CategoryJson = { slug: string; parentId: string | null; productCount: number };

const PHONE = { width: 390, height: 844 };

/** Controls smaller than 44 × 44 px (a checkbox counts with its label; links inside running text are exempt). */
function smallTargets(page: Page) {
	return page.evaluate(() => {
		const out: string[] = [];
		for (const el of Array.from(
			document.querySelectorAll<HTMLElement>("a[href], button, select, input:not([type=hidden]), textarea, summary"),
		)) {
			if (el.matches("a.skip")) continue; // off screen until focused
			if (el.tagName === "A" && el.closest("p, td, dd, footer, address") && !el.closest("nav")) continue;
			const target = (el.matches("input[type=checkbox], input[type=radio]") && el.closest("label")) || el;
			const r = target.getBoundingClientRect();
			if (r.width <= 1 || r.height <= 1) continue; // not shown (a closed panel, visually hidden)
			if (r.width < 43.5 || r.height < 43.5) {
				out.push(`${el.outerHTML.slice(0, 90)} (${Math.round(r.width)}×${Math.round(r.height)})`);
			}
		}
		return out;
	});
}

const sideways = (page: Page) =>
	page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe("on a phone", () => {
	let stack: TestStack;
	let browser: Browser;
	let context: BrowserContext | undefined;
	let page: Page | undefined;

	beforeAll(async () => {
		stack = await startTestStack({ products: 40 });
		if (unavailable) return;
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
		await stack?.stop();
	});

	const withLogs = (fn: () => Promise<void>) =>
		withStackLogs(
			() => page,
			() => stack,
			fn,
		);
	const json = async <T>(path: string) => (await (await fetch(`${stack.edgeUrl}${path}`)).json()) as T;

	async function phone(width = PHONE.width): Promise<Page> {
		await context?.close();
		context = await browser.newContext({
			baseURL: stack.edgeUrl,
			viewport: { width, height: PHONE.height },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
		});
		page = await context.newPage();
		return page;
	}

	it.skipIf(Boolean(unavailable))(
		"filters a category and buys at 390 px, with big tap targets and no sideways scroll",
		() =>
			withLogs(async () => {
				const p = await phone();
				const checkPage = async (where: string) => {
					expect(await sideways(p), `${where} scrolls sideways`).toBeLessThanOrEqual(0);
					const small = await smallTargets(p);
					if (small.length > 0) console.info(`${where}:\n${small.join("\n")}`);
					expect(small.join("\n"), `${where} has small tap targets`).toBe("");
				};
				await signUpInBrowser(p, {
					name: "Pat Phone",
					email: `phone-${Date.now()}@example.com`,
					password: "correct horse battery staple",
				});

				const categories = (await json<{ items: CategoryJson[] }>("/api/catalog/categories")).items;
				const category = categories.find((c) => c.parentId === null && c.productCount > 4)!;
				await p.goto(`/categories/${category.slug}`);
				await checkPage("category");
				// Products come first: the filter form waits behind its button, a product is on the first screen.
				const form = p.locator("form.filters");
				expect(await form.isVisible()).toBe(false);
				const firstCard = await p.locator(".card").first().boundingBox();
				expect(firstCard!.y).toBeLessThan(PHONE.height);

				await p.locator("details.filters-panel > summary").tap();
				expect(await form.isVisible()).toBe(true);
				await checkPage("category, filters open");
				await p.locator('form.filters input[name="inStock"]').tap();
				await p.locator('form.filters select[name="sort"]').selectOption("price_asc");
				await Promise.all([p.waitForURL(/inStock=true/), p.locator('form.filters button[type="submit"]').tap()]);
				expect(p.url()).toContain("sort=price_asc");
				expect(await p.locator("details.filters-panel > summary").textContent()).toContain("1 on");
				await checkPage("category, filtered");
				const listed = (
					await json<{ items: Listed[] }>(`/api/catalog/products?category=${category.slug}&inStock=true&sort=price_asc`)
				).items;
				const shown = await p.locator(".card h3").allTextContents();
				expect(shown.slice(0, 3)).toEqual(listed.slice(0, 3).map((x) => x.title));

				// The product page: the pictures are one strip that snaps as it is swiped.
				await Promise.all([p.waitForURL(/\/products\//), p.locator(".card a").first().tap()]);
				await checkPage("product");
				const strip = p.locator(".slides");
				expect(await strip.evaluate((el) => getComputedStyle(el).scrollSnapType)).toBe("x mandatory");
				const pictures = await p.locator(".slides img").count();
				if (pictures > 1) {
					const width = await strip.evaluate((el) => el.clientWidth);
					await strip.evaluate((el, w) => el.scrollBy({ left: w, behavior: "instant" }), width);
					await expect.poll(() => strip.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
				}

				await Promise.all([
					p.waitForURL(/\/cart(\?|$)/),
					p.locator('form[action="/cart/add"] button[type="submit"]').tap(),
				]);
				await checkPage("cart");
				await Promise.all([p.waitForURL(/\/checkout(\?|$)/), p.locator('a[href="/checkout"]').tap()]);
				await checkPage("checkout address");
				await p.fill('input[name="name"]', "Pat Phone");
				await p.fill('input[name="line1"]', "3 Pocket Road");
				await p.fill('input[name="city"]', "Handheld");
				await p.fill('input[name="postalCode"]', "39039");
				await p.fill('input[name="country"]', "US");
				await Promise.all([
					p.waitForURL(/\/checkout\/shipping/),
					p.locator('form[action="/checkout/shipping"] button[type="submit"]').tap(),
				]);
				await checkPage("checkout shipping");
				await p.locator('input[name="shippingMethod"][value="standard"]').check();
				await Promise.all([
					p.waitForURL(/\/checkout\/review/),
					p.locator('form[action="/checkout/review"] button[type="submit"]').tap(),
				]);
				await checkPage("checkout review");
				await Promise.all([
					p.waitForURL(/\/sandbox-pay\//),
					p.locator('form[action="/checkout/place"] button[type="submit"]').tap(),
				]);
				await Promise.all([p.waitForURL(/\/checkout\/return\//), p.locator('button[value="approve"]').tap()]);
				await waitForPaidReturn(p);
				await checkPage("confirmation");
			}),
		180_000,
	);

	it.skipIf(Boolean(unavailable))(
		"switches to the Eurozone in the header and buys in EUR at 390 px",
		() =>
			withLogs(async () => {
				const p = await phone();
				const checkPage = async (where: string) => {
					expect(await sideways(p), `${where} scrolls sideways`).toBeLessThanOrEqual(0);
					expect((await smallTargets(p)).join("\n"), `${where} has small tap targets`).toBe("");
				};
				await signUpInBrowser(p, {
					name: "Eva Euro",
					email: `euro-${Date.now()}@example.com`,
					password: "correct horse battery staple",
				});
				const product = (
					await json<{ items: Listed[] }>("/api/catalog/products?currency=EUR&kind=physical&inStock=true&limit=1")
				).items[0]!;
				await p.goto(`/products/${product.slug}`);
				// The local stack's country is the US: dollars until the shopper says otherwise.
				const chooser = p.locator('form[data-testid="market-chooser"]');
				expect(await chooser.locator("select").inputValue()).toBe("us");
				await checkPage("product, US market");
				await chooser.locator("select").selectOption("eu");
				// Posted, then back to the same page: wait for the page in euros, not for an address.
				await chooser.locator('button[type="submit"]').tap();
				await expect.poll(() => p.locator('[data-testid="price"]').textContent(), { timeout: 15_000 }).toContain("€");
				expect(p.url()).toBe(`${stack.edgeUrl}/products/${product.slug}`);
				expect(await chooser.locator("select").inputValue()).toBe("eu");
				await checkPage("product, Eurozone");

				await Promise.all([
					p.waitForURL(/\/cart(\?|$)/),
					p.locator('form[action="/cart/add"] button[type="submit"]').tap(),
				]);
				expect(await p.locator("main").textContent()).toContain("€");
				await checkPage("cart in EUR");
				await Promise.all([p.waitForURL(/\/checkout(\?|$)/), p.locator('a[href="/checkout"]').tap()]);
				await fillAddress(p, "Eva Euro", "Prinsengracht 263", "NL");
				await shipStandardToReview(p);
				const total = (await p.locator('[data-testid="total"]').textContent()) ?? "";
				expect(total).toMatch(/^€[\d,.]+$/);
				await checkPage("checkout review in EUR");
				const orderId = await placeAndApproveInSandbox(p);
				expect(await p.locator('[data-testid="total"]').textContent()).toBe(total);
				const admin = { authorization: `Bearer ${await stack.adminBearer()}` };
				const order = await fetch(`${stack.edgeUrl}/api/admin/orders/${orderId}`, { headers: admin });
				expect(await order.json()).toMatchObject({ status: "paid", currency: "EUR" });
				// The gateway was charged in euros.
				const payments = await fetch(`${stack.edgeUrl}/api/admin/payment/orders/${orderId}/payments`, {
					headers: admin,
				});
				const { items } = (await payments.json()) as { items: { amount: { currency: string } }[] };
				expect(items[0]?.amount.currency).toBe("EUR");
				await checkPage("confirmation in EUR");
			}),
		180_000,
	);

	it.skipIf(Boolean(unavailable))(
		"no page scrolls sideways at 320 px",
		() =>
			withLogs(async () => {
				const p = await phone(320);
				const categories = (await json<{ items: CategoryJson[] }>("/api/catalog/categories")).items;
				const category = categories.find((c) => c.parentId === null && c.productCount > 4)!;
				const product = (await json<{ items: Listed[] }>("/api/catalog/products?kind=physical&limit=1")).items[0]!;
				const wide: string[] = [];
				const check = async (path: string) => {
					await p.goto(path);
					const overflow = await sideways(p);
					if (overflow > 0) {
						const culprits = await p.evaluate(() =>
							Array.from(document.querySelectorAll<HTMLElement>("main *"))
								.filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
								.slice(0, 3)
								.map((el) => el.outerHTML.slice(0, 80)),
						);
						wide.push(`${path}: ${overflow}px too wide (${culprits.join(" | ")})`);
					}
				};
				for (const path of [
					"/",
					`/categories/${category.slug}`,
					`/products/${product.slug}`,
					"/search?q=a",
					"/cart",
					"/account/login",
					"/account/signup",
					"/docs",
				]) {
					await check(path);
				}
				await signUpInBrowser(p, {
					name: "Narrow Nell",
					email: `narrow-${Date.now()}@example.com`,
					password: "correct horse battery staple",
				});
				await check("/account");
				await p.goto(`/products/${product.slug}`);
				await Promise.all([
					p.waitForURL(/\/cart(\?|$)/),
					p.locator('form[action="/cart/add"] button[type="submit"]').tap(),
				]);
				await check("/cart");
				await check("/checkout");
				if (wide.length > 0) console.info(wide.join("\n"));
				expect(wide.join("\n")).toBe("");

				// A wide screen shows the filters open beside the list, with no button to press.
				const desktop = await phone(1280);
				await desktop.goto(`/categories/${category.slug}`);
				expect(await desktop.locator("form.filters").isVisible()).toBe(true);
				expect(await desktop.locator("details.filters-panel > summary").isVisible()).toBe(false);
			}),
		120_000,
	);
});
