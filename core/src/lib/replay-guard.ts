import { MAX_SKEW_SECONDS } from "@bazaar/signature";
import type { Redis } from "ioredis";
import { closeRedis, connectRedis } from "./redis";

// The seen-set behind the edge → core signature: a signature is accepted once. The signature's
// timestamp already bounds how long it could be replayed (MAX_SKEW_SECONDS either way), so a
// nonce is remembered only until its timestamp leaves that window; the set holds at most a
// window's worth of signed writes.
//
// With REDIS_URL every core process (on one machine or several) shares one set, and it survives a
// core restart. Without Redis each process keeps its own: a replay sent to the same process is
// refused, one sent to another process within the window is not (run Redis when running more
// than one core process). If Redis fails, each process falls back to its own set and says so,
// rather than refusing every request (or accepting replays everywhere).

export interface ReplayGuard {
	/** True the first time `nonce` is offered; false when it was accepted before (a replay). */
	firstSeen(nonce: string, timestampSeconds: number): Promise<boolean>;
	close(): Promise<void>;
}

/** How long past now a signature made at `timestampSeconds` stays acceptable (ms, at least 1 s). */
function remainingMs(timestampSeconds: number, now: number): number {
	return Math.max(1_000, (timestampSeconds + MAX_SKEW_SECONDS + 1) * 1000 - now);
}

/** One process's set: nonce → when it may be forgotten. */
export class MemoryReplayGuard implements ReplayGuard {
	private readonly seen = new Map<string, number>();
	private nextSweep = 0;

	constructor(private readonly now: () => number = Date.now) {}

	async firstSeen(nonce: string, timestampSeconds: number): Promise<boolean> {
		return this.firstSeenSync(nonce, timestampSeconds);
	}

	firstSeenSync(nonce: string, timestampSeconds: number): boolean {
		const now = this.now();
		if (now >= this.nextSweep) this.sweep(now);
		const until = this.seen.get(nonce);
		if (until !== undefined && until > now) return false;
		this.seen.set(nonce, now + remainingMs(timestampSeconds, now));
		return true;
	}

	/** Forgets nonces whose signatures have expired (once a second at most). */
	private sweep(now: number) {
		for (const [nonce, until] of this.seen) if (until <= now) this.seen.delete(nonce);
		this.nextSweep = now + 1_000;
	}

	get size(): number {
		return this.seen.size;
	}

	async close() {}
}

/** The set in Redis: `SET key 1 NX PX ttl` is the check and the record in one atomic step. */
export class RedisReplayGuard implements ReplayGuard {
	private lastWarn = 0;
	private readonly fallback: MemoryReplayGuard;

	constructor(
		private readonly redis: Redis,
		private readonly prefix = "bazaar:replay:",
		private readonly now: () => number = Date.now,
	) {
		this.fallback = new MemoryReplayGuard(now);
	}

	async firstSeen(nonce: string, timestampSeconds: number): Promise<boolean> {
		try {
			const ttl = remainingMs(timestampSeconds, this.now());
			const set = await this.redis.set(this.prefix + nonce, "1", "PX", ttl, "NX");
			// Remembered here too, so a fallback later still knows what this process accepted.
			this.fallback.firstSeenSync(nonce, timestampSeconds);
			return set === "OK";
		} catch (err) {
			this.warn(err);
			return this.fallback.firstSeenSync(nonce, timestampSeconds);
		}
	}

	private warn(err: unknown) {
		const now = this.now();
		if (now - this.lastWarn < 30_000) return;
		this.lastWarn = now;
		console.warn("replay guard: Redis failed, each process checks its own nonces:", (err as Error).message);
	}

	async close() {
		await closeRedis(this.redis);
	}
}

/** Redis when REDIS_URL is set (shared by every core process), else this process's own set. */
export function openReplayGuard(redisUrl: string | null): ReplayGuard {
	return redisUrl ? new RedisReplayGuard(connectRedis(redisUrl, "replay")) : new MemoryReplayGuard();
}
