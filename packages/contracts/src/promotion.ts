import { Currency, Money } from "@bazaar/money";
import { z } from "zod";
import { Slug } from "./catalog";

// The promotion module's requests, responses and events: sale activities ("11.11", "Black
// Friday") with a schedule in a time zone, their pricing rules, and coupons. Stacking and
// priority are described once, in core/src/promotion/README.md; the shapes here carry what the
// storefront shows and what an order records line by line.

export const ActivityId = z.string().regex(/^act_[0-9A-Z]{26}$/, "an activity id such as act_01H…");
export const RuleId = z.string().regex(/^rul_[0-9A-Z]{26}$/, "a rule id such as rul_01H…");
export const CouponId = z.string().regex(/^cpn_[0-9A-Z]{26}$/, "a coupon id such as cpn_01H…");

/** An IANA time zone name the runtime knows ("Asia/Shanghai", "America/New_York", "UTC"). */
export const TimeZone = z
	.string()
	.min(1)
	.max(64)
	.refine((tz) => {
		try {
			new Intl.DateTimeFormat("en-US", { timeZone: tz });
			return true;
		} catch {
			return false;
		}
	}, "an IANA time zone such as Asia/Shanghai");

/** A wall-clock time in the activity's time zone, without offset: 2026-11-11T00:00 or 2026-11-11T00:00:00. */
export const LocalDateTime = z
	.string()
	.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, "YYYY-MM-DDTHH:mm[:ss]");

const text = (max: number) => z.string().trim().min(1).max(max);
const catalogId = z.string().min(1).max(64);
/** Basis points: 1 = 0.01 %, 10,000 = 100 %. */
const Percent = z.number().int().min(1).max(10_000);
const Amount = z.number().int().min(1).max(100_000_000);

// ---- activities -------------------------------------------------------------------------------

const activityFields = {
	slug: Slug,
	name: text(120),
	description: z.string().trim().max(2_000).default(""),
	/** The short label on product cards and cart lines ("11.11", "Black Friday"). */
	badge: text(24),
	/** The landing page's banner line. */
	bannerText: z.string().trim().max(300).default(""),
	timeZone: TimeZone,
	/** Wall-clock start and end in `timeZone`; the end is exclusive. */
	startsAt: LocalDateTime,
	endsAt: LocalDateTime,
	/** Higher first when rules of several activities compete (README: stacking). */
	priority: z.number().int().min(-1_000).max(1_000).default(0),
	/** Off: the activity is paused (it never applies), whatever its schedule. */
	enabled: z.boolean().default(true),
};

export const ActivityInput = z.strictObject(activityFields);
export type ActivityInput = z.input<typeof ActivityInput>;
export const ActivityPatch = z
	.strictObject({
		...activityFields,
		// No defaults in a patch: a field left out stays as it is.
		description: z.string().trim().max(2_000),
		bannerText: z.string().trim().max(300),
		priority: z.number().int().min(-1_000).max(1_000),
		enabled: z.boolean(),
	})
	.partial()
	.refine((p) => Object.keys(p).length > 0, "send at least one field");
export type ActivityPatch = z.input<typeof ActivityPatch>;

export const ACTIVITY_STATES = ["scheduled", "running", "ended", "disabled"] as const;
export const ActivityState = z.enum(ACTIVITY_STATES);

// ---- rules --------------------------------------------------------------------------------------

export const Target = z.discriminatedUnion("scope", [
	z.strictObject({ scope: z.literal("shop") }),
	z.strictObject({ scope: z.literal("products"), productIds: z.array(catalogId).min(1).max(500) }),
	z.strictObject({ scope: z.literal("categories"), categoryIds: z.array(catalogId).min(1).max(100) }),
]);
export type Target = z.infer<typeof Target>;

const Tier = z.strictObject({ minSpend: Amount, off: Amount });

export const RuleSpec = z.discriminatedUnion("kind", [
	/** A percentage off every matching unit. */
	z.strictObject({ kind: z.literal("percent_off"), percentBp: Percent, target: Target }),
	/** Products or categories: the amount off each matching unit. The whole shop: off the order. */
	z.strictObject({ kind: z.literal("amount_off"), amount: Amount, currency: Currency, target: Target }),
	/** Spend X on matching lines, save Y: the highest tier reached applies, once per order. */
	z.strictObject({
		kind: z.literal("tiered"),
		currency: Currency,
		tiers: z
			.array(Tier)
			.min(1)
			.max(10)
			.refine((t) => t.every((x, i) => i === 0 || x.minSpend > (t[i - 1] as typeof x).minSpend), "minSpend ascending")
			.refine((t) => t.every((x) => x.off <= x.minSpend), "a tier cannot take off more than its minSpend"),
		target: Target,
	}),
	/** Of every buy + get matching units, the `get` cheapest are `percentBp` off (10,000: free). */
	z.strictObject({
		kind: z.literal("buy_x_get_y"),
		buy: z.number().int().min(1).max(100),
		get: z.number().int().min(1).max(100),
		percentBp: Percent.default(10_000),
		target: Target,
	}),
	/** Shipping costs nothing, from an optional minimum spend (in `currency`). */
	z
		.strictObject({ kind: z.literal("free_shipping"), minSpend: Amount.optional(), currency: Currency.optional() })
		.refine((r) => r.minSpend === undefined || r.currency !== undefined, {
			message: "minSpend needs a currency",
			path: ["currency"],
		}),
	/** A price per variant for the activity's window (used only when it is below the list price). */
	z.strictObject({
		kind: z.literal("sale_price"),
		prices: z
			.array(
				z.strictObject({
					variantId: catalogId,
					/** The variant's product: the landing page lists it. */
					productId: catalogId.optional(),
					amount: z.number().int().min(0).max(100_000_000),
					currency: Currency,
				}),
			)
			.min(1)
			.max(500),
	}),
]);
export type RuleSpec = z.infer<typeof RuleSpec>;
export type RuleKind = RuleSpec["kind"];

const ruleFields = {
	/** What the shopper reads next to the discount ("10% off shoes"); generated when absent. */
	label: z.string().trim().max(120).optional(),
	/** Higher first within the activity (README: stacking). */
	priority: z.number().int().min(-1_000).max(1_000).default(0),
	/** Applies only while a coupon of the activity is applied to the cart or checkout. */
	couponOnly: z.boolean().default(false),
	spec: RuleSpec,
};
export const RuleInput = z.strictObject(ruleFields);
export type RuleInput = z.input<typeof RuleInput>;

export const Rule = z.object({
	id: RuleId,
	activityId: ActivityId,
	label: z.string(),
	priority: z.number().int(),
	couponOnly: z.boolean(),
	spec: RuleSpec,
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Rule = z.infer<typeof Rule>;

export const Activity = z.object({
	id: ActivityId,
	slug: z.string(),
	name: z.string(),
	description: z.string(),
	badge: z.string(),
	bannerText: z.string(),
	timeZone: z.string(),
	/** As the admin wrote them, in `timeZone`. */
	startsAtLocal: z.string(),
	endsAtLocal: z.string(),
	/** The same instants in UTC (ISO 8601): what every clock compares with. */
	startsAt: z.string(),
	endsAt: z.string(),
	priority: z.number().int(),
	enabled: z.boolean(),
	/** Computed from the clock at the time of the answer. */
	state: ActivityState,
	rules: z.array(Rule),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Activity = z.infer<typeof Activity>;
export const ActivityList = z.object({ items: z.array(Activity) });

// ---- coupons ------------------------------------------------------------------------------------

/** Codes are case-insensitive and kept upper case. */
export const CouponCode = z
	.string()
	.trim()
	.transform((v) => v.toUpperCase())
	.pipe(z.string().regex(/^[A-Z0-9][A-Z0-9-]{3,39}$/, "4–40 letters, digits and dashes"));

export const CouponInput = z
	.strictObject({
		/** Omitted: a random 12-character code is generated (not guessable). */
		code: CouponCode.optional(),
		activityId: ActivityId,
		/** 1: single-use; null: unlimited. */
		maxRedemptions: z.number().int().min(1).max(10_000_000).nullable().default(1),
		/** Redemptions one customer may make; null: unlimited. */
		perCustomerLimit: z.number().int().min(1).max(1_000).nullable().default(1),
		/** The cart's goods (after sale prices and item discounts) must reach this. */
		minSpend: Money.nullable().default(null),
		/** The coupon's own window (ISO 8601 with offset); it also needs its activity running. */
		startsAt: z.iso.datetime({ offset: true }).nullable().default(null),
		endsAt: z.iso.datetime({ offset: true }).nullable().default(null),
		enabled: z.boolean().default(true),
	})
	.refine((c) => !c.startsAt || !c.endsAt || Date.parse(c.startsAt) < Date.parse(c.endsAt), {
		message: "startsAt must be before endsAt",
		path: ["endsAt"],
	});
export type CouponInput = z.input<typeof CouponInput>;

export const CouponPatch = z
	.strictObject({
		maxRedemptions: z.number().int().min(1).max(10_000_000).nullable(),
		perCustomerLimit: z.number().int().min(1).max(1_000).nullable(),
		minSpend: Money.nullable(),
		startsAt: z.iso.datetime({ offset: true }).nullable(),
		endsAt: z.iso.datetime({ offset: true }).nullable(),
		enabled: z.boolean(),
	})
	.partial()
	.refine((p) => Object.keys(p).length > 0, "send at least one field");
export type CouponPatch = z.input<typeof CouponPatch>;

export const Coupon = z.object({
	id: CouponId,
	code: z.string(),
	activityId: ActivityId,
	maxRedemptions: z.number().int().nullable(),
	perCustomerLimit: z.number().int().nullable(),
	minSpend: Money.nullable(),
	startsAt: z.string().nullable(),
	endsAt: z.string().nullable(),
	enabled: z.boolean(),
	/** Redemptions held now (given-back ones not counted). */
	redeemed: z.number().int(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Coupon = z.infer<typeof Coupon>;
export const CouponList = z.object({ items: z.array(Coupon) });

export const REDEMPTION_STATUSES = ["held", "released"] as const;
export const Redemption = z.object({
	id: z.string(),
	couponId: CouponId,
	code: z.string(),
	customerId: z.string(),
	orderId: z.string(),
	status: z.enum(REDEMPTION_STATUSES),
	createdAt: z.string(),
	releasedAt: z.string().nullable(),
	releaseReason: z.string().nullable(),
});
export type Redemption = z.infer<typeof Redemption>;
export const RedemptionList = z.object({ items: z.array(Redemption) });

/** POST /cart/coupon (and the checkout's couponCode). */
export const ApplyCouponRequest = z.strictObject({ code: z.string().trim().min(1).max(64) });

// ---- pricing: what a cart, a quote and an order carry -------------------------------------------

/** One rule's part of a line or of the order: which rule, of which activity, how much. */
export const AppliedDiscount = z.object({
	ruleId: RuleId,
	activityId: ActivityId,
	activitySlug: z.string(),
	badge: z.string(),
	kind: z.enum(["percent_off", "amount_off", "tiered", "buy_x_get_y", "free_shipping", "sale_price"]),
	label: z.string(),
	/** Minor units of the cart's currency (for sale_price: list − sale, times the quantity). */
	amount: z.number().int().min(0),
	/** Set when a coupon unlocked the rule. */
	couponCode: z.string().nullable(),
});
export type AppliedDiscount = z.infer<typeof AppliedDiscount>;

/** A line as the promotion module priced it. */
export const PromotedLine = z.object({
	/** The caller's key for the line (variant id, or variant id @ slot). */
	key: z.string(),
	/** The catalog's price of one unit. */
	listUnitPrice: z.number().int(),
	/** The price of one unit after a sale price (= list price without one). */
	unitPrice: z.number().int(),
	quantity: z.number().int(),
	/** unitPrice × quantity. */
	lineTotal: z.number().int(),
	/** Item and order discounts on this line (order-level ones pro-rated onto it); sale prices are not in here. */
	discounts: z.array(AppliedDiscount),
	discountTotal: z.number().int(),
	/** lineTotal − discountTotal: what the line costs before shipping and tax. */
	netTotal: z.number().int(),
	/** The sale price's rule, when one set unitPrice. */
	salePrice: AppliedDiscount.nullable(),
	/** The activity's badge shown beside the line (the first that touched it). */
	badge: z.string().nullable(),
});
export type PromotedLine = z.infer<typeof PromotedLine>;

export const COUPON_STATUSES = ["applied", "not_applicable", "invalid"] as const;
export const CouponState = z.object({
	code: z.string(),
	/** applied: its rules count; not_applicable: valid, but not now (minimum spend, limit); invalid: see message. */
	status: z.enum(COUPON_STATUSES),
	message: z.string().nullable(),
});
export type CouponState = z.infer<typeof CouponState>;

export const PricedCart = z.object({
	currency: Currency,
	lines: z.array(PromotedLine),
	/** Σ lineTotal (at sale prices). */
	subtotal: z.number().int(),
	/** Σ discountTotal. */
	discount: z.number().int(),
	/** The free-shipping rule that applies, if any. */
	freeShipping: AppliedDiscount.nullable(),
	/** Every rule that applied, with its total (order-level ones once). */
	applied: z.array(AppliedDiscount),
	coupon: CouponState.nullable(),
});
export type PricedCart = z.infer<typeof PricedCart>;

// ---- the storefront's snapshot (edge pages) -----------------------------------------------------

/** What the edge renders badges, sale prices and the landing pages from; it decides "running" by its clock. */
export const PromotionSnapshot = z.object({
	/** Bumped by every promotion change; the edge's cache keys carry it. */
	version: z.number().int(),
	activities: z.array(
		Activity.omit({ state: true, rules: true, createdAt: true, updatedAt: true }).extend({
			/** Sale prices: variant id → amount, per currency. */
			salePrices: z.array(
				z.object({
					variantId: z.string(),
					productId: z.string().optional(),
					amount: z.number().int(),
					currency: z.string(),
				}),
			),
			/** Products any non-coupon rule names (the landing page's list), and whether a rule covers the whole shop. */
			productIds: z.array(z.string()),
			categoryIds: z.array(z.string()),
			wholeShop: z.boolean(),
			/**
			 * The currencies those rules take effect in (an amount off in USD does nothing to a EUR
			 * cart); null when one of them works in any currency (a percentage, buy X get Y).
			 */
			coverCurrencies: z.array(z.string()).nullable().default(null),
			/** Shopper-facing lines of the automatic rules ("20% off shoes", "Free shipping from $50"). */
			offers: z.array(z.string()),
		}),
	),
});
export type PromotionSnapshot = z.infer<typeof PromotionSnapshot>;

// ---- events (bus envelopes: source "promotion") -------------------------------------------------

export const PROMOTION_EVENT_TYPES = [
	"promotion.activity.created",
	"promotion.activity.updated",
	"promotion.activity.deleted",
	"promotion.rule.created",
	"promotion.rule.updated",
	"promotion.rule.deleted",
	"promotion.coupon.created",
	"promotion.coupon.updated",
	"promotion.coupon.redeemed",
	"promotion.coupon.released",
] as const;
export type PromotionEventType = (typeof PROMOTION_EVENT_TYPES)[number];

/** Every promotion event: what changed and the promotion version after it (the edge's cache key). */
export const PromotionEventData = z.object({
	version: z.number().int(),
	activityId: z.string().optional(),
	slug: z.string().optional(),
	ruleId: z.string().optional(),
	couponId: z.string().optional(),
	orderId: z.string().optional(),
	actor: z.string(),
});
export type PromotionEventData = z.infer<typeof PromotionEventData>;
