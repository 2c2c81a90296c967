import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import type { Database, TxDb } from "../lib/db";
import { ServiceError } from "../lib/errors";
import type { IdentitySchema } from "./schema";

// Token buckets: `capacity` attempts at once, refilled evenly over `windowMs`. A login takes a
// token from its account's bucket and its IP's bucket before the password is checked (so N
// parallel guesses cannot all slip past a check-then-record race); a success gives them back,
// so only failures count. Buckets live in the identity database, or in Redis when configured
// (shared by every core instance without touching libSQL).

export interface RateRule {
	capacity: number;
	windowMs: number;
}

export interface BucketTake {
	key: string;
	rule: RateRule;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
	/** Takes one token from every bucket, or none of them when any is empty. */
	take(buckets: BucketTake[]): Promise<TakeResult>;
	/** Gives `tokens` back (up to capacity); `Infinity` refills the bucket. */
	give(key: string, rule: RateRule, tokens: number): Promise<void>;
	close(): Promise<void>;
}

export class RateLimitedError extends ServiceError {
	constructor(readonly retryAfterSeconds: number) {
		super(429, `Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
		this.headers = { "retry-after": String(retryAfterSeconds) };
	}
}

type BucketRow = { tokens: number; updated_ms: number };

function refill(tokens: number, updatedMs: number, now: number, rule: RateRule): number {
	const elapsed = Math.max(0, now - updatedMs);
	return Math.min(rule.capacity, tokens + (elapsed * rule.capacity) / rule.windowMs);
}

function waitFor(tokens: number, rule: RateRule): number {
	return Math.ceil(((1 - tokens) * rule.windowMs) / rule.capacity);
}

export class SqlRateLimiter implements RateLimiter {
	private takes = 0;

	constructor(
		private readonly database: Database<IdentitySchema>,
		private readonly now: () => number = Date.now,
	) {}

	private write<T>(fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
		return this.database.write(fn);
	}

	async take(buckets: BucketTake[]): Promise<TakeResult> {
		if (buckets.length === 0) return { ok: true };
		const now = this.now();
		const result = await this.write(async (tx) => {
			const current: number[] = [];
			for (const b of buckets) {
				// `all`, not `get`: drizzle's libSQL `get` throws on no row.
				const [row] = await tx.all<BucketRow>(
					sql`SELECT tokens, updated_ms FROM rate_limit_buckets WHERE key = ${b.key}`,
				);
				current.push(row ? refill(row.tokens, row.updated_ms, now, b.rule) : b.rule.capacity);
			}
			let wait = 0;
			buckets.forEach((b, i) => {
				const t = current[i] as number;
				if (t < 1) wait = Math.max(wait, waitFor(t, b.rule));
			});
			if (wait > 0) return { ok: false as const, retryAfterMs: wait };
			for (const [i, b] of buckets.entries()) {
				await tx.run(
					sql`INSERT INTO rate_limit_buckets (key, tokens, updated_ms) VALUES (${b.key}, ${(current[i] as number) - 1}, ${now})
						ON CONFLICT(key) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms`,
				);
			}
			return { ok: true as const };
		});
		if (++this.takes % 1_000 === 0) void this.sweep(now);
		return result;
	}

	async give(key: string, rule: RateRule, tokens: number): Promise<void> {
		const now = this.now();
		await this.write(async (tx) => {
			const [row] = await tx.all<BucketRow>(sql`SELECT tokens, updated_ms FROM rate_limit_buckets WHERE key = ${key}`);
			if (!row) return;
			const next = Math.min(rule.capacity, refill(row.tokens, row.updated_ms, now, rule) + tokens);
			if (next >= rule.capacity) {
				await tx.run(sql`DELETE FROM rate_limit_buckets WHERE key = ${key}`);
			} else {
				await tx.run(sql`UPDATE rate_limit_buckets SET tokens = ${next}, updated_ms = ${now} WHERE key = ${key}`);
			}
		});
	}

	/** A bucket untouched for a day is full again under any sane rule: its row can go. */
	private async sweep(now: number) {
		try {
			await this.write((tx) => tx.run(sql`DELETE FROM rate_limit_buckets WHERE updated_ms < ${now - 24 * 3_600_000}`));
		} catch (err) {
			console.warn("rate limit sweep failed:", err);
		}
	}

	async close() {}
}

// One round trip and atomic across every core instance: refill, check all, then take from all.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local n = #KEYS
local current = {}
local wait = 0
for i = 1, n do
  local cap = tonumber(ARGV[2 * i]); local win = tonumber(ARGV[2 * i + 1])
  local v = redis.call('HMGET', KEYS[i], 't', 'u')
  local t = cap
  if v[1] then
    local elapsed = math.max(0, now - tonumber(v[2]))
    t = math.min(cap, tonumber(v[1]) + elapsed * cap / win)
  end
  current[i] = t
  if t < 1 then
    local w = math.ceil((1 - t) * win / cap)
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  local win = tonumber(ARGV[2 * i + 1])
  redis.call('HSET', KEYS[i], 't', tostring(current[i] - 1), 'u', tostring(now))
  redis.call('PEXPIRE', KEYS[i], win)
end
return 0
`;

const GIVE_SCRIPT = `
local now = tonumber(ARGV[1]); local cap = tonumber(ARGV[2]); local win = tonumber(ARGV[3]); local add = tonumber(ARGV[4])
local v = redis.call('HMGET', KEYS[1], 't', 'u')
if not v[1] then return 0 end
local t = math.min(cap, tonumber(v[1]) + math.max(0, now - tonumber(v[2])) * cap / win + add)
if t >= cap then redis.call('DEL', KEYS[1]) else
  redis.call('HSET', KEYS[1], 't', tostring(t), 'u', tostring(now))
  redis.call('PEXPIRE', KEYS[1], win)
end
return 0
`;

export class RedisRateLimiter implements RateLimiter {
	constructor(
		private readonly redis: Redis,
		private readonly prefix = "bazaar:identity:rl:",
		private readonly now: () => number = Date.now,
	) {}

	async take(buckets: BucketTake[]): Promise<TakeResult> {
		if (buckets.length === 0) return { ok: true };
		const args: (string | number)[] = [this.now()];
		for (const b of buckets) args.push(b.rule.capacity, b.rule.windowMs);
		const wait = Number(
			await this.redis.eval(TAKE_SCRIPT, buckets.length, ...buckets.map((b) => this.prefix + b.key), ...args),
		);
		return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
	}

	async give(key: string, rule: RateRule, tokens: number): Promise<void> {
		const add = Number.isFinite(tokens) ? tokens : rule.capacity;
		await this.redis.eval(GIVE_SCRIPT, 1, this.prefix + key, this.now(), rule.capacity, rule.windowMs, add);
	}

	async close() {}
}

/**
 * Redis when it answers, the identity database when it does not: a Redis outage must not turn
 * every login into a 500 (nor switch the limit off).
 */
export class FallbackRateLimiter implements RateLimiter {
	private lastWarn = 0;

	constructor(
		private readonly primary: RateLimiter,
		private readonly fallback: RateLimiter,
	) {}

	async take(buckets: BucketTake[]): Promise<TakeResult> {
		try {
			return await this.primary.take(buckets);
		} catch (err) {
			this.warn(err);
			return this.fallback.take(buckets);
		}
	}

	async give(key: string, rule: RateRule, tokens: number): Promise<void> {
		try {
			await this.primary.give(key, rule, tokens);
		} catch (err) {
			this.warn(err);
			await this.fallback.give(key, rule, tokens);
		}
	}

	private warn(err: unknown) {
		const now = Date.now();
		if (now - this.lastWarn < 30_000) return;
		this.lastWarn = now;
		console.warn("identity rate limiter: Redis failed, using the identity database:", (err as Error).message);
	}

	async close() {
		await Promise.all([this.primary.close(), this.fallback.close()]);
	}
}
