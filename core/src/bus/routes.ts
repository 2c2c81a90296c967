import { DeadLetterQuery, GroupName } from "@bazaar/contracts/bus";
import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, jsonResponse, requireRole } from "../lib/http";
import { listDeadLetters } from "./list-dead-letters";
import type { Bus } from "./transport";

// The bus's admin view (mount under /bus behind the signature middleware; the edge's
// /api/admin/bus/*): the dead letters — events a consumer group gave up on, each also logged at
// error level when it died — and putting one back for its group once the cause is fixed.

export const BUS_ADMIN_ROLES = ["admin"];

/** libSQL log sequence or Redis stream entry id. */
const DeadLetterId = z.string().regex(/^\d{1,20}(-\d{1,20})?$/);

export function busRoutes(bus: Bus): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.use("/admin/*", requireRole(...BUS_ADMIN_ROLES));
	app.get("/admin/dead-letters", async (c) =>
		jsonResponse(await listDeadLetters(bus, DeadLetterQuery.parse(c.req.query()))),
	);
	app.post("/admin/dead-letters/:group/:id/replay", async (c) => {
		const group = GroupName.safeParse(c.req.param("group"));
		const id = DeadLetterId.safeParse(c.req.param("id"));
		if (!group.success || !id.success || !(await bus.replayDeadLetter(group.data, id.data))) {
			throw new NotFoundError("The dead letter");
		}
		return jsonResponse({ replayed: true, group: group.data, id: id.data });
	});
	return app;
}
