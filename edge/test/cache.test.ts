import { env } from "cloudflare:workers";
import { Problem, Product, parseProductQuery, Variant } from "@bazaar/contracts";
import { formatMoney } from "@bazaar/money";
import { sign } from "@bazaar/signature";
import { beforeAll, describe, expect, it } from "vitest";
import { targets } from "../src/cache/catalog";
import { makeEntry, serveEntry } from "../src/cache/entry";
import { clearIsolateMemory } from "../src/cache/layers";
import { RENDER_VERSION } from "../src/cache/policy";
import { forgetVersion, knownVersion, VERSION_KEY } from "../src/cache/version";
import { adminHeaders, core, edge, edgeJson, ORIGIN, pushCatalogEvents, syncVersion } from "./helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const layer = (res: Response) => res.headers.get("x-bazaar-cache");

/** Reads `path` with an empty isolate memory until `want` answers (fills run after the response). */
async function readFromLayer(path: string, want: string, before?: () => Promise<void>): Promise<Response> {
	let last = "";
	for (let i = 0; i < 40; i++) {
		clearIsolateMemory();
		await before?.();
		const res = await edge(path);
		last = layer(res) ?? "";
		if (last === want) return res;
		await res.arrayBuffer();
		await sleep(50);
	}
	throw new Error(`${path} never came from ${want}; last from ${last}`);
}

describe("catalog read path", () => {
	beforeAll(async () => {
		await syncVersion();
	});

	it("answers from isolate memory, then the Cache API, then KV, then the core", async () => {
		const path = "/api/catalog/products?limit=13&sort=price_desc";
		const first = await edge(path);
		expect(layer(first)).toBe("core");
		const body = await first.text();

		const second = await edge(path);
		expect(layer(second)).toBe("memory");
		expect(await second.text()).toBe(body);
		expect(second.headers.get("etag")).toBe(first.headers.get("etag"));

		// Same filters in another order are the same canonical entry.
		const reordered = await edge("/api/catalog/products?sort=price_desc&limit=13");
		expect(layer(reordered)).toBe("memory");
		expect(await reordered.text()).toBe(body);

		const fromCache = await readFromLayer(path, "cache");
		expect(await fromCache.text()).toBe(body);

		const query = parseProductQuery(new URLSearchParams("limit=13&sort=price_desc"));
		if (!query.success) throw query.error;
		const cacheKey = `https://cache.bazaar.internal/v${knownVersion()}.${RENDER_VERSION}${targets.products(query.data).api}`;
		const fromKv = await readFromLayer(path, "kv", async () => {
			await caches.default.delete(cacheKey);
		});
		expect(await fromKv.text()).toBe(body);
		expect(fromKv.headers.get("etag")).toBe(first.headers.get("etag"));
	});

	it("serves pages the same way: rendered once per version, then bytes", async () => {
		const first = await edge("/search?q=a&limit=3");
		expect(first.status).toBe(200);
		expect(["core", "kv", "cache"]).toContain(layer(first));
		const second = await edge("/search?q=a&limit=3");
		expect(layer(second)).toBe("memory");
		expect(await second.text()).toBe(await first.text());
	});

	it("honours If-None-Match with 304 and sends validators and cache headers", async () => {
		const res = await edge("/api/catalog/categories");
		expect(res.status).toBe(200);
		const etag = res.headers.get("etag")!;
		expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
		expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+, stale-while-revalidate=\d+$/);
		expect(res.headers.get("vary")).toBe("Accept-Encoding");
		expect(res.headers.get("set-cookie")).toBeNull();

		for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
			const again = await edge("/api/catalog/categories", { headers: { "if-none-match": inm } });
			expect(again.status, inm).toBe(304);
			expect(again.headers.get("etag")).toBe(etag);
			expect(await again.text()).toBe("");
		}
		const changed = await edge("/api/catalog/categories", { headers: { "if-none-match": '"other"' } });
		expect(changed.status).toBe(200);

		const page = await edge("/");
		const pageAgain = await edge("/", { headers: { "if-none-match": page.headers.get("etag")! } });
		expect(pageAgain.status).toBe(304);
	});

	it("answers a hot hit before the router with the same bytes and headers, each response its own", async () => {
		const path = "/api/catalog/products?limit=7&sort=newest";
		const first = await edge(path);
		const body = await first.text();
		const a = await edge(path);
		const b = await edge(path);
		expect([layer(a), layer(b)]).toEqual(["memory", "memory"]);
		expect(b.headers.get("etag")).toBe(first.headers.get("etag"));
		for (const name of ["content-type", "cache-control", "vary", "x-content-type-options"]) {
			expect(b.headers.get(name), name).toBe(first.headers.get(name));
		}
		expect(await a.text()).toBe(body);
		expect(await b.text()).toBe(body);

		// HEAD and other methods still go through the router.
		const head = await edge(path, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("etag")).toBe(first.headers.get("etag"));
		expect(await head.text()).toBe("");
		expect((await edge(path, { method: "POST", body: "{}" })).status).toBe(405);
	});

	it("copies an entry's prebuilt headers into each response rather than sharing them", async () => {
		const entry = makeEntry(200, new TextEncoder().encode("{}"), "application/json", '"abc"');
		const request = new Request(`${ORIGIN}/x`);
		const a = serveEntry(entry, request, "memory");
		a.headers.set("x-mutated", "yes");
		a.headers.delete("etag");
		const b = serveEntry(entry, request, "memory");
		expect(b.headers.get("x-mutated")).toBeNull();
		expect(b.headers.get("etag")).toBe('"abc"');
		expect(b.headers.get("x-bazaar-cache")).toBe("memory");
		expect(await b.text()).toBe("{}");
		const notModified = serveEntry(
			entry,
			new Request(`${ORIGIN}/x`, { headers: { "if-none-match": '"abc"' } }),
			"memory",
		);
		expect(notModified.status).toBe(304);
		expect(notModified.headers.get("content-type")).toBeNull();
		expect(notModified.headers.get("etag")).toBe('"abc"');
	});

	it("keeps answering hits while a stale version is re-read in the background", async () => {
		const path = "/api/catalog/categories";
		await (await edge(path)).arrayBuffer();
		const version = knownVersion();
		await sleep(1100); // past the version's freshness: the next request starts a re-read
		const burst = await Promise.all(Array.from({ length: 32 }, () => edge(path)));
		expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
		expect(new Set(burst.map(layer))).toEqual(new Set(["memory"]));
		await Promise.all(burst.map((r) => r.arrayBuffer()));
		expect(knownVersion()).toBe(version);
	});

	it("caches not-found answers briefly", async () => {
		const first = await edge("/api/catalog/products/surely-not-a-product");
		expect(first.status).toBe(404);
		const second = await edge("/api/catalog/products/surely-not-a-product");
		expect(second.status).toBe(404);
		expect(layer(second)).toBe("memory");
		expect(second.headers.get("cache-control")).toBe("public, max-age=30");
		Problem.parse(await second.json());
	});

	it("learns the version from KV when an isolate starts", async () => {
		const stored = await env.CATALOG.get(VERSION_KEY);
		expect(stored).toBe(String(knownVersion()));
		forgetVersion();
		const res = await edge("/api/catalog/categories");
		expect(res.status).toBe(200);
		expect(knownVersion()).toBe(Number(stored));
	});

	it("refuses unsigned, forged, stale and tampered event pushes", async () => {
		const before = knownVersion();
		const body = JSON.stringify({
			events: [
				{ id: "e1", type: "catalog.product.updated", occurredAt: new Date().toISOString(), version: 1e9, data: {} },
			],
		});
		const post = (headers: Record<string, string>) =>
			edge("/internal/catalog-events", {
				method: "POST",
				headers: { ...headers, "content-type": "application/json" },
				body,
			});

		const unsigned = await post({});
		expect(unsigned.status).toBe(401);
		Problem.parse(await unsigned.json());

		const wrongSecret = await pushCatalogEvents([{ version: 1e9 }], { secret: "not-the-secret-at-all-000" });
		expect(wrongSecret.status).toBe(401);

		const tampered = await pushCatalogEvents([{ version: 1e9 }], { tamper: true });
		expect(tampered.status).toBe(401);

		const stale = await sign({
			secret: env.BAZAAR_SIGNING_SECRET,
			method: "POST",
			path: "/internal/catalog-events",
			body,
			caller: { user: "core", roles: ["service"] },
			now: Date.now() - 10 * 60_000,
		});
		expect((await post(stale)).status).toBe(401);

		const notService = await pushCatalogEvents([{ version: 1e9 }], { roles: ["admin"] });
		expect(notService.status).toBe(403);

		const json = { "content-type": "application/json" };
		const signedGarbage = await sign({
			secret: env.BAZAAR_SIGNING_SECRET,
			method: "POST",
			path: "/internal/catalog-events",
			body: '{"events":[]}',
			headers: json,
			caller: { user: "core", roles: ["service"] },
		});
		const garbage = await edge("/internal/catalog-events", {
			method: "POST",
			headers: { ...json, ...signedGarbage },
			body: '{"events":[]}',
		});
		expect(garbage.status).toBe(400);

		expect(knownVersion()).toBe(before);
		expect(await env.CATALOG.get(VERSION_KEY)).toBe(String(before));
	});

	it("never moves the version backwards", async () => {
		const before = knownVersion();
		const res = await pushCatalogEvents([{ version: 0 }]);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ ok: true, version: before });
		expect(knownVersion()).toBe(before);
	});

	it("shows a price changed through the admin API once the core's version event arrives", async () => {
		const { body: list } = await edgeJson<{ items: { slug: string; kind: string }[] }>(
			"/api/catalog/products?kind=physical&limit=1",
		);
		const slug = list.items[0]!.slug;
		const apiPath = `/api/catalog/products/${slug}`;
		const before = Product.parse((await edgeJson(apiPath)).body);
		const variant = before.variants[0]!;
		const usd = variant.prices.find((p) => p.currency === "USD")!;
		const newPrice = { amount: usd.amount + 1234, currency: "USD" };
		await edge(`/products/${slug}`); // the page is cached too

		const patched = await edge(`/api/admin/catalog/variants/${variant.id}`, {
			method: "PATCH",
			headers: await adminHeaders(),
			body: JSON.stringify({ prices: variant.prices.map((p) => (p.currency === "USD" ? newPrice : p)) }),
		});
		expect(patched.status, await patched.clone().text()).toBe(200);
		expect(Variant.parse(await patched.json()).prices).toContainEqual(newPrice);

		// Until the version moves, the edge keeps answering from its caches (the core is not asked).
		const stale = await edge(apiPath);
		expect(layer(stale)).toBe("memory");
		expect(Product.parse(await stale.json()).variants[0]!.prices).toContainEqual(usd);

		// The core pushes its event once the write is visible in its own reads; wait for the same.
		for (let i = 0; i < 50; i++) {
			const seen = await core().getProduct(slug);
			if (seen.variants[0]!.prices.some((p) => p.currency === "USD" && p.amount === newPrice.amount)) break;
			await sleep(100);
		}
		const version = await core().catalogVersion();
		expect(version).toBeGreaterThan(knownVersion());
		const push = await pushCatalogEvents([
			{ type: "catalog.variant.updated", version, data: { productId: before.id, slug } },
		]);
		expect(push.status).toBe(200);
		expect(await env.CATALOG.get(VERSION_KEY)).toBe(String(version));

		const fresh = await edge(apiPath);
		expect(layer(fresh)).toBe("core");
		expect(Product.parse(await fresh.json()).variants[0]!.prices).toContainEqual(newPrice);

		const page = await (await edge(`/products/${slug}`)).text();
		expect(page).toContain(formatMoney(newPrice));
	});
});
