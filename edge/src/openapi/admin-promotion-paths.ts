import { bodyOf, idParam, type Json, pathParam, problem } from "./parts";
import { readsTakeNoBody, staffOp } from "./staff";

// The admin API's promotions area (core /promotion/admin/*, core/src/promotion/routes.ts): sale
// activities scheduled in a time zone, their pricing rules, coupons and their redemptions. How
// rules stack is in core/src/promotion/README.md. Every change is on the bus and the storefront's
// pages follow (their cache keys carry the promotion version).

const promo = staffOp("promotions");
const STACKING =
	"Levels, each on what the one before left: sale price → one item rule per line → one order rule per order → free shipping; within a level, rules a coupon unlocked first, then the activity's priority, the rule's priority, the rule's id (README: promotions).";

export function adminPromotionPaths(): Record<string, Json> {
	return readsTakeNoBody({
		"/api/admin/promotions/activities": {
			get: promo(
				"List activities",
				{},
				["200", "ActivityList", "Every activity not deleted, with its rules and its state now."],
				{
					"404": null,
				},
			),
			post: promo(
				"Create an activity",
				{
					description:
						"A sale with a slug (its landing page is `/sales/<slug>`), a badge, a banner, and a start and end written as wall-clock times in an IANA time zone. It runs while enabled between those instants; nothing has to happen at the start or the end.",
					requestBody: bodyOf("ActivityInput"),
				},
				["201", "Activity", "The activity, with its UTC instants and its state."],
				{ "404": null, "409": problem("Another activity has that slug.") },
			),
		},
		"/api/admin/promotions/activities/{id}": {
			get: promo("One activity", { parameters: [idParam("The activity's id (act_…).")] }, [
				"200",
				"Activity",
				"The activity and its rules.",
			]),
			patch: promo(
				"Change an activity",
				{ parameters: [idParam("The activity's id.")], requestBody: bodyOf("ActivityPatch") },
				["200", "Activity", "The activity as it is now."],
				{ "409": problem("Another activity has that slug.") },
			),
			delete: promo(
				"Delete an activity",
				{
					description: "It never applies or shows again (orders keep naming its rules); its coupons stop working.",
					parameters: [idParam("The activity's id.")],
				},
				["204", "Activity", "Deleted (no body)."],
			),
		},
		"/api/admin/promotions/activities/{id}/rules": {
			post: promo(
				"Add a rule",
				{ description: STACKING, parameters: [idParam("The activity's id.")], requestBody: bodyOf("RuleInput") },
				["201", "Rule", "The rule, labelled."],
			),
		},
		"/api/admin/promotions/rules/{id}": {
			put: promo(
				"Replace a rule",
				{ description: STACKING, parameters: [idParam("The rule's id (rul_…).")], requestBody: bodyOf("RuleInput") },
				["200", "Rule", "The rule as it is now."],
			),
			delete: promo("Delete a rule", { parameters: [idParam("The rule's id.")] }, [
				"204",
				"Rule",
				"Deleted (no body).",
			]),
		},
		"/api/admin/promotions/coupons": {
			get: promo(
				"List coupons",
				{
					parameters: [
						{
							name: "activityId",
							in: "query",
							required: false,
							description: "Only this activity's.",
							schema: { type: "string" },
						},
					],
				},
				["200", "CouponList", "The coupons with how many redemptions each holds now."],
				{ "404": null },
			),
			post: promo(
				"Create a coupon",
				{
					description:
						"A code (chosen, or 12 random characters) that unlocks its activity's coupon-only rules: single-use (`maxRedemptions: 1`) or multi-use, a per-customer limit, a minimum spend, its own window. Redeemed atomically when the order is placed; given back when the order expires or is cancelled.",
					requestBody: bodyOf("CouponInput"),
				},
				["201", "Coupon", "The coupon."],
				{ "404": problem("No such activity."), "409": problem("A coupon with that code exists.") },
			),
		},
		"/api/admin/promotions/coupons/{id}": {
			get: promo("One coupon", { parameters: [idParam("The coupon's id (cpn_…).")] }, ["200", "Coupon", "The coupon."]),
			patch: promo(
				"Change a coupon",
				{ parameters: [idParam("The coupon's id.")], requestBody: bodyOf("CouponPatch") },
				["200", "Coupon", "The coupon as it is now."],
				{ "409": problem("The limit would go below the redemptions held, or the window would end before it starts.") },
			),
		},
		"/api/admin/promotions/coupons/{id}/redemptions": {
			get: promo("A coupon's redemptions", { parameters: [pathParam("id", "The coupon's id.")] }, [
				"200",
				"RedemptionList",
				"Each order that redeemed it, held or given back (and why).",
			]),
		},
	});
}
