import { describe, expect, it } from "vitest";
import { axe, blocking, describeViolations, type Violation } from "./axe.ts";
import {
	approveInSandbox,
	browserSession,
	clickTo,
	fillAddress,
	signUpInBrowser,
	unavailable,
	waitForPaidReturn,
} from "./chromium.ts";

type Listed = { slug: string; title: string; inStock: boolean; kind: string };
type CategoryJson = { slug: string; parentId: string | null; productCount: number };

describe("accessibility", () => {
	const session = browserSession({ products: 40 });
	const { withLogs, json } = session;

	it.skipIf(Boolean(unavailable))(
		"axe finds no serious or critical violation on any page",
		() =>
			withLogs(async () => {
				const { page } = session;
				const found: { where: string; violations: Violation[] }[] = [];
				const scan = async (where: string) => {
					const violations = await axe(page);
					found.push({ where, violations });
					if (process.env.BAZAAR_AXE_REPORT) console.info(describeViolations(where, violations));
				};
				const visit = async (path: string) => {
					const res = await page.goto(path);
					expect(res?.status(), path).toBeLessThan(500);
					await scan(path);
				};

				// Storefront, as anyone sees it.
				const categories = (await json<{ items: CategoryJson[] }>("/api/catalog/categories")).items;
				const category = categories.find((c) => c.parentId === null && c.productCount > 2)!;
				const products = (await json<{ items: Listed[] }>("/api/catalog/products?kind=physical&inStock=true&limit=5"))
					.items;
				const service = (await json<{ items: Listed[] }>("/api/catalog/products?kind=service&limit=1")).items[0];
				const digital = (await json<{ items: Listed[] }>("/api/catalog/products?kind=digital&limit=1")).items[0];
				await visit("/");
				await visit(`/categories/${category.slug}`);
				await visit(`/categories/${category.slug}?inStock=true&sort=price_asc&limit=2`);
				await visit(`/products/${products[0]!.slug}`);
				if (service) await visit(`/products/${service.slug}`);
				if (digital) await visit(`/products/${digital.slug}`);
				await visit(`/search?q=${encodeURIComponent(products[0]!.title.split(" ")[0]!)}`);
				await visit("/search?q=zzzznothing");
				await visit("/search");
				await visit("/no-such-page");
				// The API reference renders in the page (Swagger UI from this origin) under the strict CSP.
				const refused: string[] = [];
				page.on("console", (m) => {
					if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
				});
				await page.goto("/docs");
				await page.locator("#api-reference .opblock").first().waitFor();
				await page.locator("#api-reference .opblock-summary-control").first().click();
				await page.locator("#api-reference .opblock-body").first().waitFor();
				expect(refused).toEqual([]);
				// Descriptions are Markdown rendered as formatted text, not printed raw.
				expect(
					await page.locator("#api-reference .markdown p, #api-reference .renderedMarkdown p").count(),
				).toBeGreaterThan(0);
				await scan("/docs");
				await visit("/docs/plain");
				await visit("/cart");
				// A guest: checkout asks for an email; an order is found again by number and email; a
				// download link that is not one.
				await page.goto(`/products/${products[1]!.slug}`);
				await clickTo(page, 'form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
				await clickTo(page, 'a[href="/checkout"]', /\/checkout(\?|$)/);
				expect(await page.locator('input[name="email"]').count()).toBe(1);
				await scan("/checkout (a guest)");
				await visit("/orders/lookup");
				await page.locator('form[action="/orders/lookup"] button[type="submit"]').click();
				await page.waitForLoadState();
				await scan("/orders/lookup (not found)");
				await visit("/downloads/not-a-link");

				// Account pages signed out, with their errors showing.
				await visit("/account/login");
				await page.fill('input[name="email"]', "nobody@example.com");
				await page.fill('input[name="password"]', "wrong password here");
				await page.locator('form[action^="/account/login"] button[type="submit"]').click();
				await page.waitForLoadState();
				await scan("/account/login (failed)");
				await visit("/account/signup");
				await visit("/account/reset");

				// Signed in: the account, a cart, every checkout step, the payment and the order.
				await signUpInBrowser(page, {
					name: "Ada Access",
					email: `a11y-${Date.now()}@example.com`,
					password: "correct horse battery staple",
				});
				await scan("/account");
				await visit("/account/addresses");
				await page.goto(`/products/${products[0]!.slug}`);
				await clickTo(page, 'form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
				await scan("/cart (one line)");
				await clickTo(page, 'a[href="/checkout"]', /\/checkout(\?|$)/);
				await scan("/checkout (address)");
				await page.locator('form[action="/checkout/shipping"] button[type="submit"]').click();
				await page.waitForLoadState();
				await scan("/checkout (address with errors)");
				await fillAddress(page, "Ada Access");
				await clickTo(page, 'form[action="/checkout/shipping"] button[type="submit"]', /\/checkout\/shipping/);
				await scan("/checkout/shipping");
				await page.locator('input[name="shippingMethod"][value="standard"]').check();
				await clickTo(page, 'form[action="/checkout/review"] button[type="submit"]', /\/checkout\/review/);
				await scan("/checkout/review");
				await clickTo(page, 'form[action="/checkout/place"] button[type="submit"]', /\/sandbox-pay\//);
				await scan("/sandbox-pay");
				const orderId = await approveInSandbox(page);
				await scan("/checkout/return");
				await visit("/account/orders");
				await visit(`/account/orders/${orderId}`);
				await visit("/dev/mail");
				// The console refuses a shopper with a 403 page.
				expect((await page.goto("/admin"))?.status()).toBe(403);
				await scan("/admin (a shopper: 403)");

				// The admin console, as the shop's admin sees it.
				const staff = await session.browser.newPage({ baseURL: session.stack.edgeUrl });
				await staff.goto("/account/login?next=%2Fadmin");
				await staff.fill('input[name="email"]', session.stack.adminLogin.email);
				await staff.fill('input[name="password"]', session.stack.adminLogin.password);
				await clickTo(staff, 'form[action^="/account/login"] button[type="submit"]', /\/admin$/);
				const consoleScan = async (path: string) => {
					const res = await staff.goto(path);
					expect(res?.status(), path).toBeLessThan(500);
					found.push({ where: path, violations: await axe(staff) });
				};
				await consoleScan("/admin");
				await consoleScan("/admin/products");
				const productPath = await staff
					.locator('main table a[href^="/admin/products/prod_"]')
					.first()
					.getAttribute("href");
				await consoleScan(productPath ?? "/admin/products");
				await consoleScan("/admin/products/new");
				await staff.locator('form[action="/admin/products/new"] button[type="submit"]').click();
				await staff.waitForLoadState();
				found.push({ where: "/admin/products/new (refused)", violations: await axe(staff) });
				await consoleScan("/admin/categories");
				await consoleScan("/admin/stock");
				const skuPath = await staff.locator('main table a[href^="/admin/stock/"]').first().getAttribute("href");
				await consoleScan(skuPath ?? "/admin/stock");
				await consoleScan("/admin/orders");
				await consoleScan(`/admin/orders/${orderId}`);
				await consoleScan(`/admin/orders/${orderId}/slip`);
				await consoleScan("/admin/customers");
				const customerPath = await staff
					.locator('main table a[href^="/admin/customers/usr_"]')
					.first()
					.getAttribute("href");
				await consoleScan(customerPath ?? "/admin/customers");
				await consoleScan("/admin/promotions");
				await consoleScan("/admin/reviews");
				await consoleScan("/admin/operations");
				// The support console (tickets, past conversations).
				await consoleScan("/support");
				// The live agent console (its queue drawn from the lobby) and the canned replies.
				await consoleScan("/support/live");
				await consoleScan("/support/canned");
				await staff.close();

				const serious = found.flatMap((f) => f.violations.filter(blocking).map((v) => ({ where: f.where, v })));
				const minor = found.reduce((n, f) => n + f.violations.filter((v) => !blocking(v)).length, 0);
				console.info(
					`[axe] ${found.length} pages: ${serious.length} serious/critical rules, ${minor} minor/moderate rules`,
				);
				const report = found
					.map((f) => describeViolations(f.where, f.violations.filter(blocking)))
					.filter(Boolean)
					.join("\n");
				expect(serious.length, report).toBe(0);
			}),
		300_000,
	);

	/**
	 * Presses Tab until the focused element matches `selector` (as a keyboard user moves through the
	 * page) and checks the focus is visible there: a real outline, not `outline: none`.
	 */
	async function tabTo(selector: string, max = 120): Promise<void> {
		const { page } = session;
		for (let i = 0; i < max; i++) {
			await page.keyboard.press("Tab");
			const state = await page.evaluate((sel) => {
				const el = document.activeElement;
				if (!el?.matches(sel)) return null;
				const style = getComputedStyle(el);
				return { outline: style.outlineStyle, width: style.outlineWidth };
			}, selector);
			if (state) {
				expect(state.outline, `focus on ${selector} is not visible`).not.toBe("none");
				expect(state.width, `focus on ${selector} is not visible`).not.toBe("0px");
				return;
			}
		}
		throw new Error(`${selector} was not reached with the Tab key`);
	}

	async function enterTo(url: RegExp): Promise<void> {
		const { page } = session;
		await Promise.all([page.waitForURL(url), page.keyboard.press("Enter")]);
	}

	it.skipIf(Boolean(unavailable))(
		"a keyboard-only shopper checks out with the focus always visible",
		() =>
			withLogs(async () => {
				const { page } = session;
				await page.context().clearCookies();
				await signUpInBrowser(page, {
					name: "Kim Keys",
					email: `keys-${Date.now()}@example.com`,
					password: "correct horse battery staple",
				});
				const product = (await json<{ items: Listed[] }>("/api/catalog/products?kind=physical&inStock=true&limit=3"))
					.items[1]!;
				await page.goto(`/products/${product.slug}`);
				// The first Tab reaches the skip link, which moves the focus past the header.
				await tabTo("a.skip");
				await page.keyboard.press("Enter");
				await tabTo('form[action="/cart/add"] button[type="submit"]');
				await enterTo(/\/cart(\?|$)/);
				await tabTo('a[href="/checkout"]');
				await enterTo(/\/checkout(\?|$)/);
				const fields: [string, string][] = [
					["name", "Kim Keys"],
					["line1", "2 Tab Street"],
					["city", "Enterville"],
					["postalCode", "54321"],
					["country", "US"],
				];
				for (const [name, value] of fields) {
					await tabTo(`input[name="${name}"]`);
					await page.keyboard.type(value);
				}
				await tabTo('form[action="/checkout/shipping"] button[type="submit"]');
				await enterTo(/\/checkout\/shipping/);
				await tabTo('input[name="shippingMethod"]');
				await page.keyboard.press("Space");
				await tabTo('form[action="/checkout/review"] button[type="submit"]');
				await enterTo(/\/checkout\/review/);
				expect(await page.locator("main").textContent()).toContain(product.title);
				await tabTo('form[action="/checkout/place"] button[type="submit"]');
				await enterTo(/\/sandbox-pay\//);
				await tabTo('button[value="approve"]');
				await enterTo(/\/checkout\/return\//);
				await waitForPaidReturn(page);
			}),
		180_000,
	);
});
