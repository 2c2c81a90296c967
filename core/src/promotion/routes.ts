import { Slug } from "@bazaar/contracts";
import { ActivityId, CouponId, RuleId } from "@bazaar/contracts/promotion";
import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson, requireRole } from "../lib/http";
import type { PromotionModule } from "./module";

// A thin adapter (under /promotion, behind the signature check). /promotion/admin/*: admins and
// catalog managers shape activities, rules and coupons (the edge's /api/admin/promotions/*).
// /promotion/public/*: what the storefront renders (the same for everyone).

export const PROMOTION_ADMIN_ROLES = ["admin", "catalog_manager"];

/** A malformed id is a 404 like an unknown one (nothing is looked up). */
function idOf<S extends z.ZodType<string>>(schema: S, raw: string, what: string): string {
	if (!schema.safeParse(raw).success) throw new NotFoundError(what);
	return raw;
}

export function promotionRoutes(mod: PromotionModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const actor = (c: { get(k: "caller"): { user: string } }) => c.get("caller").user || "service";

	const admin = new Hono<AppEnv>();
	admin.use("*", requireRole(...PROMOTION_ADMIN_ROLES));
	admin.get("/activities", async (_c) => jsonResponse({ items: await mod.listActivities() }));
	admin.post("/activities", async (c) =>
		jsonResponse(await mod.createActivity(readJson(c, z.unknown()), actor(c)), 201),
	);
	admin.get("/activities/:id", async (c) =>
		jsonResponse(await mod.getActivity(idOf(ActivityId, c.req.param("id"), "The activity"))),
	);
	admin.patch("/activities/:id", async (c) =>
		jsonResponse(
			await mod.updateActivity(idOf(ActivityId, c.req.param("id"), "The activity"), readJson(c, z.unknown()), actor(c)),
		),
	);
	admin.delete("/activities/:id", async (c) => {
		await mod.deleteActivity(idOf(ActivityId, c.req.param("id"), "The activity"), actor(c));
		return new Response(null, { status: 204 });
	});
	admin.post("/activities/:id/rules", async (c) =>
		jsonResponse(
			await mod.addRule(idOf(ActivityId, c.req.param("id"), "The activity"), readJson(c, z.unknown()), actor(c)),
			201,
		),
	);
	admin.put("/rules/:id", async (c) =>
		jsonResponse(
			await mod.replaceRule(idOf(RuleId, c.req.param("id"), "The rule"), readJson(c, z.unknown()), actor(c)),
		),
	);
	admin.delete("/rules/:id", async (c) => {
		await mod.deleteRule(idOf(RuleId, c.req.param("id"), "The rule"), actor(c));
		return new Response(null, { status: 204 });
	});
	admin.get("/coupons", async (c) => {
		const { activityId } = z.strictObject({ activityId: ActivityId.optional() }).parse(c.req.query());
		return jsonResponse({ items: await mod.listCoupons(activityId) });
	});
	admin.post("/coupons", async (c) => jsonResponse(await mod.createCoupon(readJson(c, z.unknown()), actor(c)), 201));
	admin.get("/coupons/:id", async (c) =>
		jsonResponse(await mod.getCoupon(idOf(CouponId, c.req.param("id"), "The coupon"))),
	);
	admin.patch("/coupons/:id", async (c) =>
		jsonResponse(
			await mod.updateCoupon(idOf(CouponId, c.req.param("id"), "The coupon"), readJson(c, z.unknown()), actor(c)),
		),
	);
	admin.get("/coupons/:id/redemptions", async (c) =>
		jsonResponse({ items: await mod.listRedemptions(idOf(CouponId, c.req.param("id"), "The coupon")) }),
	);
	app.route("/admin", admin);

	app.get("/public/snapshot", async (_c) => jsonResponse(await mod.snapshot()));
	app.get("/public/activities/:slug", async (c) =>
		jsonResponse(await mod.activityBySlug(idOf(Slug, c.req.param("slug"), "The sale"))),
	);
	return app;
}
