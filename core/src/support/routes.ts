import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, jsonResponse, readJson, requireRole } from "../lib/http";
import type { SupportModule } from "./module";

// A thin adapter under /support, behind the signature check. The chat rooms (the edge, as the
// service caller) ask the bot and store transcripts: the customer id they send is one the room
// admitted with a ticket the edge signed, so only the service role may send one. Staff
// (support_agent or admin) work the knowledge base, transcripts and tickets; anyone the edge
// signs for — a shopper, or a guest with an email — may leave a ticket.

export const SUPPORT_STAFF_ROLES = ["support_agent", "admin"];
export const SUPPORT_SERVICE_ROLES = ["service"];

export function supportRoutes(mod: SupportModule): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	const actor = (c: { get(k: "caller"): { user: string } }) => c.get("caller").user || "service";
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

	const staff = new Hono<AppEnv>();
	staff.use("*", requireRole(...SUPPORT_STAFF_ROLES));
	staff.get("/articles", async (c) => jsonResponse(await mod.listArticles(c.req.query())));
	staff.post("/articles", async (c) => jsonResponse(await mod.createArticle(body(c), actor(c)), 201));
	staff.get("/articles/:id", async (c) => jsonResponse(await mod.getArticle(c.req.param("id"))));
	staff.patch("/articles/:id", async (c) =>
		jsonResponse(await mod.updateArticle(c.req.param("id"), body(c), actor(c))),
	);
	staff.delete("/articles/:id", async (c) => jsonResponse(await mod.deleteArticle(c.req.param("id"))));
	staff.get("/conversations", async (c) => jsonResponse(await mod.searchConversations(c.req.query())));
	staff.get("/conversations/:id", async (c) => jsonResponse(await mod.getTranscript(c.req.param("id"))));
	staff.get("/customers/:id/orders", async (c) => jsonResponse({ items: await mod.recentOrders(c.req.param("id")) }));
	staff.get("/tickets", async (c) => jsonResponse(await mod.listTickets(c.req.query())));
	staff.get("/tickets/:id", async (c) => jsonResponse(await mod.getTicket(c.req.param("id"))));
	staff.post("/tickets/:id/answer", async (c) =>
		jsonResponse(await mod.answerTicket(c.req.param("id"), body(c), actor(c))),
	);
	app.route("/admin", staff);
	return app;
}
