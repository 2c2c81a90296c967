import type { Redemption } from "@bazaar/contracts/promotion";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { emit } from "../bus";
import { changes, type TxDb } from "../lib/db";
import { ServiceError } from "../lib/errors";
import { iso, type PromotionContext, promotionWrite } from "./context";
import { INVALID_COUPON } from "./price-cart";
import { currentVersion, loadCoupon, loadRedemptions } from "./records";

// Redeeming a coupon for an order, atomically: one unit of the promotion database's writer
// checks the coupon, the customer's count and the minimum spend, and takes one redemption with
// a guarded UPDATE (redeemed < max_redemptions) that the CHECK constraint backs. Units of one
// database run one after another (and BEGIN IMMEDIATE across processes), so 50 shoppers racing
// for a single-use code get exactly one redemption. Idempotent per order: a retried checkout
// gets the redemption its order already holds.

export class CouponUnavailableError extends ServiceError {
	constructor(message = INVALID_COUPON) {
		super(409, message, [{ path: "couponCode", message }]);
	}
}

export interface RedeemInput {
	code: string;
	customerId: string;
	orderId: string;
	/** The goods after sale prices and discounts, as the workflow priced them, in `currency`. */
	goodsTotal: number;
	currency: string;
}

export async function redeemCoupon(ctx: PromotionContext, input: RedeemInput): Promise<Redemption> {
	const now = iso(ctx.now());
	return promotionWrite(ctx, async (tx) => {
		const [mine] = await loadRedemptions(tx, sql`order_id = ${input.orderId}`);
		if (mine) {
			if (mine.code !== input.code || mine.status !== "held") throw new CouponUnavailableError();
			return mine;
		}
		const coupon = await loadCoupon(tx, sql`code = ${input.code}`);
		if (!coupon?.enabled) throw new CouponUnavailableError();
		if ((coupon.startsAt && now < coupon.startsAt) || (coupon.endsAt && now >= coupon.endsAt)) {
			throw new CouponUnavailableError();
		}
		const [activity] = await tx.all<{ id: string }>(sql`SELECT id FROM activities WHERE id = ${coupon.activityId}
			AND deleted_at IS NULL AND enabled = 1 AND starts_at <= ${now} AND ends_at > ${now}`);
		if (!activity) throw new CouponUnavailableError();
		if (coupon.minSpend && (coupon.minSpend.currency !== input.currency || input.goodsTotal < coupon.minSpend.amount)) {
			throw new CouponUnavailableError("The order does not reach this code's minimum spend.");
		}
		if (coupon.perCustomerLimit !== null) {
			const [row] = await tx.all<{ n: number }>(sql`SELECT count(*) AS n FROM redemptions
				WHERE coupon_id = ${coupon.id} AND customer_id = ${input.customerId} AND status = 'held'`);
			if ((row?.n ?? 0) >= coupon.perCustomerLimit)
				throw new CouponUnavailableError("You have already used this code.");
		}
		const taken = await tx.run(sql`UPDATE coupons SET redeemed = redeemed + 1, updated_at = ${now}
			WHERE id = ${coupon.id} AND (max_redemptions IS NULL OR redeemed < max_redemptions)`);
		if (changes(taken) === 0) throw new CouponUnavailableError();
		const redemption: Redemption = {
			id: newId("rdm"),
			couponId: coupon.id,
			code: coupon.code,
			customerId: input.customerId,
			orderId: input.orderId,
			status: "held",
			createdAt: now,
			releasedAt: null,
			releaseReason: null,
		};
		await tx.run(sql`INSERT INTO redemptions (id, coupon_id, code, customer_id, order_id, status, created_at)
			VALUES (${redemption.id}, ${coupon.id}, ${coupon.code}, ${input.customerId}, ${input.orderId}, 'held', ${now})`);
		await emit(tx, {
			type: "promotion.coupon.redeemed",
			source: "promotion",
			key: coupon.id,
			data: { version: await currentVersion(tx), couponId: coupon.id, orderId: input.orderId, actor: input.customerId },
		});
		return redemption;
	});
}

/**
 * Gives back the redemption an order holds (its order expired or was cancelled, or the checkout
 * failed after redeeming), inside a caller's unit on this database (the bus consumer's
 * handleOnce). Released already, or none: nothing changes, and null says so.
 */
export async function releaseForOrderIn(
	tx: TxDb,
	nowMs: number,
	orderId: string,
	reason: string,
): Promise<Redemption | null> {
	const now = iso(nowMs);
	const [held] = await loadRedemptions(tx, sql`order_id = ${orderId} AND status = 'held'`);
	if (!held) return null;
	await tx.run(sql`UPDATE redemptions SET status = 'released', released_at = ${now}, release_reason = ${reason}
		WHERE id = ${held.id} AND status = 'held'`);
	await tx.run(sql`UPDATE coupons SET redeemed = redeemed - 1, updated_at = ${now} WHERE id = ${held.couponId}`);
	await emit(tx, {
		type: "promotion.coupon.released",
		source: "promotion",
		key: held.couponId,
		data: { version: await currentVersion(tx), couponId: held.couponId, orderId, actor: "promotion" },
	});
	return { ...held, status: "released", releasedAt: now, releaseReason: reason };
}

export function releaseForOrder(ctx: PromotionContext, orderId: string, reason: string): Promise<Redemption | null> {
	return promotionWrite(ctx, (tx) => releaseForOrderIn(tx, ctx.now(), orderId, reason));
}

/**
 * An order paid after it expired (a late payment revived it: workflows/consumers.ts) takes its
 * given-back redemption again, inside the bus consumer's unit. The guarded UPDATE still holds:
 * when someone else has used the code up meanwhile, the order keeps its discount (it is paid)
 * and the redemption stays given back — said in the answer so the consumer can log it.
 */
export async function reholdForOrderIn(tx: TxDb, nowMs: number, orderId: string): Promise<"none" | "held" | "used_up"> {
	const now = iso(nowMs);
	const [released] = await loadRedemptions(tx, sql`order_id = ${orderId} AND status = 'released'`);
	if (!released) return "none";
	const taken = await tx.run(sql`UPDATE coupons SET redeemed = redeemed + 1, updated_at = ${now}
		WHERE id = ${released.couponId} AND (max_redemptions IS NULL OR redeemed < max_redemptions)`);
	if (changes(taken) === 0) return "used_up";
	await tx.run(sql`UPDATE redemptions SET status = 'held', released_at = NULL, release_reason = NULL
		WHERE id = ${released.id}`);
	await emit(tx, {
		type: "promotion.coupon.redeemed",
		source: "promotion",
		key: released.couponId,
		data: { version: await currentVersion(tx), couponId: released.couponId, orderId, actor: "promotion" },
	});
	return "held";
}
