// A flood from one connection is dropped, not served: each connection has a token bucket (a
// burst, refilled at a steady rate) kept in the room's memory. Hibernation forgets the buckets,
// which is harmless: an object only hibernates after its sockets have been quiet, and a quiet
// connection's bucket is full anyway.

export interface Rate {
	perSecond: number;
	burst: number;
}

/** 5 frames a second with bursts of 20: far above a person typing, far below a script. */
export const DEFAULT_RATE: Rate = { perSecond: 5, burst: 20 };

/** `"<perSecond>/<burst>"` (the SUPPORT_CHAT_RATE setting), or the default when unset or malformed. */
export function rateOf(setting: string | undefined): Rate {
	const m = /^(\d{1,6})\/(\d{1,6})$/.exec(setting ?? "");
	if (!m) return DEFAULT_RATE;
	const perSecond = Number(m[1]);
	const burst = Number(m[2]);
	return perSecond > 0 && burst > 0 ? { perSecond, burst } : DEFAULT_RATE;
}

export class Throttle {
	readonly #buckets = new Map<string, { tokens: number; at: number; warnedAt: number }>();

	constructor(readonly rate: Rate) {}

	/**
	 * Takes a token for `id`: "ok", or "drop" (over the rate), or "warn" (over the rate, and the
	 * sender has not been told in the last second: send it one error frame, not one per frame).
	 */
	take(id: string, now = Date.now()): "ok" | "drop" | "warn" {
		let bucket = this.#buckets.get(id);
		if (!bucket) {
			bucket = { tokens: this.rate.burst, at: now, warnedAt: 0 };
			this.#buckets.set(id, bucket);
		}
		bucket.tokens = Math.min(this.rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate.perSecond);
		bucket.at = now;
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			return "ok";
		}
		if (now - bucket.warnedAt < 1000) return "drop";
		bucket.warnedAt = now;
		return "warn";
	}

	forget(id: string): void {
		this.#buckets.delete(id);
	}
}
