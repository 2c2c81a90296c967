// The shopper's journey in a real Chromium against the real stack (core on Bun + the Worker under
// `wrangler dev`), plus the two things only the whole stack can show: a catalog change in the
// core reaching the edge, and a chat client reaching a room through the Worker.
import { existsSync } from "node:fs";
import { formatMoney } from "@bazaar/money";
import { PartySocket } from "partysocket";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./stack.ts";

const CHROMIUM = "/usr/bin/chromium";
const unavailable =
	process.env.BAZAAR_BROWSER_UNAVAILABLE ?? (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed`);
if (unavailable) console.warn(`[browser tests] skipped: ${unavailable}. Install Debian's chromium to run them.`);

type ProductJson = {
	slug: string;
	title: string;
	variants: { id: string; prices: { amount: number; currency: string }[] }[];
};

describe("Bazaar end to end", () => {
	let stack: TestStack;
	let browser: Browser;
	let browserPage: Page | undefined;
	let openedSlug = "";

	beforeAll(async () => {
		stack = await startTestStack({ products: 120 });
		if (unavailable) return;
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: [
				"--headless",
				"--no-sandbox",
				"--disable-gpu",
				"--disable-background-networking",
				"--disable-quic",
				"--no-first-run",
				"--disable-component-update",
				"--disable-sync",
			],
		});
		browserPage = await browser.newPage({ baseURL: stack.edgeUrl });
	});

	afterAll(async () => {
		await browser?.close();
		await stack?.stop();
	});

	const failWithLogs = async <T>(fn: () => Promise<T>, { showPage = true } = {}): Promise<T> => {
		try {
			return await fn();
		} catch (err) {
			const body =
				showPage && browserPage
					? await browserPage
							.content()
							.then((html) => html.slice(0, 1500))
							.catch(() => "")
					: "";
			throw new Error(
				`${err instanceof Error ? err.message : String(err)}${body ? `\n--- page (${browserPage?.url()}) ---\n${body}` : ""}\n--- stack ---\n${stack?.logTail(40)}`,
			);
		}
	};

	it.skipIf(Boolean(unavailable))("a shopper goes home → category → filter → product → search in Chromium", () =>
		failWithLogs(async () => {
			const page = browserPage!;
			const home = await page.goto("/");
			expect(home?.status()).toBe(200);

			// Category from the home page.
			const categoryLink = page.locator('a[href^="/categories/"]').first();
			await expect(categoryLink.count()).resolves.toBeGreaterThan(0);
			await Promise.all([page.waitForURL(/\/categories\/[a-z0-9-]+/), categoryLink.click()]);
			expect(page.url()).toMatch(/\/categories\/[a-z0-9-]+/);
			await expect(page.locator('a[href^="/products/"]').count()).resolves.toBeGreaterThan(0);

			// A filter through the page's own (JavaScript-free) form.
			const inStock = page.locator('form input[type="checkbox"][name="inStock"]').first();
			const maxPrice = page.locator('form input[name="maxPrice"]').first();
			if ((await inStock.count()) > 0) {
				await inStock.check();
				await Promise.all([
					page.waitForURL(/[?&]inStock=/),
					inStock.evaluate((el) => el.closest("form")?.requestSubmit()),
				]);
			} else {
				expect(await maxPrice.count(), "the category page offers an inStock or maxPrice filter").toBeGreaterThan(0);
				await maxPrice.fill("1000000");
				await Promise.all([
					page.waitForURL(/[?&]maxPrice=/),
					maxPrice.evaluate((el) => el.closest("form")?.requestSubmit()),
				]);
			}
			expect(page.url()).toMatch(/\/categories\/[a-z0-9-]+\?/);
			const filtered = page.locator('a[href^="/products/"]');
			await expect(filtered.count()).resolves.toBeGreaterThan(0);

			// A product: its image comes from the edge's /img/ route and its price shows.
			await Promise.all([page.waitForURL(/\/products\/[a-z0-9-]+$/), filtered.first().click()]);
			openedSlug = new URL(page.url()).pathname.split("/").pop() ?? "";
			const img = page.locator('img[src^="/img/"]').first();
			await img.waitFor();
			await expect
				.poll(() =>
					img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0),
				)
				.toBe(true);
			const imgRes = await fetch(new URL((await img.getAttribute("src")) ?? "", stack.edgeUrl));
			expect(imgRes.status).toBe(200);
			expect(imgRes.headers.get("content-type")).toMatch(/^image\//);
			const product = (await (
				await fetch(`${stack.edgeUrl}/api/catalog/products/${openedSlug}`)
			).json()) as ProductJson;
			const prices = product.variants.flatMap((v) => v.prices).map((p) => formatMoney(p));
			// biome-ignore lint/performance/useDomNodeTextContent: what the shopper sees rendered is the point
			const text = await page.locator("body").innerText();
			expect(text).toContain(product.title);
			expect(
				prices.some((p) => text.includes(p)),
				`one of ${prices.join(", ")} on the page`,
			).toBe(true);

			// Search from the header form, for a word of the product we just saw.
			const word = product.title.split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w)) ?? product.title.split(/\s+/)[0]!;
			const q = page.locator('form[action="/search"] input[name="q"]').first();
			await q.fill(word);
			await Promise.all([page.waitForURL(/\/search\?q=/), q.press("Enter")]);
			expect(new URL(page.url()).searchParams.get("q")).toBe(word);
			await expect(page.locator('a[href^="/products/"]').count()).resolves.toBeGreaterThan(0);
		}),
	);

	it("shows a price changed through the admin API within seconds (core → edge push)", () =>
		failWithLogs(
			async () => {
				const slug =
					openedSlug ||
					((await (await fetch(`${stack.edgeUrl}/api/catalog/products?limit=1`)).json()) as { items: ProductJson[] })
						.items[0]!.slug;
				const productPage = async () => {
					const res = await fetch(`${stack.edgeUrl}/products/${slug}`);
					expect(res.status).toBe(200);
					return res.text();
				};
				// Read it first so the edge caches hold the old page: the test proves invalidation, not a cold read.
				await productPage();
				const product = (await (await fetch(`${stack.edgeUrl}/api/catalog/products/${slug}`)).json()) as ProductJson;

				// An amount no seeded product uses, on every variant so it is the price the page shows.
				const amount = 90_000_00 + Math.floor(Math.random() * 9_999);
				const newPrice = formatMoney({ amount, currency: "USD" });
				const token = await stack.adminBearer();
				for (const variant of product.variants) {
					const res = await fetch(`${stack.edgeUrl}/api/admin/catalog/variants/${variant.id}`, {
						method: "PATCH",
						headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
						body: JSON.stringify({ prices: [{ amount, currency: "USD" }] }),
					});
					expect(res.status, await res.clone().text()).toBe(200);
				}

				const started = Date.now();
				let seen = false;
				while (!seen && Date.now() - started < 10_000) {
					seen = (await productPage()).includes(newPrice);
					if (!seen) await new Promise((r) => setTimeout(r, 250));
				}
				expect(seen, `${newPrice} on /products/${slug} within 10 s`).toBe(true);
				console.log(`[browser tests] new price visible at the edge after ${Date.now() - started} ms`);
			},
			{ showPage: false },
		));

	it("refuses the admin API without a staff sign-in", async () => {
		const res = await fetch(`${stack.edgeUrl}/api/admin/catalog/products`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expect(res.status).toBe(401);
		expect(res.headers.get("www-authenticate")).toContain("Bearer");
		expect(res.headers.get("content-type")).toContain("application/problem+json");
	});

	it("connects a partysocket client to the echo room through wrangler dev", async () => {
		const host = new URL(stack.edgeUrl).host;
		const socket = new PartySocket({ host, protocol: "ws", party: "echo-room", room: "e2e", maxRetries: 0 });
		const messages: string[] = [];
		const arrived = (match: (m: string) => boolean) =>
			expect.poll(() => messages.some(match), { timeout: 10_000, interval: 50 }).toBe(true);
		socket.addEventListener("message", (e: MessageEvent) => messages.push(String(e.data)));
		try {
			await arrived((m) => m === JSON.stringify({ type: "presence", connections: 1 }));
			socket.send("hello over a real socket");
			await arrived((m) => m === "hello over a real socket");
		} finally {
			socket.close();
		}
	});
});
