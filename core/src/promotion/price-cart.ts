import { type Activity, CouponCode, type CouponState, type PricedCart } from "@bazaar/contracts/promotion";
import { formatMoney } from "@bazaar/money";
import { sql } from "drizzle-orm";
import { iso, type PromotionContext } from "./context";
import { type LiveRule, type PricingLine, priceLines } from "./pricing/price-lines";
import { loadActivities, loadCoupon } from "./records";

// The verb the cart, the quote and the checkout price through (the workflow passes the catalog's
// list prices; nothing from a browser): the activities running now, their automatic rules, and
// the rules of an applied coupon's activity when the coupon holds. Reads only: a coupon is
// redeemed by redeem-coupon.ts when the order is placed.

export interface PriceRequest {
	currency: string;
	lines: PricingLine[];
	/** null for a guest: the per-customer limit is checked at checkout. */
	customerId: string | null;
	couponCode: string | null;
}

/** One answer for every code that cannot be used now, so codes cannot be told apart by probing. */
export const INVALID_COUPON = "This code is not valid.";

export async function runningActivities(ctx: PromotionContext, nowIso: string): Promise<Activity[]> {
	return loadActivities(ctx.database.db, sql`enabled = 1 AND starts_at <= ${nowIso} AND ends_at > ${nowIso}`, nowIso);
}

export function liveRules(activities: Activity[], couponActivity: { id: string; code: string } | null): LiveRule[] {
	return activities.flatMap((a) =>
		a.rules
			.filter((r) => !r.couponOnly || couponActivity?.id === a.id)
			.map((rule) => ({
				rule,
				activity: { id: a.id, slug: a.slug, badge: a.badge, priority: a.priority },
				couponCode: rule.couponOnly ? (couponActivity?.code ?? null) : null,
			})),
	);
}

export type CouponVerdict =
	| {
			ok: true;
			couponId: string;
			code: string;
			activityId: string;
			perCustomerLimit: number | null;
			minSpend: { amount: number; currency: string } | null;
	  }
	| { ok: false };

/** Whether a code can be used at all now (enabled, in its window, its activity running, not used up). */
export async function judgeCode(
	ctx: PromotionContext,
	raw: string,
	running: Activity[],
	nowIso: string,
): Promise<CouponVerdict> {
	const parsed = CouponCode.safeParse(raw);
	if (!parsed.success) return { ok: false };
	const coupon = await loadCoupon(ctx.database.db, sql`code = ${parsed.data}`);
	if (!coupon?.enabled) return { ok: false };
	if (
		(coupon.startsAt && nowIso < iso(Date.parse(coupon.startsAt))) ||
		(coupon.endsAt && nowIso >= iso(Date.parse(coupon.endsAt)))
	) {
		return { ok: false };
	}
	if (!running.some((a) => a.id === coupon.activityId)) return { ok: false };
	if (coupon.maxRedemptions !== null && coupon.redeemed >= coupon.maxRedemptions) return { ok: false };
	return {
		ok: true,
		couponId: coupon.id,
		code: coupon.code,
		activityId: coupon.activityId,
		perCustomerLimit: coupon.perCustomerLimit,
		minSpend: coupon.minSpend,
	};
}

export async function heldBy(ctx: PromotionContext, couponId: string, customerId: string): Promise<number> {
	const [row] = await ctx.database.db.all<{ n: number }>(
		sql`SELECT count(*) AS n FROM redemptions WHERE coupon_id = ${couponId} AND customer_id = ${customerId} AND status = 'held'`,
	);
	return row?.n ?? 0;
}

export async function priceCart(ctx: PromotionContext, req: PriceRequest): Promise<PricedCart> {
	const nowIso = iso(ctx.now());
	const running = await runningActivities(ctx, nowIso);
	const plain = priceLines(req.currency, req.lines, liveRules(running, null));
	if (req.couponCode === null) return { ...plain, coupon: null };

	const verdict = await judgeCode(ctx, req.couponCode, running, nowIso);
	const code = CouponCode.safeParse(req.couponCode).data ?? req.couponCode;
	const state = (status: CouponState["status"], message: string | null): CouponState => ({ code, status, message });
	if (!verdict.ok) return { ...plain, coupon: state("invalid", INVALID_COUPON) };
	if (
		verdict.perCustomerLimit !== null &&
		req.customerId !== null &&
		(await heldBy(ctx, verdict.couponId, req.customerId)) >= verdict.perCustomerLimit
	) {
		return { ...plain, coupon: state("not_applicable", "You have already used this code.") };
	}
	if (verdict.minSpend) {
		const goods = plain.subtotal - plain.discount;
		if (verdict.minSpend.currency !== req.currency || goods < verdict.minSpend.amount) {
			return {
				...plain,
				coupon: state("not_applicable", `Spend at least ${formatMoney(verdict.minSpend)} on goods to use this code.`),
			};
		}
	}
	const withCoupon = priceLines(
		req.currency,
		req.lines,
		liveRules(running, { id: verdict.activityId, code: verdict.code }),
	);
	return { ...withCoupon, coupon: state("applied", null) };
}
