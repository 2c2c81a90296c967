import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
	Activity,
	ActivityId,
	ActivityInput,
	ActivityList,
	ActivityPatch,
	Coupon,
	CouponInput,
	CouponList,
	CouponPatch,
	RedemptionList,
	Rule,
	RuleInput,
} from "../promotion";
import { answer, body, idParams, problem } from "./kit";

// The promotions area (core /promotion/admin/*, edge /api/admin/promotions/*): sale activities
// scheduled in a time zone, their pricing rules, coupons and their redemptions. How rules stack is
// in core/src/promotion/README.md. Every change is on the bus and the storefront's pages follow
// (their cache keys carry the promotion version).

const ROLE = "Role: admin or catalog_manager.";
const STACKING =
	"Levels, each on what the one before left: sale price → one item rule per line → one order rule per order → free shipping; within a level, rules a coupon unlocked first, then the activity's priority, the rule's priority, the rule's id (README: promotions).";
const id = idParams("id");
const slugTaken = problem("Another activity has that slug.");
const noActivity = problem("No such activity.");
const noRule = problem("No such rule.");
const noCoupon = problem("No such coupon.");
const deleted = { description: "Deleted (no body)." };

export const listActivities = createRoute({
	method: "get",
	path: "/activities",
	summary: "List activities",
	description: ROLE,
	responses: { 200: answer(ActivityList, "Every activity not deleted, with its rules and its state now.") },
});

export const createActivity = createRoute({
	method: "post",
	path: "/activities",
	summary: "Create an activity",
	description: `${ROLE} A sale with a slug (its landing page is \`/sales/<slug>\`), a badge, a banner, and a start and end written as wall-clock times in an IANA time zone. It runs while enabled between those instants; nothing has to happen at the start or the end.`,
	request: {
		// Paused, so replaying it on a shared shop prices nothing.
		body: body(ActivityInput, {
			slug: "spring-camping-week",
			name: "Spring camping week",
			badge: "Spring",
			bannerText: "Tents and stoves for the first nights out",
			timeZone: "Europe/Berlin",
			startsAt: "2030-04-01T00:00",
			endsAt: "2030-04-08T00:00",
			enabled: false,
		}),
	},
	responses: {
		201: answer(Activity, "The activity, with its UTC instants and its state."),
		400: problem("The body is not valid (an unknown time zone, an end before the start included)."),
		409: slugTaken,
	},
});

export const getActivity = createRoute({
	method: "get",
	path: "/activities/{id}",
	summary: "One activity",
	description: ROLE,
	request: { params: id },
	responses: { 200: answer(Activity, "The activity and its rules."), 404: noActivity },
});

export const updateActivity = createRoute({
	method: "patch",
	path: "/activities/{id}",
	summary: "Change an activity",
	description: `${ROLE} Only the fields sent change.`,
	request: { params: id, body: body(ActivityPatch, { enabled: true }) },
	responses: {
		200: answer(Activity, "The activity as it is now."),
		400: problem("The body is not valid."),
		404: noActivity,
		409: slugTaken,
	},
});

export const deleteActivity = createRoute({
	method: "delete",
	path: "/activities/{id}",
	summary: "Delete an activity",
	description: `${ROLE} It never applies or shows again (orders keep naming its rules); its coupons stop working.`,
	request: { params: id },
	responses: { 204: deleted, 404: noActivity },
});

export const addRule = createRoute({
	method: "post",
	path: "/activities/{id}/rules",
	summary: "Add a rule",
	description: `${ROLE} ${STACKING}`,
	request: {
		params: id,
		body: body(RuleInput, {
			label: "10% off everything",
			spec: { kind: "percent_off", percentBp: 1000, target: { scope: "shop" } },
		}),
	},
	responses: {
		201: answer(Rule, "The rule, labelled."),
		400: problem("The body is not valid."),
		404: noActivity,
	},
});

export const replaceRule = createRoute({
	method: "put",
	path: "/rules/{id}",
	summary: "Replace a rule",
	description: `${ROLE} ${STACKING}`,
	request: {
		params: id,
		body: body(RuleInput, {
			label: "15% off everything",
			spec: { kind: "percent_off", percentBp: 1500, target: { scope: "shop" } },
		}),
	},
	responses: {
		200: answer(Rule, "The rule as it is now."),
		400: problem("The body is not valid."),
		404: noRule,
	},
});

export const deleteRule = createRoute({
	method: "delete",
	path: "/rules/{id}",
	summary: "Delete a rule",
	description: ROLE,
	request: { params: id },
	responses: { 204: deleted, 404: noRule },
});

export const listCoupons = createRoute({
	method: "get",
	path: "/coupons",
	summary: "List coupons",
	description: `${ROLE} \`activityId\`: only that activity's.`,
	request: { query: z.strictObject({ activityId: ActivityId.optional() }) },
	responses: {
		200: answer(CouponList, "The coupons with how many redemptions each holds now."),
		400: problem("A malformed activity id, or another parameter."),
	},
});

export const createCoupon = createRoute({
	method: "post",
	path: "/coupons",
	summary: "Create a coupon",
	description: `${ROLE} A code (chosen, or 12 random characters) that unlocks its activity's coupon-only rules: single-use (\`maxRedemptions: 1\`) or multi-use, a per-customer limit, a minimum spend, its own window. Redeemed atomically when the order is placed; given back when the order expires or is cancelled.`,
	request: {
		body: body(CouponInput, {
			code: "SPRING-TENT-10",
			activityId: "act_01JEXAMPLEACTIVITY00000000",
			maxRedemptions: 500,
			perCustomerLimit: 1,
			minSpend: { amount: 10000, currency: "USD" },
		}),
	},
	responses: {
		201: answer(Coupon, "The coupon."),
		400: problem("The body is not valid."),
		404: noActivity,
		409: problem("A coupon with that code exists."),
	},
});

export const getCoupon = createRoute({
	method: "get",
	path: "/coupons/{id}",
	summary: "One coupon",
	description: ROLE,
	request: { params: id },
	responses: { 200: answer(Coupon, "The coupon."), 404: noCoupon },
});

export const updateCoupon = createRoute({
	method: "patch",
	path: "/coupons/{id}",
	summary: "Change a coupon",
	description: `${ROLE} Only the fields sent change.`,
	request: { params: id, body: body(CouponPatch, { maxRedemptions: 1000 }) },
	responses: {
		200: answer(Coupon, "The coupon as it is now."),
		400: problem("The body is not valid."),
		404: noCoupon,
		409: problem("The limit would go below the redemptions held, or the window would end before it starts."),
	},
});

export const listRedemptions = createRoute({
	method: "get",
	path: "/coupons/{id}/redemptions",
	summary: "A coupon's redemptions",
	description: ROLE,
	request: { params: id },
	responses: {
		200: answer(RedemptionList, "Each order that redeemed it, held or given back (and why)."),
		404: noCoupon,
	},
});

export const PROMOTION_ADMIN_ROUTES = [
	listActivities,
	createActivity,
	getActivity,
	updateActivity,
	deleteActivity,
	addRule,
	replaceRule,
	deleteRule,
	listCoupons,
	createCoupon,
	getCoupon,
	updateCoupon,
	listRedemptions,
];
