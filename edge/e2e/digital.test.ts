import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { browserSession, placeAndApproveInSandbox, unavailable } from "./chromium.ts";

// Digital goods in a real browser against the whole local stack: staff put an ebook's file and a
// licence-key pool in through the admin API; a guest (no account, an email only) buys both —
// nothing ships, so checkout asks only email, name and country, with no address and no shipping
// step — pays in the sandbox, opens the download link from the one confirmation mail in the dev
// mailbox, and downloads the very bytes staff uploaded; the key is in that mail and on the order
// page it links to.

const BOOK = Buffer.from("%PDF-1.7\n1 0 obj << /Title (The E2E Book) >> endobj\n%%EOF\n");

describe("digital goods", () => {
	const session = browserSession({ products: 30 });
	const { withLogs, click } = session;

	it.skipIf(Boolean(unavailable))(
		"a guest buys an ebook and a licence key → mail → download the file; the key on the order",
		() =>
			withLogs(async () => {
				const { page, stack } = session;
				const bearer = await stack.adminBearer();
				const admin = async (method: string, path: string, body?: unknown) => {
					const res = await fetch(`${stack.edgeUrl}/api/admin${path}`, {
						method,
						headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
						body: body === undefined ? undefined : JSON.stringify(body),
					});
					const text = await res.text();
					if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
					return JSON.parse(text);
				};
				const { items: categories } = await session.json<{ items: { id: string }[] }>("/api/catalog/categories");
				const stamp = Date.now().toString(36);
				const product = (title: string, delivery: "download" | "license_key") =>
					admin("POST", "/catalog/products", {
						kind: "digital",
						title,
						description: "Sold by the digital goods browser test.",
						categoryId: categories[0]?.id,
						digital: { format: delivery === "download" ? "PDF" : "Installer", sizeBytes: BOOK.byteLength, delivery },
						variants: [
							{
								sku: `E2E-${delivery}-${stamp}`,
								title: "Default",
								options: {},
								prices: [{ amount: 1200, currency: "USD" }],
								inStock: true,
							},
						],
					}) as Promise<{ slug: string; title: string; variants: { id: string; sku: string }[] }>;
				const ebook = await product(`The E2E Book ${stamp}`, "download");
				const app = await product(`E2E Studio ${stamp}`, "license_key");
				await admin("PUT", `/inventory/skus/${ebook.variants[0]?.sku}`, { policy: "unlimited" });
				await admin("PUT", `/delivery/variants/${ebook.variants[0]?.id}/file`, {
					fileName: "The E2E Book.pdf",
					contentType: "application/pdf",
					dataBase64: BOOK.toString("base64"),
				});
				const key = `E2E-KEY-${stamp.toUpperCase()}`;
				await admin("POST", `/delivery/variants/${app.variants[0]?.id}/keys`, { keys: [key] });

				const email = `digital-${stamp}@example.com`;
				for (const p of [ebook, app]) {
					await page.goto(`/products/${p.slug}`);
					await click('form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
				}
				await click('a[href="/checkout"]', /\/checkout(\?|$)/);
				// Nothing to ship: no address fields and no shipping step, only who pays and where (for the tax).
				expect(await page.locator('input[name="line1"]').count()).toBe(0);
				expect(await page.locator(".checkout-steps li").allTextContents()).toEqual(["Details", "Review", "Pay"]);
				await page.fill('input[name="email"]', email);
				await page.fill('input[name="name"]', "Dee Digital");
				await page.fill('input[name="country"]', "US");
				await click('[data-testid="billing-form"] button[type="submit"]', /\/checkout\/review/);
				expect(await page.locator('[data-testid="billed-to"]').textContent()).toContain("Dee Digital");
				expect(await page.locator('[data-testid="shipping-method"]').count()).toBe(0);
				const orderId = await placeAndApproveInSandbox(page);
				expect(orderId).toMatch(/^ord_/);

				// The mail with the link, in the local stack's dev mailbox.
				let link = "";
				await expect
					.poll(
						async () => {
							await page.goto(`/dev/mail?to=${encodeURIComponent(email)}`);
							link =
								(await page
									.locator('a.mail-link[href*="/downloads/"]')
									.first()
									.getAttribute("href")
									.catch(() => null)) ?? "";
							return link;
						},
						{ timeout: 30_000, interval: 500 },
					)
					.toMatch(/\/downloads\/dl_/);
				// One mail about the order: its confirmation, which carries the link and the key.
				const mails = page.locator("li[data-mail-id]", { hasText: orderId });
				expect(await mails.count()).toBe(1);
				await mails.locator("a").first().click();
				expect(await page.locator("main").textContent()).toContain(key);

				await page.goto(link);
				const [download] = await Promise.all([
					page.waitForEvent("download"),
					page.locator('[data-testid="download-button"]').click(),
				]);
				expect(download.suggestedFilename()).toBe("The E2E Book.pdf");
				expect(Buffer.compare(await readFile((await download.path()) as string), BOOK)).toBe(0);

				// The guest's order page, from the confirmation mail's signed link: delivered, with the link and the key.
				await page.goto(`/dev/mail?to=${encodeURIComponent(email)}`);
				const orderLink = await page
					.locator(`a.mail-link[href*="/orders/guest/${orderId}"]`)
					.first()
					.getAttribute("href");
				expect(orderLink).toBeTruthy();
				await expect
					.poll(
						async () => {
							await page.goto(orderLink as string);
							return page.locator("[data-status]").first().getAttribute("data-status");
						},
						{ timeout: 15_000, interval: 500 },
					)
					.toBe("delivered");
				expect(await page.locator('[data-testid="order-key"]').textContent()).toContain(key);
				expect(await page.locator('[data-testid="order-download"]').getAttribute("data-status")).toBe("active");
			}),
	);
});
