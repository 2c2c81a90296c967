import { type Coupon, CouponInput, CouponPatch, type Redemption } from "@bazaar/contracts/promotion";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { ConflictError, isUniqueViolation, NotFoundError } from "../lib/errors";
import { iso, type PromotionContext, promotionWrite } from "./context";
import { listCouponsWhere, loadCoupon, loadRedemptions, recordChange } from "./records";

// Coupons, as admins create and change them. A code the admin does not choose is 12 random
// characters from a 32-letter alphabet (60 bits): with attempts rate limited, not guessable.

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function generateCode(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => ALPHABET[b % 32]).join("");
}

const utc = (v: string | null | undefined) => (v ? iso(Date.parse(v)) : null);

export async function createCoupon(ctx: PromotionContext, body: unknown, actor: string): Promise<Coupon> {
	const input = CouponInput.parse(body);
	const id = newId("cpn");
	const code = input.code ?? generateCode();
	const at = iso(ctx.now());
	try {
		await promotionWrite(ctx, async (tx) => {
			const [activity] = await tx.all<{ id: string }>(
				sql`SELECT id FROM activities WHERE id = ${input.activityId} AND deleted_at IS NULL`,
			);
			if (!activity) throw new NotFoundError("The activity");
			await tx.run(sql`INSERT INTO coupons (id, code, activity_id, max_redemptions, per_customer_limit,
				min_spend_amount, min_spend_currency, starts_at, ends_at, enabled, redeemed, created_at, updated_at)
				VALUES (${id}, ${code}, ${input.activityId}, ${input.maxRedemptions}, ${input.perCustomerLimit},
				${input.minSpend?.amount ?? null}, ${input.minSpend?.currency ?? null}, ${utc(input.startsAt)}, ${utc(input.endsAt)},
				${input.enabled ? 1 : 0}, 0, ${at}, ${at})`);
			await recordChange(tx, "promotion.coupon.created", id, { activityId: input.activityId, couponId: id, actor });
		});
	} catch (err) {
		if (isUniqueViolation(err)) throw new ConflictError("A coupon with that code already exists.");
		throw err;
	}
	return getCoupon(ctx, id);
}

export async function updateCoupon(ctx: PromotionContext, id: string, body: unknown, actor: string): Promise<Coupon> {
	const patch = CouponPatch.parse(body);
	const at = iso(ctx.now());
	await promotionWrite(ctx, async (tx) => {
		const current = await loadCoupon(tx, sql`id = ${id}`);
		if (!current) throw new NotFoundError("The coupon");
		const next = { ...current, ...patch };
		const startsAt = utc(next.startsAt);
		const endsAt = utc(next.endsAt);
		if (startsAt && endsAt && startsAt >= endsAt) {
			throw new ConflictError("The coupon would end before it starts.");
		}
		if (next.maxRedemptions !== null && next.maxRedemptions < current.redeemed) {
			throw new ConflictError(
				`The coupon is already redeemed ${current.redeemed} times; the limit cannot go below that.`,
			);
		}
		await tx.run(sql`UPDATE coupons SET max_redemptions = ${next.maxRedemptions},
			per_customer_limit = ${next.perCustomerLimit}, min_spend_amount = ${next.minSpend?.amount ?? null},
			min_spend_currency = ${next.minSpend?.currency ?? null}, starts_at = ${startsAt}, ends_at = ${endsAt},
			enabled = ${next.enabled ? 1 : 0}, updated_at = ${at} WHERE id = ${id}`);
		await recordChange(tx, "promotion.coupon.updated", id, { activityId: current.activityId, couponId: id, actor });
	});
	return getCoupon(ctx, id);
}

export async function getCoupon(ctx: PromotionContext, id: string): Promise<Coupon> {
	const found = await loadCoupon(ctx.database.db, sql`id = ${id}`);
	if (!found) throw new NotFoundError("The coupon");
	return found;
}

export async function listCoupons(ctx: PromotionContext, activityId?: string): Promise<Coupon[]> {
	return listCouponsWhere(ctx.database.db, activityId ? sql`activity_id = ${activityId}` : sql`1 = 1`);
}

export async function listRedemptions(ctx: PromotionContext, couponId: string): Promise<Redemption[]> {
	await getCoupon(ctx, couponId);
	return loadRedemptions(ctx.database.db, sql`coupon_id = ${couponId}`);
}
