import {
	type Activity,
	type Coupon,
	type PromotionEventType,
	type Redemption,
	type Rule,
	RuleSpec,
} from "@bazaar/contracts/promotion";
import { sql } from "drizzle-orm";
import { emit } from "../bus";
import type { TxDb } from "../lib/db";

// Rows ↔ API shapes, and the bookkeeping every admin change shares: bump the version (the
// edge's cache keys carry it) and put the change on the bus, in the same unit as the change.

type Reader = Pick<TxDb, "all">;

export const ACTIVITY_COLUMNS = sql.raw(
	`id, slug, name, description, badge, banner_text AS bannerText, time_zone AS timeZone,
	starts_at_local AS startsAtLocal, ends_at_local AS endsAtLocal, starts_at AS startsAt, ends_at AS endsAt,
	priority, enabled, created_at AS createdAt, updated_at AS updatedAt`,
);
export type ActivityRecord = Omit<Activity, "state" | "rules" | "enabled"> & { enabled: number };

export const RULE_COLUMNS = sql.raw(
	`id, activity_id AS activityId, label, priority, coupon_only AS couponOnly, spec, created_at AS createdAt, updated_at AS updatedAt`,
);
type RuleRecord = Omit<Rule, "spec" | "couponOnly"> & { spec: string; couponOnly: number };

export const COUPON_COLUMNS = sql.raw(
	`id, code, activity_id AS activityId, max_redemptions AS maxRedemptions, per_customer_limit AS perCustomerLimit,
	min_spend_amount AS minSpendAmount, min_spend_currency AS minSpendCurrency, starts_at AS startsAt, ends_at AS endsAt,
	enabled, redeemed, created_at AS createdAt, updated_at AS updatedAt`,
);
type CouponRecord = Omit<Coupon, "minSpend" | "enabled"> & {
	minSpendAmount: number | null;
	minSpendCurrency: string | null;
	enabled: number;
};

export function stateAt(a: Pick<Activity, "enabled" | "startsAt" | "endsAt">, nowIso: string): Activity["state"] {
	if (!a.enabled) return "disabled";
	if (nowIso < a.startsAt) return "scheduled";
	return nowIso < a.endsAt ? "running" : "ended";
}

export function toRule(r: RuleRecord): Rule {
	return { ...r, couponOnly: Boolean(r.couponOnly), spec: RuleSpec.parse(JSON.parse(r.spec)) };
}

export function toCoupon(r: CouponRecord): Coupon {
	const { minSpendAmount, minSpendCurrency, ...rest } = r;
	return {
		...rest,
		enabled: Boolean(r.enabled),
		minSpend:
			minSpendAmount !== null && minSpendCurrency !== null
				? { amount: minSpendAmount, currency: minSpendCurrency }
				: null,
	};
}

/** Activities (not deleted) with their rules: two statements whatever their number. */
export async function loadActivities(db: Reader, where: ReturnType<typeof sql>, nowIso: string): Promise<Activity[]> {
	const rows = await db.all<ActivityRecord>(
		sql`SELECT ${ACTIVITY_COLUMNS} FROM activities WHERE deleted_at IS NULL AND (${where}) ORDER BY starts_at, id`,
	);
	if (rows.length === 0) return [];
	const ids = sql.join(
		rows.map((r) => sql`${r.id}`),
		sql`, `,
	);
	const ruleRows = await db.all<RuleRecord>(
		sql`SELECT ${RULE_COLUMNS} FROM rules WHERE activity_id IN (${ids}) ORDER BY activity_id, priority DESC, id`,
	);
	const byActivity = new Map<string, Rule[]>();
	for (const r of ruleRows) {
		const list = byActivity.get(r.activityId) ?? [];
		list.push(toRule(r));
		byActivity.set(r.activityId, list);
	}
	return rows.map((r) => {
		const a = { ...r, enabled: Boolean(r.enabled) };
		return { ...a, state: stateAt(a, nowIso), rules: byActivity.get(r.id) ?? [] };
	});
}

export async function loadCoupon(db: Reader, where: ReturnType<typeof sql>): Promise<Coupon | null> {
	const [row] = await db.all<CouponRecord>(sql`SELECT ${COUPON_COLUMNS} FROM coupons WHERE ${where}`);
	return row ? toCoupon(row) : null;
}

export async function listCouponsWhere(db: Reader, where: ReturnType<typeof sql>): Promise<Coupon[]> {
	const rows = await db.all<CouponRecord>(sql`SELECT ${COUPON_COLUMNS} FROM coupons WHERE ${where} ORDER BY id`);
	return rows.map(toCoupon);
}

export const REDEMPTION_COLUMNS = sql.raw(
	`id, coupon_id AS couponId, code, customer_id AS customerId, order_id AS orderId, status, created_at AS createdAt,
	released_at AS releasedAt, release_reason AS releaseReason`,
);

export async function loadRedemptions(db: Reader, where: ReturnType<typeof sql>): Promise<Redemption[]> {
	return db.all<Redemption>(sql`SELECT ${REDEMPTION_COLUMNS} FROM redemptions WHERE ${where} ORDER BY id`);
}

/** The version now (one row). */
export async function currentVersion(db: Reader): Promise<number> {
	const [row] = await db.all<{ version: number }>(sql`SELECT version FROM promotion_state WHERE id = 1`);
	return row?.version ?? 1;
}

/**
 * An admin change's bookkeeping, inside its unit: the version moves on (cached storefront pages
 * stop being asked for) and the change goes on the bus with that version.
 */
export async function recordChange(
	tx: TxDb,
	type: PromotionEventType,
	key: string,
	data: { activityId?: string; slug?: string; ruleId?: string; couponId?: string; actor: string },
): Promise<number> {
	const [row] = await tx.all<{ version: number }>(
		sql`UPDATE promotion_state SET version = version + 1 WHERE id = 1 RETURNING version`,
	);
	const version = row?.version ?? 1;
	await emit(tx, { type, source: "promotion", key, data: { ...data, version } });
	return version;
}
