// The performance budget of each page type, as a browser gets the page from the real stack:
// the HTML is at most 40 KB compressed, no script blocks rendering (each is deferred, async, a
// module or JSON-LD data), and every picture has its size in the markup (no layout shift) and
// loads lazily when it starts below the fold, on a desktop and on a phone screen.
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickTo, launchChromium, signUpInBrowser, unavailable, withLogs as withStackLogs } from "./chromium.ts";
import { startTestStack, type TestStack } from "./stack.ts";

const HTML_BUDGET = 40 * 1024;
type Listed = { slug: string; kind: string };
type CategoryJson = { slug: string; parentId: string | null; productCount: number };

/** Script tags that would hold up the first paint. */
function blockingScripts(html: string): string[] {
	return [...html.matchAll(/<script\b[^>]*>/g)]
		.map((m) => m[0])
		.filter((tag) => !/\b(defer|async)\b|type="(module|application\/ld\+json)"/.test(tag));
}

/** Pictures without a size in the markup, and pictures below the fold that are not lazy. */
function pictureProblems(page: Page) {
	return page.evaluate(() => {
		const out: string[] = [];
		for (const img of Array.from(document.images)) {
			const name = img.getAttribute("src") ?? "";
			if (!img.getAttribute("width") || !img.getAttribute("height")) out.push(`${name}: no width/height`);
			const top = img.getBoundingClientRect().top + window.scrollY;
			if (top >= window.innerHeight && img.getAttribute("loading") !== "lazy")
				out.push(`${name}: below the fold, not lazy`);
		}
		return out;
	});
}

describe("performance budget", () => {
	let stack: TestStack;
	let browser: Browser;
	let page: Page | undefined;

	beforeAll(async () => {
		stack = await startTestStack({ products: 60 });
		if (unavailable) return;
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
		await stack?.stop();
	});

	const json = async <T>(path: string) => (await (await fetch(`${stack.edgeUrl}${path}`)).json()) as T;

	it.skipIf(Boolean(unavailable))(
		"holds for every page type on a desktop and a phone",
		() =>
			withStackLogs(
				() => page,
				() => stack,
				async () => {
					const categories = (await json<{ items: CategoryJson[] }>("/api/catalog/categories")).items;
					const category = categories.find((c) => c.parentId === null && c.productCount > 4)!;
					const product = (await json<{ items: Listed[] }>("/api/catalog/products?kind=physical&inStock=true&limit=1"))
						.items[0]!;
					const report: string[] = [];
					const sizes: string[] = [];
					for (const viewport of [
						{ width: 1280, height: 800 },
						{ width: 390, height: 844 },
					]) {
						const context = await browser.newContext({ baseURL: stack.edgeUrl, viewport });
						page = await context.newPage();
						const check = async (type: string) => {
							const html = await page!.content();
							// What the server sent, compressed as the edge sends it (gzip; brotli is smaller still).
							const sent = await page!.evaluate(async () => (await fetch(location.href)).text());
							const compressed = gzipSync(sent).length;
							if (viewport.width === 1280) sizes.push(`${type} ${(compressed / 1024).toFixed(1)} KB`);
							if (compressed > HTML_BUDGET) report.push(`${type}: ${compressed} bytes compressed`);
							for (const tag of blockingScripts(html)) report.push(`${type}: render-blocking ${tag}`);
							for (const problem of await pictureProblems(page!))
								report.push(`${type} (${viewport.width} px): ${problem}`);
						};
						for (const [type, path] of [
							["home", "/"],
							["category", `/categories/${category.slug}`],
							["product", `/products/${product.slug}`],
							["search", "/search?q=a"],
							["not found", "/no-such-page"],
							["docs", "/docs"],
							["log-in", "/account/login"],
						] as const) {
							await page.goto(path);
							await check(type);
						}
						await signUpInBrowser(page, {
							name: "Bea Budget",
							email: `budget-${viewport.width}-${Date.now()}@example.com`,
							password: "correct horse battery staple",
						});
						await check("account");
						await page.goto(`/products/${product.slug}`);
						await clickTo(page, 'form[action="/cart/add"] button[type="submit"]', /\/cart(\?|$)/);
						await check("cart");
						await page.goto("/checkout");
						await check("checkout");
						await context.close();
					}
					console.info(`[budget] HTML compressed: ${sizes.join(", ")}`);
					expect(report.join("\n")).toBe("");
				},
			),
		240_000,
	);
});
