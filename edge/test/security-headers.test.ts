import { exports } from "cloudflare:workers";
import { ProductList } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";
import { core, edge, syncVersion } from "./helpers";

// HSTS on every https answer; a CSP that forbids framing and a Referrer-Policy on every HTML
// answer, whichever part of the Worker produced it: cached catalog pages (first read and memory
// hit), the catalog's error pages, the app's 404 and 5xx pages, /docs, personal pages, the
// proxied payment page.

// A route that fails unexpectedly, added to the real app before its first request: its answer is
// the app's own 500 page (onError).
app.get("/__test/fails", () => {
	throw new Error("a bug, on purpose");
});

const FRAME_ANCESTORS_NONE = /(^|;)\s*frame-ancestors 'none'(;|$)/;

function expectHtmlHeaders(res: Response, what: string) {
	expect(res.headers.get("content-type"), what).toMatch(/^text\/html/);
	expect(res.headers.get("strict-transport-security"), what).toMatch(/^max-age=\d{7,}/);
	expect(res.headers.get("content-security-policy"), what).toMatch(FRAME_ANCESTORS_NONE);
	expect(res.headers.get("referrer-policy"), what).toMatch(/^(same-origin|no-referrer|strict-origin)/);
}

describe("security headers", () => {
	it("every kind of HTML page, over https", async () => {
		await syncVersion();
		const [category] = (await core().listCategories()).items;
		const [product] = (await core().json(ProductList, "GET", "/catalog/products?limit=1")).items;
		const pages: [string, number][] = [
			["/", 200],
			[`/products/${product!.slug}`, 200],
			[`/categories/${category!.slug}`, 200],
			["/products/no-such-product-anywhere", 404],
			[`/categories/${category!.slug}?minPrice=lots`, 400],
			["/search?q=lamp&sort=sideways", 400],
			["/there/is/nothing/here", 404],
			["/docs", 200],
			["/account/login", 200],
			["/account/signup", 200],
			["/account/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 200],
			["/cart", 200],
			["/dev/mail", 200],
			["/sandbox-pay/sbx_unknownunknownunknown", 404],
		];
		for (const [path, status] of pages) {
			// Twice: the second answer of a catalog page comes from isolate memory.
			for (const round of [1, 2]) {
				const res = await edge(path, { redirect: "manual" });
				expect(res.status, `${path} (${round})`).toBe(status);
				expectHtmlHeaders(res, `${path} (${round})`);
				await res.arrayBuffer();
			}
		}
		// A page that set its own policy keeps it (no referrer where a token sits in the address).
		const reset = await edge("/account/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
		expect(reset.headers.get("referrer-policy")).toBe("no-referrer");
	});

	it("the app's 500 page", async () => {
		const res = await edge("/__test/fails");
		expect(res.status).toBe(500);
		expect(await res.clone().text()).not.toContain("on purpose");
		expectHtmlHeaders(res, "500");
	});

	it("HSTS on JSON, images, redirects and refusals over https too; none over plain http", async () => {
		for (const [path, init] of [
			["/api/catalog/categories", {}],
			["/healthz", {}],
			["/api/me", {}],
			["/api/orders", {}],
			["/account", { redirect: "manual" }],
			["/openapi.json", {}],
			["/img/nope.png", {}],
		] as [string, RequestInit][]) {
			const res = await edge(path, init);
			expect(res.headers.get("strict-transport-security"), path).toMatch(/^max-age=\d{7,}/);
			await res.arrayBuffer();
		}
		const plain = await exports.default.fetch(new Request("http://localhost:8787/"));
		expect(plain.headers.get("strict-transport-security")).toBeNull();
		// The page is still guarded against framing there.
		expect(plain.headers.get("content-security-policy")).toMatch(FRAME_ANCESTORS_NONE);
	});
});
