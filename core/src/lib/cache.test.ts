import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Product, ProductList } from "@bazaar/contracts";
import { Redis } from "ioredis";
import { ADMIN, type Harness, harness, json, REDIS_URL, redisAvailable } from "../testing/harness";
import { etagMatches, VersionedCache } from "./cache";

const text = (entry: { body: Uint8Array }) => new TextDecoder().decode(entry.body);

async function until(check: () => boolean | Promise<boolean>, ms = 3_000) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check()) return;
		await Bun.sleep(10);
	}
	throw new Error("condition not met in time");
}

describe("in-process cache over HTTP", () => {
	let h: Harness;
	beforeAll(async () => {
		h = await harness({ seeded: true });
	}, 120_000);
	afterAll(() => h?.close());

	test("ETag and If-None-Match → 304; the second read is a memory hit", async () => {
		const first = await h.call("GET", "/catalog/products?limit=5&category=audio");
		expect(first.status).toBe(200);
		const etag = first.headers.get("etag") as string;
		expect(etag).toMatch(/^".+"$/);
		const second = await h.call("GET", "/catalog/products?limit=5&category=audio");
		expect(second.headers.get("x-cache")).toBe("memory");
		expect(second.headers.get("etag")).toBe(etag);
		const firstText = await first.text();
		expect(await second.text()).toBe(firstText);
		// The same filters in another order are the same list (the edge sends them canonical).
		const reordered = await h.call("GET", "/catalog/products?category=audio&limit=5");
		expect(reordered.headers.get("etag")).toBe(etag);
		expect(await reordered.text()).toBe(firstText);
		const revalidated = await h.call("GET", "/catalog/products?limit=5&category=audio", {
			headers: { "if-none-match": etag },
		});
		expect(revalidated.status).toBe(304);
		expect(await revalidated.text()).toBe("");
		const weak = await h.call("GET", "/catalog/products?limit=5&category=audio", {
			headers: { "if-none-match": `"x", W/${etag}` },
		});
		expect(weak.status).toBe(304);
		const other = await h.call("GET", "/catalog/products?limit=5&category=audio", {
			headers: { "if-none-match": '"nope"' },
		});
		expect(other.status).toBe(200);
	});

	test("a catalog write invalidates: the next read is fresh, with a new ETag", async () => {
		const before = ProductList.parse(
			await json(await h.call("GET", "/catalog/products?limit=1&sort=price_asc&category=audio")),
		);
		const item = before.items[0];
		const detail = await json<Product>(await h.call("GET", `/catalog/products/${item?.slug}`));
		const beforeEtag = (await h.call("GET", `/catalog/products/${item?.slug}`)).headers.get("etag");
		const variant = detail.variants[0];
		const res = await h.call("PATCH", `/catalog/admin/variants/${variant?.id}`, {
			caller: ADMIN,
			body: { prices: [{ amount: 1, currency: "USD" }] },
		});
		expect(res.status).toBe(200);
		const after = await h.call("GET", `/catalog/products/${item?.slug}`);
		expect(after.headers.get("x-cache")).toBe("origin");
		expect(after.headers.get("etag")).not.toBe(beforeEtag);
		expect(((await json<Product>(after)).variants[0]?.prices ?? []).find((p) => p.currency === "USD")?.amount).toBe(1);
		const list = ProductList.parse(
			await json(await h.call("GET", "/catalog/products?limit=1&sort=price_asc&category=audio")),
		);
		expect(list.items[0]?.price.amount).toBe(1);
		expect(list.version).toBe(before.version + 1);
	});

	test("the periodic version check catches writes nobody announced", async () => {
		const cache = new VersionedCache({ namespace: "t", readVersion: async () => version, versionCheckMs: 20 });
		let version = 3;
		let builds = 0;
		const build = async () => `body-${++builds}`;
		expect(text(await cache.get("k", build))).toBe("body-1");
		expect((await cache.get("k", build)).source).toBe("memory");
		cache.start();
		version = 4;
		await until(() => cache.version === 4);
		expect(text(await cache.get("k", build))).toBe("body-2");
		cache.stop();
	});

	test("concurrent misses share one build; failures are not cached", async () => {
		const cache = new VersionedCache({ namespace: "t2", readVersion: async () => 1 });
		let builds = 0;
		const slow = async () => {
			builds++;
			await Bun.sleep(20);
			return "x";
		};
		await Promise.all(Array.from({ length: 10 }, () => cache.get("k", slow)));
		expect(builds).toBe(1);
		await expect(cache.get("boom", async () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
		expect(text(await cache.get("boom", async () => "ok"))).toBe("ok");
	});

	test("etagMatches follows RFC 9110 weak comparison", () => {
		expect(etagMatches('"a"', '"a"')).toBe(true);
		expect(etagMatches('W/"a"', '"a"')).toBe(true);
		expect(etagMatches("*", '"a"')).toBe(true);
		expect(etagMatches('"b", "c"', '"a"')).toBe(false);
		expect(etagMatches(null, '"a"')).toBe(false);
	});
});

describe("with Redis", async () => {
	const available = await redisAvailable();
	if (!available)
		console.warn(`SKIP: Redis is not reachable at ${REDIS_URL}; second-level cache and pub/sub tests skipped.`);
	const it = available ? test : test.skip;

	test("(redis check)", () => {
		expect(typeof available).toBe("boolean");
	});

	it("a second instance gets a first instance's entry from Redis (second level)", async () => {
		const redis = new Redis(REDIS_URL);
		redis.on("error", () => {});
		const namespace = `test-${crypto.randomUUID()}`;
		try {
			const a = new VersionedCache({ namespace, readVersion: async () => 7, redis });
			const b = new VersionedCache({ namespace, readVersion: async () => 7, redis });
			expect((await a.get("k", async () => "from-a")).source).toBe("origin");
			await until(async () => (await redis.exists(`bazaar:${namespace}:v7:k`)) === 1);
			const hit = await b.get("k", async () => "from-b");
			expect(hit.source).toBe("redis");
			expect(text(hit)).toBe("from-a");
			expect(hit.etag).toBe((await a.get("k", async () => "unused")).etag);
			expect(await redis.ttl(`bazaar:${namespace}:v7:k`)).toBeGreaterThan(0);
		} finally {
			redis.disconnect();
		}
	});

	it("a write on one instance invalidates another instance's cache through pub/sub", async () => {
		// Two core instances on one database; the periodic version check is set far out so only
		// pub/sub can explain the second instance noticing.
		const namespace = `test-${crypto.randomUUID()}`;
		const opts = { redisUrl: REDIS_URL, cache: { namespace, versionCheckMs: 60_000 } };
		const a = await harness({ module: opts });
		const b = await harness({ module: opts, dbUrl: a.dbUrl });
		try {
			await Promise.all([a.mod.ready, b.mod.ready]);
			// Neither relay loop runs: b can only learn of a's writes through Redis pub/sub.
			const cat = await json<{ id: string }>(
				await a.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Kites" } }),
			);
			await until(() => b.mod.cache.version === a.mod.cache.version);
			const first = await b.call("GET", "/catalog/categories");
			expect((await json<{ items: { name: string }[] }>(first)).items.map((c) => c.name)).toEqual(["Kites"]);
			expect((await b.call("GET", "/catalog/categories")).headers.get("x-cache")).toBe("memory");
			const versionBefore = b.mod.cache.version;

			await a.call("PATCH", `/catalog/admin/categories/${cat.id}`, { caller: ADMIN, body: { name: "Stunt Kites" } });
			await until(() => b.mod.cache.version > versionBefore);
			const after = await b.call("GET", "/catalog/categories");
			expect((await json<{ items: { name: string }[] }>(after)).items.map((c) => c.name)).toEqual(["Stunt Kites"]);
		} finally {
			await b.close();
			await a.close();
		}
	});
});
