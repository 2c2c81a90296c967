import type { CouponState } from "@bazaar/contracts/promotion";
import { RateLimitedError, type RateRule } from "../identity/rate-limit";
import { ServiceError } from "../lib/errors";
import { iso, type PromotionContext } from "./context";
import { INVALID_COUPON, judgeCode, runningActivities } from "./price-cart";

// A shopper typing a code (the cart's "Apply", the checkout's couponCode). Codes must not be
// enumerable: every attempt takes a token from the core's rate limiter for the shopper (account
// or guest cart) and for the client address, a code that works gives its tokens back (only
// failures count, as for log-ins), and every code that cannot be used now — unknown, expired,
// not started, disabled, used up — gets the same answer.

export const COUPON_ATTEMPTS: RateRule = { capacity: 10, windowMs: 10 * 60_000 };
export const COUPON_ATTEMPTS_PER_IP: RateRule = { capacity: 30, windowMs: 10 * 60_000 };

export class InvalidCouponError extends ServiceError {
	constructor() {
		super(422, INVALID_COUPON, [{ path: "code", message: INVALID_COUPON }]);
	}
}

export interface Attempt {
	/** The signed-in customer's id, or the guest cart's owner key. */
	subject: string;
	/** The client address the edge signed; null when it had none. */
	ip: string | null;
}

/** The code as stored (upper case) when it can be used now; 422 otherwise, 429 when attempts ran out. */
export async function checkCoupon(ctx: PromotionContext, code: string, attempt: Attempt): Promise<CouponState> {
	const buckets = [{ key: `coupon:${attempt.subject}`, rule: COUPON_ATTEMPTS }];
	if (attempt.ip) buckets.push({ key: `coupon-ip:${attempt.ip}`, rule: COUPON_ATTEMPTS_PER_IP });
	const took = await ctx.limiter.take(buckets);
	if (!took.ok) throw new RateLimitedError(Math.max(1, Math.ceil(took.retryAfterMs / 1000)));
	const nowIso = iso(ctx.now());
	const verdict = await judgeCode(ctx, code, await runningActivities(ctx, nowIso), nowIso);
	if (!verdict.ok) throw new InvalidCouponError();
	await Promise.all(buckets.map((b) => ctx.limiter.give(b.key, b.rule, 1)));
	return { code: verdict.code, status: "applied", message: null };
}
