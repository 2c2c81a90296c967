import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Cart } from "@bazaar/contracts/cart";
import { type Caller, MAX_SKEW_SECONDS } from "@bazaar/signature";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { ANON, body, type CartHarness, cartHarness, guestToken, variantId } from "../cart/testing/fixtures";
import { type IdentityHarness, identityHarness } from "../identity/test-harness";
import { REDIS_URL, redisAvailable, SECRET } from "../testing/harness";
import { signedInit } from "../testing/signed-init";
import { type AppEnv, requireSignature } from "./http";
import { MemoryReplayGuard, RedisReplayGuard } from "./replay-guard";

// A signed edge → core request is good once: sent again (a replay, by whoever saw it on the
// wire) it is a 401 that changes nothing, on this core process, on another one sharing Redis,
// and after a restart. And the headers the core acts on are part of what is signed.

const ADDRESS = { recipient: "Ada", line1: "1 Main St", city: "Springfield", country: "US" };

describe("a replayed signature is refused", () => {
	let h: IdentityHarness;
	let shopper: Caller;
	beforeAll(async () => {
		h = await identityHarness();
		shopper = (await h.signUp()).caller;
	});
	afterAll(() => h?.close());

	test("the same signed write twice: the second is a 401, and there is one address", async () => {
		const path = "/identity/me/addresses";
		const init = await signedInit("POST", path, { body: ADDRESS, caller: shopper }, shopper);
		const first = await h.app.request(path, init);
		expect(first.status).toBe(201);
		const again = await h.app.request(path, init);
		expect(again.status).toBe(401);
		expect(((await again.json()) as { detail: string }).detail).toContain("replayed signature");
		expect((await h.mod.listAddresses(shopper.user)).items).toHaveLength(1);
	});

	test("personal reads are not replayable either; each fresh signature is fine", async () => {
		const init = await signedInit("GET", "/identity/me", { caller: shopper }, shopper);
		expect((await h.app.request("/identity/me", init)).status).toBe(200);
		expect((await h.app.request("/identity/me", init)).status).toBe(401);
		expect((await h.call("GET", "/identity/me", { caller: shopper })).status).toBe(200);
		expect((await h.call("GET", "/identity/me", { caller: shopper })).status).toBe(200);
	});
});

describe("the headers the core acts on are signed", () => {
	let h: CartHarness;
	let variant: string;
	beforeAll(async () => {
		h = await cartHarness();
		variant = variantId(await h.product({ title: "Stamp", variants: [{ sku: "STAMP-1", price: 100 }] }));
	});
	afterAll(() => h?.close());

	test("a request signed for one guest cart, sent with another's token: 401, neither cart changes", async () => {
		const mine = guestToken();
		const theirs = guestToken();
		await h.call("POST", "/cart/lines", { caller: ANON, token: theirs, body: { variantId: variant, quantity: 1 } });
		const init = await signedInit(
			"POST",
			"/cart/lines",
			{ body: { variantId: variant, quantity: 5 }, headers: { "x-bazaar-cart-token": mine } },
			ANON,
		);
		const swapped = new Headers(init.headers);
		swapped.set("x-bazaar-cart-token", theirs);
		const res = await h.app.request("/cart/lines", { ...init, headers: swapped });
		expect(res.status).toBe(401);
		const theirCart = await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token: theirs }));
		expect(theirCart.lines.map((l) => l.quantity)).toEqual([1]);
		expect((await body<Cart>(await h.call("GET", "/cart", { caller: ANON, token: mine }))).lines).toEqual([]);
	});

	test("a token added on the way to a request signed without one: 401", async () => {
		const init = await signedInit("GET", "/cart", {}, ANON);
		const added = new Headers(init.headers);
		added.set("x-bazaar-cart-token", guestToken());
		expect((await h.app.request("/cart", { ...init, headers: added })).status).toBe(401);
	});
});

describe("the seen-set", () => {
	test("remembers a nonce only while its signature could still be accepted", async () => {
		let now = 1_800_000_000_000;
		const guard = new MemoryReplayGuard(() => now);
		const ts = now / 1000;
		expect(await guard.firstSeen("a".repeat(32), ts)).toBe(true);
		expect(await guard.firstSeen("a".repeat(32), ts)).toBe(false);
		expect(await guard.firstSeen("b".repeat(32), ts)).toBe(true);
		now += (MAX_SKEW_SECONDS + 2) * 1000;
		// The signature is stale by now (verify refuses it first); the set may forget it.
		expect(await guard.firstSeen("c".repeat(32), now / 1000)).toBe(true);
		expect(guard.size).toBe(1);
	});

	test("public catalog reads skip it (the same signed GET twice answers twice)", async () => {
		const app = new Hono<AppEnv>();
		app.use("*", requireSignature(SECRET));
		app.get("/catalog/categories", (c) => c.json({ items: [] }));
		app.get("/catalog/admin/categories", (c) => c.json({ items: [] }));
		const pub = await signedInit("GET", "/catalog/categories", {}, ANON);
		expect((await app.request("/catalog/categories", pub)).status).toBe(200);
		expect((await app.request("/catalog/categories", pub)).status).toBe(200);
		const admin = await signedInit("GET", "/catalog/admin/categories", {}, ANON);
		expect((await app.request("/catalog/admin/categories", admin)).status).toBe(200);
		expect((await app.request("/catalog/admin/categories", admin)).status).toBe(401);
	});
});

describe("several core processes, and restarts (Redis)", () => {
	const redisUp = redisAvailable();
	const prefix = `bazaar:test:replay:${process.pid}:${Date.now()}:`;
	const opened: Redis[] = [];
	afterAll(async () => {
		for (const r of opened) r.disconnect();
	});
	const processApp = (redis: Redis) => {
		const app = new Hono<AppEnv>();
		app.use("*", requireSignature(SECRET, new RedisReplayGuard(redis, prefix)));
		app.post("/orders/x", (c) => c.json({ ok: true }));
		return app;
	};
	const connection = () => {
		const r = new Redis(REDIS_URL, { lazyConnect: false });
		opened.push(r);
		return r;
	};

	test("a request accepted by one process is refused by another, and by a restarted one", async () => {
		if (!(await redisUp)) {
			console.warn(`skipping the shared seen-set test: ${REDIS_URL} unreachable`);
			return;
		}
		const a = processApp(connection());
		const b = processApp(connection());
		const init = await signedInit("POST", "/orders/x", { body: {} }, ANON);
		expect((await a.request("/orders/x", init)).status).toBe(200);
		expect((await b.request("/orders/x", init)).status).toBe(401);
		const restarted = processApp(connection());
		expect((await restarted.request("/orders/x", init)).status).toBe(401);
		const fresh = await signedInit("POST", "/orders/x", { body: {} }, ANON);
		expect((await b.request("/orders/x", fresh)).status).toBe(200);
	});

	test("with Redis down, each process still refuses what it has seen", async () => {
		const dead = new Redis("redis://127.0.0.1:1", {
			lazyConnect: true,
			enableOfflineQueue: false,
			maxRetriesPerRequest: 0,
			retryStrategy: () => null,
		});
		dead.on("error", () => {});
		opened.push(dead);
		const app = processApp(dead);
		const init = await signedInit("POST", "/orders/x", { body: {} }, ANON);
		expect((await app.request("/orders/x", init)).status).toBe(200);
		expect((await app.request("/orders/x", init)).status).toBe(401);
	});
});
