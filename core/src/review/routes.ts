import { Hono } from "hono";
import { z } from "zod";
import { ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson, requireRole } from "../lib/http";
import type { ReviewModule } from "./module";

// A thin adapter under /reviews, behind the signature check. Anyone reads a product's published
// reviews; a signed-in customer writes, edits, votes and reports; staff (admin or moderator)
// work the queue and reply for the merchant.

export const REVIEW_STAFF_ROLES = ["admin", "moderator", "service"];
const VoteInput = z.strictObject({ helpful: z.literal(true) });
const ReviewableQuery = z.strictObject({
	orderId: z.string().max(40).optional(),
	productId: z.string().max(64).optional(),
});

class NotSignedInError extends ServiceError {
	constructor() {
		super(401, "This needs a signed-in customer.");
	}
}

export function reviewRoutes(mod: ReviewModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const customer = (c: { get(k: "caller"): { user: string } }) => {
		const user = c.get("caller").user;
		if (!user) throw new NotSignedInError();
		return user;
	};
	const optionalJson = (c: Parameters<typeof readJson>[0]) =>
		c.get("body").byteLength === 0 ? {} : readJson(c, z.unknown());

	const staff = new Hono<AppEnv>();
	staff.use("*", requireRole(...REVIEW_STAFF_ROLES));
	staff.get("/queue", async (c) => jsonResponse(await mod.queue(c.req.query())));
	staff.get("/:id", async (c) => jsonResponse(await mod.detail(c.req.param("id"))));
	for (const decision of ["approve", "reject", "hide"] as const) {
		staff.post(`/:id/${decision}`, async (c) =>
			jsonResponse(await mod.moderate(c.req.param("id"), decision, optionalJson(c), c.get("caller").user || "service")),
		);
	}
	staff.put("/:id/reply", async (c) =>
		jsonResponse(await mod.reply(c.req.param("id"), readJson(c, z.unknown()), c.get("caller").user || "service")),
	);
	staff.delete("/:id/reply", async (c) =>
		jsonResponse(await mod.reply(c.req.param("id"), null, c.get("caller").user || "service")),
	);
	app.route("/admin", staff);

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
