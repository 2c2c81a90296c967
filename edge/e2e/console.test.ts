import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
	adminApi,
	browserSession,
	buyOneInSandbox,
	signUpInBrowser,
	staffOn as staffOnAs,
	unavailable,
} from "./chromium.ts";

// The admin console in Chromium against the whole local stack: a catalog manager lists a product
// with an image and stock and finds it in the shop; an admin refunds part of an order and ships
// the rest; roles without access get 403 pages.

type Listed = { slug: string; title: string; inStock: boolean };
type Detail = { images: { sources: { size: string; hash: string }[] }[] };
type AdminOrder = { id: string; status: string; refundedAmount: number; total: number };
type Shipments = { items: { id: string; kind: string; status: string }[] };

const PASSWORD = "correct horse battery staple";

describe("the admin console", () => {
	const session = browserSession({ products: 40 });
	const { withLogs, json } = session;

	const admin = <T>(path: string, init: RequestInit = {}) => adminApi<T>(session.stack, path, init);
	const staffOn = (page: Page, name: string, roles: string[]) => staffOnAs(session.stack, page, name, roles);

	/** A PNG to upload: one of the seeded catalog's (every stored size is a PNG). */
	async function somePng(): Promise<string> {
		const listed = (await json<{ items: Listed[] }>("/api/catalog/products?limit=20")).items;
		for (const p of listed) {
			const detail = await json<Detail>(`/api/catalog/products/${p.slug}`);
			const card = detail.images[0]?.sources.find((s) => s.size === "card");
			if (!card) continue;
			const bytes = new Uint8Array(await (await fetch(`${session.stack.edgeUrl}/img/${card.hash}.png`)).arrayBuffer());
			const file = join(mkdtempSync(join(tmpdir(), "console-png-")), "lamp.png");
			writeFileSync(file, bytes);
			return file;
		}
		throw new Error("no seeded image to upload");
	}

	it.skipIf(Boolean(unavailable))(
		"a catalog manager creates a product with an image and stock, and finds it in the shop",
		() =>
			withLogs(async () => {
				const { page } = session;
				page.on("dialog", (d) => void d.accept());
				await staffOn(page, "Cat Manager", ["catalog_manager"]);
				await page.goto("/admin");
				expect(await page.locator(".console-nav a").allTextContents()).toEqual(
					expect.arrayContaining(["Catalog", "Stock"]),
				);
				expect(await page.locator('.console-nav a[href="/admin/orders"]').count()).toBe(0);

				await page.goto("/admin/products/new");
				const stamp = Date.now();
				const title = `Console brass lamp ${stamp}`;
				const sku = `E2E-LAMP-${stamp}`;
				await page.selectOption('select[name="kind"]', "physical");
				await page.fill('input[name="title"]', title);
				await page.fill('textarea[name="description"]', "A lamp listed through the console.");
				await page.fill('input[name="variant.sku"]', sku);
				await page.fill('input[name="price.USD"]', "59.00");
				await page.fill('input[name="variant.weightGrams"]', "1200");
				await Promise.all([
					page.waitForURL(/\/admin\/products\/prod_[0-9A-Z]+\?done=created/),
					page.locator('form[action="/admin/products/new"] button[type="submit"]').click(),
				]);
				const slug = await page.locator('input[name="slug"]').inputValue();

				// The image: chosen, previewed before it is sent (console.js), then uploaded.
				await page.setInputFiles('input[name="image"]', await somePng());
				await page.locator("#image-preview:not([hidden])").waitFor();
				expect(await page.locator("#image-preview").getAttribute("src")).toMatch(/^blob:/);
				await page.fill('form[action$="/images"] input[name="alt"]', "The brass lamp, lit");
				await Promise.all([
					page.waitForURL(/done=image/),
					page.locator('form[action$="/images"] button[type="submit"]').click(),
				]);
				expect(await page.locator('.images img[alt="The brass lamp, lit"]').count()).toBe(1);

				// Its stock: kept from now on, then the first delivery received.
				await Promise.all([page.waitForURL(/\/admin\/stock\//), page.locator(`a[href="/admin/stock/${sku}"]`).click()]);
				await Promise.all([
					page.waitForURL(/done=defined/),
					page.locator('form[action$="/define"] button[type="submit"]').click(),
				]);
				await page.fill('input[name="quantity"]', "7");
				await page.fill('form[action$="/receive"] input[name="reason"]', "PO-77");
				await Promise.all([
					page.waitForURL(/done=received/),
					page.locator('form[action$="/receive"] button[type="submit"]').click(),
				]);
				expect(await page.locator('[data-testid="available-main"]').textContent()).toBe("7");

				// The shop shows it: title, picture and a button to buy.
				await page.goto(`/products/${slug}`);
				expect(await page.locator("h1").first().textContent()).toContain(title);
				expect(await page.locator('img[alt="The brass lamp, lit"]').count()).toBeGreaterThan(0);
				expect(await page.locator('form[action="/cart/add"] button[type="submit"]').count()).toBe(1);

				// …and the manager may not open orders, customers or operations: 403 pages.
				for (const path of ["/admin/orders", "/admin/customers", "/admin/operations"]) {
					const res = await page.goto(path);
					expect(res?.status(), path).toBe(403);
					expect(await page.locator("h1").textContent()).toBe("You cannot open this page");
					expect(await page.locator('a[href="/admin"]').count()).toBeGreaterThan(0);
				}
			}),
		180_000,
	);

	it.skipIf(Boolean(unavailable))(
		"an admin refunds part of an order and ships the rest",
		() =>
			withLogs(async () => {
				const { browser, stack } = session;
				// A shopper buys two of something.
				const shopper = await browser.newPage({ baseURL: stack.edgeUrl });
				await signUpInBrowser(shopper, {
					name: "Two Lamps",
					email: `two-${Date.now()}@example.com`,
					password: PASSWORD,
				});
				const product = (await json<{ items: Listed[] }>("/api/catalog/products?kind=physical&inStock=true&limit=5"))
					.items[0]!;
				const orderId = await buyOneInSandbox(shopper, { slug: product.slug, shipTo: "Two Lamps", quantity: 2 });
				expect((await admin<AdminOrder>(`/orders/${orderId}`)).body.status).toBe("paid");

				// The admin finds it in the list and refunds one of the two.
				const page = await browser.newPage({ baseURL: stack.edgeUrl });
				session.page = page;
				page.on("dialog", (d) => void d.accept());
				await page.goto("/account/login?next=%2Fadmin%2Forders");
				await page.fill('input[name="email"]', stack.adminLogin.email);
				await page.fill('input[name="password"]', stack.adminLogin.password);
				await Promise.all([
					page.waitForURL(/\/admin\/orders$/),
					page.locator('form[action^="/account/login"] button[type="submit"]').click(),
				]);
				await Promise.all([
					page.waitForURL(`**/admin/orders/${orderId}`),
					page.locator(`a[href="/admin/orders/${orderId}"]`).click(),
				]);
				await page.locator('input[name="mode"][value="lines"]').check();
				await page.locator('form[action$="/refund"] input[name^="line."]').first().fill("1");
				await page.fill('form[action$="/refund"] input[name="reason"]', "one arrived dented");
				await Promise.all([
					page.waitForURL(/done=refunded/),
					page.locator('form[action$="/refund"] button[type="submit"]').click(),
				]);
				let order = (await admin<AdminOrder>(`/orders/${orderId}`)).body;
				for (let i = 0; order.status !== "partially_refunded" && i < 100; i++) {
					await new Promise((r) => setTimeout(r, 100));
					order = (await admin<AdminOrder>(`/orders/${orderId}`)).body;
				}
				expect(order.status).toBe("partially_refunded");
				expect(order.refundedAmount).toBeLessThan(order.total);

				// …and ships the other.
				for (let i = 0; i < 100; i++) {
					const list = (await admin<Shipments>(`/fulfillment/shipments?orderId=${orderId}`)).body;
					if (list.items.some((s) => s.kind === "parcel" && s.status === "pending")) break;
					await new Promise((r) => setTimeout(r, 100));
				}
				await page.goto(`/admin/orders/${orderId}`);
				await page.fill('form[action$="/ship"] input[name="trackingNumber"]', "");
				await Promise.all([
					page.waitForURL(/done=shipped/),
					page.locator('form[action$="/ship"] button[type="submit"]').click(),
				]);
				expect(await page.locator('[data-testid="shipment-status"]').first().textContent()).toBe("shipped");
				expect(await page.locator('[data-testid="refunds"]').textContent()).toContain("one arrived dented");

				// The packing slip prints only the slip.
				await page.goto(`/admin/orders/${orderId}/slip`);
				await page.emulateMedia({ media: "print" });
				expect(await page.locator(".console-nav").isVisible()).toBe(false);
				expect(await page.locator(".slip h1").isVisible()).toBe(true);
				await page.emulateMedia({ media: "screen" });

				// The shopper is no staff: the console answers 403 pages.
				for (const path of ["/admin", `/admin/orders/${orderId}`]) {
					const res = await shopper.goto(path);
					expect(res?.status(), path).toBe(403);
					expect(await shopper.locator("h1").textContent()).toBe("You cannot open this page");
				}
				await shopper.close();
			}),
		240_000,
	);
});
