import { reviewAdmin } from "@bazaar/contracts/admin-routes";
import { ReviewableQuery, VoteInput } from "@bazaar/contracts/review";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { z } from "zod";
import { adminRouter } from "../lib/admin-router";
import { ServiceError } from "../lib/errors";
import { type AppEnv, actorOf, jsonResponse, readJson, requireRole } from "../lib/http";
import type { ReviewModule } from "./module";

// Two thin adapters, behind the signature check. `reviewRoutes` (under /reviews): anyone reads a
// product's published reviews; a signed-in customer writes, edits, votes and reports.
// `reviewAdminRoutes` (under /reviews/admin): staff (admin or moderator) work the queue and reply
// for the merchant.

export const REVIEW_STAFF_ROLES = ["admin", "moderator", "service"];

class NotSignedInError extends ServiceError {
	constructor() {
		super(401, "This needs a signed-in customer.");
	}
}

/**
 * The moderators' routes (mount under /reviews/admin, before /reviews): each route is its
 * definition in packages/contracts/src/admin-routes/reviews.ts.
 */
export function reviewAdminRoutes(mod: ReviewModule): OpenAPIHono<AppEnv> {
	const staff = adminRouter();
	staff.use("*", requireRole(...REVIEW_STAFF_ROLES));
	staff.openapi(reviewAdmin.reviewQueue, async (c) => jsonResponse(await mod.queue(c.req.valid("query"))));
	staff.openapi(reviewAdmin.getReview, async (c) => jsonResponse(await mod.detail(c.req.valid("param").id)));
	staff.openapi(reviewAdmin.approveReview, async (c) =>
		jsonResponse(await mod.moderate(c.req.valid("param").id, "approve", c.req.valid("json"), actorOf(c))),
	);
	staff.openapi(reviewAdmin.rejectReview, async (c) =>
		jsonResponse(await mod.moderate(c.req.valid("param").id, "reject", c.req.valid("json"), actorOf(c))),
	);
	staff.openapi(reviewAdmin.hideReview, async (c) =>
		jsonResponse(await mod.moderate(c.req.valid("param").id, "hide", c.req.valid("json"), actorOf(c))),
	);
	staff.openapi(reviewAdmin.replyToReview, async (c) =>
		jsonResponse(await mod.reply(c.req.valid("param").id, c.req.valid("json"), actorOf(c))),
	);
	staff.openapi(reviewAdmin.removeReviewReply, async (c) =>
		jsonResponse(await mod.reply(c.req.valid("param").id, null, actorOf(c))),
	);
	return staff;
}

export function reviewRoutes(mod: ReviewModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const customer = (c: { get(k: "caller"): { user: string } }) => {
		const user = c.get("caller").user;
		if (!user) throw new NotSignedInError();
		return user;
	};

	app.get("/products/:productId", async (c) =>
		jsonResponse(await mod.listForProduct(c.req.param("productId"), c.req.query())),
	);
	app.get("/mine/reviewable", async (c) =>
		jsonResponse(await mod.reviewable(customer(c), ReviewableQuery.parse(c.req.query()))),
	);
	app.get("/mine/:id", async (c) => jsonResponse(await mod.getOwn(c.req.param("id"), customer(c))));
	app.post("/", async (c) => jsonResponse(await mod.write(readJson(c, z.unknown()), customer(c)), 201));
	app.patch("/:id", async (c) =>
		jsonResponse(await mod.edit(c.req.param("id"), readJson(c, z.unknown()), customer(c))),
	);
	app.put("/:id/vote", async (c) => {
		const user = customer(c);
		readJson(c, VoteInput);
		return jsonResponse(await mod.vote(c.req.param("id"), user, true));
	});
	app.delete("/:id/vote", async (c) => jsonResponse(await mod.vote(c.req.param("id"), customer(c), false)));
	app.post("/:id/reports", async (c) =>
		jsonResponse(await mod.report(c.req.param("id"), customer(c), readJson(c, z.unknown())), 201),
	);
	return app;
}
