import { busAdmin } from "@bazaar/contracts/admin-routes";
import { GroupName } from "@bazaar/contracts/bus";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { adminRouter } from "../lib/admin-router";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, jsonResponse, requireRole } from "../lib/http";
import { listDeadLetters } from "./list-dead-letters";
import type { Bus } from "./transport";

// The bus's admin view (mount under /bus/admin behind the signature middleware; the edge's
// /api/admin/bus/*): the dead letters — events a consumer group gave up on, each also logged at
// error level when it died — and putting one back for its group once the cause is fixed.
// Each route is its definition in packages/contracts/src/admin-routes/bus.ts.

export const BUS_ADMIN_ROLES = ["admin"];

/** libSQL log sequence or Redis stream entry id. */
const DeadLetterId = z.string().regex(/^\d{1,20}(-\d{1,20})?$/);

export function busRoutes(bus: Bus): OpenAPIHono<AppEnv> {
	const app = adminRouter();
	app.use("*", requireRole(...BUS_ADMIN_ROLES));
	app.openapi(busAdmin.listDeadLetters, async (c) => jsonResponse(await listDeadLetters(bus, c.req.valid("query"))));
	app.openapi(busAdmin.replayDeadLetter, async (c) => {
		const params = c.req.valid("param");
		const group = GroupName.safeParse(params.group);
		const id = DeadLetterId.safeParse(params.id);
		if (!group.success || !id.success || !(await bus.replayDeadLetter(group.data, id.data))) {
			throw new NotFoundError("The dead letter");
		}
		return jsonResponse({ replayed: true, group: group.data, id: id.data });
	});
	return app;
}
