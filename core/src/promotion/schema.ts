import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";

// The promotion module's own database: activities, their rules, coupons and redemptions.
// Timestamps are ISO-8601 UTC strings (same width, so they compare as text). Money columns are
// integer minor units.

export const activities = sqliteTable(
	"activities",
	{
		id: text("id").primaryKey(),
		slug: text("slug").notNull(),
		name: text("name").notNull(),
		description: text("description").notNull(),
		badge: text("badge").notNull(),
		bannerText: text("banner_text").notNull(),
		timeZone: text("time_zone").notNull(),
		/** As the admin wrote them, in time_zone. */
		startsAtLocal: text("starts_at_local").notNull(),
		endsAtLocal: text("ends_at_local").notNull(),
		/** The same instants in UTC: every query compares these. */
		startsAt: text("starts_at").notNull(),
		endsAt: text("ends_at").notNull(),
		priority: integer("priority").notNull(),
		enabled: integer("enabled", { mode: "boolean" }).notNull(),
		/** Deleted activities stay (orders name their rules) but never apply nor show. */
		deletedAt: text("deleted_at"),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		uniqueIndex("activities_slug_uq").on(t.slug),
		// What is live at an instant: enabled, not deleted, ending after it.
		index("activities_live_idx").on(t.endsAt).where(sql`enabled = 1 AND deleted_at IS NULL`),
		check("activities_window_ck", sql`${t.startsAt} < ${t.endsAt}`),
	],
);

export const rules = sqliteTable(
	"rules",
	{
		id: text("id").primaryKey(),
		activityId: text("activity_id").notNull(),
		label: text("label").notNull(),
		priority: integer("priority").notNull(),
		couponOnly: integer("coupon_only", { mode: "boolean" }).notNull(),
		kind: text("kind").notNull(),
		/** RuleSpec as JSON. */
		spec: text("spec").notNull(),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [index("rules_activity_idx").on(t.activityId, t.id)],
);

export const coupons = sqliteTable(
	"coupons",
	{
		id: text("id").primaryKey(),
		code: text("code").notNull(),
		activityId: text("activity_id").notNull(),
		maxRedemptions: integer("max_redemptions"),
		perCustomerLimit: integer("per_customer_limit"),
		minSpendAmount: integer("min_spend_amount"),
		minSpendCurrency: text("min_spend_currency"),
		startsAt: text("starts_at"),
		endsAt: text("ends_at"),
		enabled: integer("enabled", { mode: "boolean" }).notNull(),
		/** Redemptions held now; the guarded UPDATE and this CHECK make the limit exact. */
		redeemed: integer("redeemed").notNull().default(0),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [
		uniqueIndex("coupons_code_uq").on(t.code),
		index("coupons_activity_idx").on(t.activityId, t.id),
		check(
			"coupons_redeemed_ck",
			sql`${t.redeemed} >= 0 AND (${t.maxRedemptions} IS NULL OR ${t.redeemed} <= ${t.maxRedemptions})`,
		),
	],
);

export const redemptions = sqliteTable(
	"redemptions",
	{
		id: text("id").primaryKey(),
		couponId: text("coupon_id").notNull(),
		code: text("code").notNull(),
		customerId: text("customer_id").notNull(),
		orderId: text("order_id").notNull(),
		/** held | released (given back when its order expired or was cancelled). */
		status: text("status").notNull(),
		createdAt: text("created_at").notNull(),
		releasedAt: text("released_at"),
		releaseReason: text("release_reason"),
	},
	(t) => [
		// One coupon per order; a retried checkout finds its redemption.
		uniqueIndex("redemptions_order_uq").on(t.orderId),
		index("redemptions_coupon_customer_idx").on(t.couponId, t.customerId, t.status),
		check("redemptions_status_ck", sql`${t.status} IN ('held', 'released')`),
	],
);

/** One row: the version every admin change bumps (the edge's cache keys carry it). */
export const promotionState = sqliteTable(
	"promotion_state",
	{
		id: integer("id").primaryKey(),
		version: integer("version").notNull(),
	},
	(t) => [check("promotion_state_one_ck", sql`${t.id} = 1`)],
);

// Re-exported so drizzle-kit generates the bus tables into this module's migrations.
export { busInbox, busOutbox };

export const promotionSchema = {
	activities,
	rules,
	coupons,
	redemptions,
	promotionState,
	busOutbox,
	busInbox,
};
export type PromotionSchema = typeof promotionSchema;
