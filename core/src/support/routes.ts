import { supportAdmin } from "@bazaar/contracts/admin-routes";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { z } from "zod";
import { adminRouter } from "../lib/admin-router";
import { type AppEnv, actorOf, jsonResponse, readJson, requireRole } from "../lib/http";
import type { SupportModule } from "./module";

// Two thin adapters, behind the signature check. `supportRoutes` (under /support): the chat rooms
// (the edge, as the service caller) ask the bot and store transcripts: the customer id they send
// is one the room admitted with a ticket the edge signed, so only the service role may send one;
// anyone the edge signs for — a shopper, or a guest with an email — may leave a ticket.
// `supportAdminRoutes` (under /support/admin): staff (support_agent or admin) work the knowledge
// base, transcripts and tickets.

export const SUPPORT_STAFF_ROLES = ["support_agent", "admin"];
export const SUPPORT_SERVICE_ROLES = ["service"];

/**
 * The support desk's routes (mount under /support/admin, before /support): each route is its
 * definition in packages/contracts/src/admin-routes/support.ts.
 */
export function supportAdminRoutes(mod: SupportModule): OpenAPIHono<AppEnv> {
	const staff = adminRouter();
	staff.use("*", requireRole(...SUPPORT_STAFF_ROLES));
	staff.openapi(supportAdmin.listArticles, async (c) => jsonResponse(await mod.listArticles(c.req.valid("query"))));
	staff.openapi(supportAdmin.createArticle, async (c) =>
		jsonResponse(await mod.createArticle(c.req.valid("json"), actorOf(c)), 201),
	);
	staff.openapi(supportAdmin.getArticle, async (c) => jsonResponse(await mod.getArticle(c.req.valid("param").id)));
	staff.openapi(supportAdmin.updateArticle, async (c) =>
		jsonResponse(await mod.updateArticle(c.req.valid("param").id, c.req.valid("json"), actorOf(c))),
	);
	staff.openapi(supportAdmin.deleteArticle, async (c) =>
		jsonResponse(await mod.deleteArticle(c.req.valid("param").id)),
	);
	staff.openapi(supportAdmin.searchConversations, async (c) =>
		jsonResponse(await mod.searchConversations(c.req.valid("query"))),
	);
	staff.openapi(supportAdmin.getConversation, async (c) =>
		jsonResponse(await mod.getTranscript(c.req.valid("param").id)),
	);
	staff.openapi(supportAdmin.recentCustomerOrders, async (c) =>
		jsonResponse({ items: await mod.recentOrders(c.req.valid("param").id) }),
	);
	staff.openapi(supportAdmin.listTickets, async (c) => jsonResponse(await mod.listTickets(c.req.valid("query"))));
	staff.openapi(supportAdmin.getTicket, async (c) => jsonResponse(await mod.getTicket(c.req.valid("param").id)));
	staff.openapi(supportAdmin.answerTicket, async (c) =>
		jsonResponse(await mod.answerTicket(c.req.valid("param").id, c.req.valid("json"), actorOf(c))),
	);
	return staff;
}

export function supportRoutes(mod: SupportModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const body = (c: Parameters<typeof readJson>[0]) => readJson(c, z.unknown());

	app.post("/bot/answer", requireRole(...SUPPORT_SERVICE_ROLES), async (c) => jsonResponse(await mod.answer(body(c))));
	app.put("/conversations/:id/transcript", requireRole(...SUPPORT_SERVICE_ROLES), async (c) => {
		const stored = await mod.storeTranscript(c.req.param("id"), body(c));
		return jsonResponse(stored.conversation, stored.created ? 201 : 200);
	});
	app.post("/tickets", async (c) => {
		const caller = c.get("caller");
		return jsonResponse(await mod.createTicket(body(c), { user: caller.user, ip: caller.ip }), 201);
	});
	return app;
}
