import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { migrateDatabase, openDatabase } from "../lib/db";
import { json, REDIS_URL, redisAvailable, tempDir } from "../testing/harness";
import { IDENTITY_MIGRATIONS } from "./context";
import { FallbackRateLimiter, type RateLimiter, RedisRateLimiter, SqlRateLimiter } from "./rate-limit";
import { identitySchema } from "./schema";
import { type IdentityHarness, identityHarness, uniqueEmail } from "./test-harness";

const rule = { capacity: 3, windowMs: 60_000 };

function limiterContract(name: string, make: (clock: () => number) => Promise<RateLimiter | null>) {
	describe(name, () => {
		test("a bucket gives `capacity` tokens, then says how long to wait; it refills over the window", async () => {
			let now = 1_000_000;
			const limiter = await make(() => now);
			if (!limiter) return;
			const key = `k-${crypto.randomUUID()}`;
			for (let i = 0; i < 3; i++) expect(await limiter.take([{ key, rule }])).toEqual({ ok: true });
			const denied = await limiter.take([{ key, rule }]);
			expect(denied.ok).toBe(false);
			if (!denied.ok) expect(denied.retryAfterMs).toBe(20_000);
			now += 20_000;
			expect(await limiter.take([{ key, rule }])).toEqual({ ok: true });
			expect((await limiter.take([{ key, rule }])).ok).toBe(false);
		});

		test("several buckets: all or nothing", async () => {
			const limiter = await make(() => 5_000_000);
			if (!limiter) return;
			const a = `a-${crypto.randomUUID()}`;
			const b = `b-${crypto.randomUUID()}`;
			for (let i = 0; i < 3; i++) await limiter.take([{ key: a, rule }]);
			// a is empty: taking from a and b takes from neither.
			expect(
				(
					await limiter.take([
						{ key: b, rule },
						{ key: a, rule },
					])
				).ok,
			).toBe(false);
			for (let i = 0; i < 3; i++) expect((await limiter.take([{ key: b, rule }])).ok).toBe(true);
		});

		test("give refills (a successful login)", async () => {
			const limiter = await make(() => 9_000_000);
			if (!limiter) return;
			const key = `g-${crypto.randomUUID()}`;
			for (let i = 0; i < 3; i++) await limiter.take([{ key, rule }]);
			await limiter.give(key, rule, Number.POSITIVE_INFINITY);
			for (let i = 0; i < 3; i++) expect((await limiter.take([{ key, rule }])).ok).toBe(true);
			await limiter.give(key, rule, 1);
			expect((await limiter.take([{ key, rule }])).ok).toBe(true);
			expect((await limiter.take([{ key, rule }])).ok).toBe(false);
		});

		test("concurrent takes never hand out more than the capacity", async () => {
			const limiter = await make(() => 20_000_000);
			if (!limiter) return;
			const key = `c-${crypto.randomUUID()}`;
			const results = await Promise.all(Array.from({ length: 25 }, () => limiter.take([{ key, rule }])));
			expect(results.filter((r) => r.ok).length).toBe(3);
		});
	});
}

const opened: Array<() => Promise<void> | void> = [];
afterAll(async () => {
	for (const close of opened) await close();
});

limiterContract("SQL token buckets (identity database)", async (clock) => {
	const database = await openDatabase(`file:${tempDir()}/rl.db`, identitySchema);
	await migrateDatabase(database, IDENTITY_MIGRATIONS);
	opened.push(() => database.close());
	return new SqlRateLimiter(database, clock);
});

limiterContract("Redis token buckets", async (clock) => {
	if (!(await redisAvailable())) {
		console.warn(`skipping Redis rate limit test: ${REDIS_URL} unreachable`);
		return null;
	}
	const redis = new Redis(REDIS_URL);
	opened.push(() => redis.quit().then(() => {}));
	return new RedisRateLimiter(redis, `bazaar:test:rl:${crypto.randomUUID()}:`, clock);
});

test("a Redis outage falls back to the identity database instead of failing logins", async () => {
	const database = await openDatabase(`file:${tempDir()}/rl-fallback.db`, identitySchema);
	await migrateDatabase(database, IDENTITY_MIGRATIONS);
	const dead = new Redis("redis://127.0.0.1:1", {
		lazyConnect: true,
		enableOfflineQueue: false,
		maxRetriesPerRequest: 0,
		retryStrategy: () => null,
	});
	dead.on("error", () => {});
	const limiter = new FallbackRateLimiter(new RedisRateLimiter(dead), new SqlRateLimiter(database));
	const key = `f-${crypto.randomUUID()}`;
	for (let i = 0; i < 3; i++) expect((await limiter.take([{ key, rule }])).ok).toBe(true);
	expect((await limiter.take([{ key, rule }])).ok).toBe(false);
	dead.disconnect();
	database.close();
});

describe("login rate limits through the API", () => {
	let h: IdentityHarness;
	beforeAll(async () => {
		h = await identityHarness({
			rateLimits: {
				accountIp: { capacity: 3, windowMs: 60_000 },
				account: { capacity: 6, windowMs: 60_000 },
				ip: { capacity: 5, windowMs: 60_000 },
			},
			// No waiting here: a login that would be slowed down is answered 429 at once.
			loginSlowDownMaxMs: 0,
		});
	});
	afterAll(() => h?.close());

	const login = (email: string, password: string, ip?: string) =>
		h.call("POST", "/identity/login", {
			body: { email, password },
			caller: { user: "", roles: [], ...(ip ? { ip } : {}) },
		});

	test("per account and IP: 3 failures, then 429 with Retry-After there — the owner's own address still gets in", async () => {
		const { email, password } = await h.signUp();
		expect((await login(email, password, "10.0.1.1")).status).toBe(200);
		for (let i = 0; i < 3; i++) expect((await login(email, "wrong password!", "10.0.0.66")).status).toBe(401);
		const limited = await login(email, password, "10.0.0.66");
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
		expect(limited.headers.get("content-type")).toBe("application/problem+json");
		expect(await json(limited)).toMatchObject({ status: 429, title: "Too Many Requests" });
		// The attacker's address is shut out; the owner's is not.
		expect((await login(email, password, "10.0.1.1")).status).toBe(200);
	});

	test("a crowd of addresses guessing one account cannot lock the owner out of their usual address", async () => {
		const { email, password } = await h.signUp();
		const usual = "10.4.0.1";
		expect((await login(email, password, usual)).status).toBe(200);
		// Six addresses, one guess each: the account's bucket (6) is empty, no address's is.
		for (let i = 0; i < 6; i++) expect((await login(email, "wrong password!", `10.4.1.${i}`)).status).toBe(401);
		// An unfamiliar address now has to wait for the account's next token (here: refused at once);
		expect((await login(email, password, "10.4.2.1")).status).toBe(429);
		expect((await login(email, "wrong password!", "10.4.2.2")).status).toBe(429);
		// the owner's usual address signs in with the right password, as before.
		expect((await login(email, password, usual)).status).toBe(200);
		expect((await login(email, "wrong password!", usual)).status).toBe(401);
	});

	test("per account applies to unknown emails alike (no enumeration through 429)", async () => {
		const ghost = uniqueEmail("ghost");
		for (let i = 0; i < 6; i++) expect((await login(ghost, "wrong password!", `10.1.0.${i}`)).status).toBe(401);
		expect((await login(ghost, "wrong password!", "10.1.0.9")).status).toBe(429);
	});

	test("a success gives its tokens back", async () => {
		const { email, password } = await h.signUp();
		for (let i = 0; i < 2; i++) await login(email, "wrong password!", "10.2.0.1");
		expect((await login(email, password, "10.2.0.1")).status).toBe(200);
		for (let i = 0; i < 3; i++) expect((await login(email, "wrong password!", "10.2.0.1")).status).toBe(401);
	});

	test("per IP: 5 failures over different accounts, then 429 for that IP only", async () => {
		const ip = "192.0.2.77";
		for (let i = 0; i < 5; i++) expect((await login(uniqueEmail("spray"), "wrong password!", ip)).status).toBe(401);
		const { email, password } = await h.signUp();
		const limited = await login(email, password, ip);
		expect(limited.status).toBe(429);
		expect(limited.headers.get("retry-after")).toBe("12");
		expect((await login(email, password, "192.0.2.78")).status).toBe(200);
		// IPv6 too; a malformed header is ignored rather than trusted as a key.
		expect((await login(email, password, "2001:db8::1")).status).toBe(200);
		expect((await login(email, password, "<script>")).status).toBe(200);
	});

	test("callers without an IP are not one bucket: each account is bounded on its own", async () => {
		for (let i = 0; i < 8; i++) expect((await login(uniqueEmail("no-ip"), "wrong password!")).status).toBe(401);
		const { email, password } = await h.signUp();
		expect((await login(email, password)).status).toBe(200);
	});

	test("parallel guesses from many addresses cannot slip past the account's bound", async () => {
		const { email } = await h.signUp();
		const results = await Promise.all(
			Array.from({ length: 12 }, (_, i) => login(email, `wrong guess ${i}!`, `10.3.${i}.1`)),
		);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses.filter((s) => s === 401).length).toBe(6);
		expect(statuses.filter((s) => s === 429).length).toBe(6);
	});
});

describe("the slow down", () => {
	let h: IdentityHarness;
	beforeAll(async () => {
		h = await identityHarness({
			rateLimits: { account: { capacity: 1, windowMs: 300 } },
			loginSlowDownMaxMs: 10_000,
		});
	});
	afterAll(() => h?.close());

	test("on an account under attack, an unfamiliar address waits for the next token instead of being refused", async () => {
		const { email, password } = await h.signUp();
		const as = (ip: string, pw: string) =>
			h.call("POST", "/identity/login", { body: { email, password: pw }, caller: { user: "", roles: [], ip } });
		expect((await as("10.9.0.1", "wrong password!")).status).toBe(401);
		// The bucket is empty: these wait in line for it, and are answered on their merits.
		const [wrong, right] = await Promise.all([as("10.9.0.2", "wrong password!"), as("10.9.0.3", password)]);
		expect(wrong.status).toBe(401);
		expect(right.status).toBe(200);
	});
});
