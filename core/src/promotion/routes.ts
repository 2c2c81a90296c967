import { Slug } from "@bazaar/contracts";
import { promotionAdmin } from "@bazaar/contracts/admin-routes";
import { ActivityId, CouponId, RuleId } from "@bazaar/contracts/promotion";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { z } from "zod";
import { adminRouter } from "../lib/admin-router";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, actorOf, jsonResponse, rawJson, requireRole } from "../lib/http";
import type { PromotionModule } from "./module";

// A thin adapter (under /promotion, behind the signature check). /promotion/admin/*
// (promotionAdminRoutes): admins and catalog managers shape activities, rules and coupons (the
// edge's /api/admin/promotions/*).
// /promotion/public/*: what the storefront renders (the same for everyone).

export const PROMOTION_ADMIN_ROLES = ["admin", "catalog_manager"];

/** A malformed id is a 404 like an unknown one (nothing is looked up). */
function idOf<S extends z.ZodType<string>>(schema: S, raw: string, what: string): string {
	if (!schema.safeParse(raw).success) throw new NotFoundError(what);
	return raw;
}

/**
 * Activities, rules and coupons for staff (mount under /promotion/admin): each route is its
 * definition in packages/contracts/src/admin-routes/promotions.ts. The module's verbs parse the
 * body they are given (a coupon code is normalised there), so they get it as sent, after the
 * definition has refused what they would.
 */
export function promotionAdminRoutes(mod: PromotionModule): OpenAPIHono<AppEnv> {
	const admin = adminRouter();
	admin.use("*", requireRole(...PROMOTION_ADMIN_ROLES));
	const activity = (c: { req: { valid(t: "param"): { id: string } } }) =>
		idOf(ActivityId, c.req.valid("param").id, "The activity");
	const coupon = (c: { req: { valid(t: "param"): { id: string } } }) =>
		idOf(CouponId, c.req.valid("param").id, "The coupon");
	const rule = (c: { req: { valid(t: "param"): { id: string } } }) => idOf(RuleId, c.req.valid("param").id, "The rule");
	const deleted = () => new Response(null, { status: 204 });

	admin.openapi(promotionAdmin.listActivities, async () => jsonResponse({ items: await mod.listActivities() }));
	admin.openapi(promotionAdmin.createActivity, async (c) =>
		jsonResponse(await mod.createActivity(rawJson(c), actorOf(c)), 201),
	);
	admin.openapi(promotionAdmin.getActivity, async (c) => jsonResponse(await mod.getActivity(activity(c))));
	admin.openapi(promotionAdmin.updateActivity, async (c) =>
		jsonResponse(await mod.updateActivity(activity(c), rawJson(c), actorOf(c))),
	);
	admin.openapi(promotionAdmin.deleteActivity, async (c) => {
		await mod.deleteActivity(activity(c), actorOf(c));
		return deleted();
	});
	admin.openapi(promotionAdmin.addRule, async (c) =>
		jsonResponse(await mod.addRule(activity(c), rawJson(c), actorOf(c)), 201),
	);
	admin.openapi(promotionAdmin.replaceRule, async (c) =>
		jsonResponse(await mod.replaceRule(rule(c), rawJson(c), actorOf(c))),
	);
	admin.openapi(promotionAdmin.deleteRule, async (c) => {
		await mod.deleteRule(rule(c), actorOf(c));
		return deleted();
	});
	admin.openapi(promotionAdmin.listCoupons, async (c) =>
		jsonResponse({ items: await mod.listCoupons(c.req.valid("query").activityId) }),
	);
	admin.openapi(promotionAdmin.createCoupon, async (c) =>
		jsonResponse(await mod.createCoupon(rawJson(c), actorOf(c)), 201),
	);
	admin.openapi(promotionAdmin.getCoupon, async (c) => jsonResponse(await mod.getCoupon(coupon(c))));
	admin.openapi(promotionAdmin.updateCoupon, async (c) =>
		jsonResponse(await mod.updateCoupon(coupon(c), rawJson(c), actorOf(c))),
	);
	admin.openapi(promotionAdmin.listRedemptions, async (c) =>
		jsonResponse({ items: await mod.listRedemptions(coupon(c)) }),
	);
	return admin;
}

export function promotionRoutes(mod: PromotionModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.get("/public/snapshot", async (_c) => jsonResponse(await mod.snapshot()));
	app.get("/public/activities/:slug", async (c) =>
		jsonResponse(await mod.activityBySlug(idOf(Slug, c.req.param("slug"), "The sale"))),
	);
	return app;
}
