import type {
	Activity,
	Coupon,
	CouponState,
	PricedCart,
	PromotionSnapshot,
	Redemption,
	Rule,
} from "@bazaar/contracts/promotion";
import type { TxDb } from "../lib/db";
import { type Attempt, checkCoupon } from "./check-coupon";
import { openPromotionContext, type PromotionContext, type PromotionContextOptions } from "./context";
import { type PriceRequest, priceCart } from "./price-cart";
import { type RedeemInput, redeemCoupon, reholdForOrderIn, releaseForOrder, releaseForOrderIn } from "./redeem-coupon";
import { createActivity, deleteActivity, getActivity, listActivities, updateActivity } from "./save-activity";
import { createCoupon, getCoupon, listCoupons, listRedemptions, updateCoupon } from "./save-coupon";
import { addRule, deleteRule, replaceRule } from "./save-rule";
import { activityBySlug, promotionSnapshot } from "./snapshot";

// Wires the promotion module: its database and its verbs bound to it. Admins shape activities,
// rules and coupons; the cart, the quote and the checkout price through `price` (workflows pass
// the catalog's prices in); the checkout redeems a coupon for its order; the bus gives a
// redemption back when its order expires or is cancelled (workflows/consumers.ts).

export type PromotionModuleOptions = PromotionContextOptions;

export interface PromotionModule {
	context: PromotionContext;
	createActivity(body: unknown, actor: string): Promise<Activity>;
	updateActivity(id: string, body: unknown, actor: string): Promise<Activity>;
	deleteActivity(id: string, actor: string): Promise<void>;
	getActivity(id: string): Promise<Activity>;
	listActivities(): Promise<Activity[]>;
	addRule(activityId: string, body: unknown, actor: string): Promise<Rule>;
	replaceRule(ruleId: string, body: unknown, actor: string): Promise<Rule>;
	deleteRule(ruleId: string, actor: string): Promise<void>;
	createCoupon(body: unknown, actor: string): Promise<Coupon>;
	updateCoupon(id: string, body: unknown, actor: string): Promise<Coupon>;
	getCoupon(id: string): Promise<Coupon>;
	listCoupons(activityId?: string): Promise<Coupon[]>;
	listRedemptions(couponId: string): Promise<Redemption[]>;
	/** The storefront's view: activities not ended, with the version (public). */
	snapshot(): Promise<PromotionSnapshot>;
	activityBySlug(slug: string): Promise<PromotionSnapshot["activities"][number]>;
	/** Lines at list prices → sale prices, discounts per line, free shipping, the coupon's state. */
	price(req: PriceRequest): Promise<PricedCart>;
	/** A code a shopper typed: rate limited; 422 with one answer for every unusable code. */
	checkCoupon(code: string, attempt: Attempt): Promise<CouponState>;
	redeem(input: RedeemInput): Promise<Redemption>;
	releaseForOrder(orderId: string, reason: string): Promise<Redemption | null>;
	releaseForOrderIn(tx: TxDb, orderId: string, reason: string): Promise<Redemption | null>;
	/** A revived (late-paid) order takes its given-back redemption again, if the code has room. */
	reholdForOrderIn(tx: TxDb, orderId: string): Promise<"none" | "held" | "used_up">;
	stop(): Promise<void>;
}

export async function openPromotions(options: PromotionModuleOptions): Promise<PromotionModule> {
	const ctx = await openPromotionContext(options);
	return {
		context: ctx,
		createActivity: (body, actor) => createActivity(ctx, body, actor),
		updateActivity: (id, body, actor) => updateActivity(ctx, id, body, actor),
		deleteActivity: (id, actor) => deleteActivity(ctx, id, actor),
		getActivity: (id) => getActivity(ctx, id),
		listActivities: () => listActivities(ctx),
		addRule: (activityId, body, actor) => addRule(ctx, activityId, body, actor),
		replaceRule: (ruleId, body, actor) => replaceRule(ctx, ruleId, body, actor),
		deleteRule: (ruleId, actor) => deleteRule(ctx, ruleId, actor),
		createCoupon: (body, actor) => createCoupon(ctx, body, actor),
		updateCoupon: (id, body, actor) => updateCoupon(ctx, id, body, actor),
		getCoupon: (id) => getCoupon(ctx, id),
		listCoupons: (activityId) => listCoupons(ctx, activityId),
		listRedemptions: (couponId) => listRedemptions(ctx, couponId),
		snapshot: () => promotionSnapshot(ctx),
		activityBySlug: (slug) => activityBySlug(ctx, slug),
		price: (req) => priceCart(ctx, req),
		checkCoupon: (code, attempt) => checkCoupon(ctx, code, attempt),
		redeem: (input) => redeemCoupon(ctx, input),
		releaseForOrder: (orderId, reason) => releaseForOrder(ctx, orderId, reason),
		releaseForOrderIn: (tx, orderId, reason) => releaseForOrderIn(tx, ctx.now(), orderId, reason),
		reholdForOrderIn: (tx, orderId) => reholdForOrderIn(tx, ctx.now(), orderId),
		async stop() {
			await ctx.database.close();
		},
	};
}
