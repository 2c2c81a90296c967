import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { safeEqual } from "../lib/bytes";
import { apiProblem } from "../lib/problems";

const CHALLENGE = { "www-authenticate": 'Bearer realm="bazaar-admin"' };

/**
 * The admin credential until accounts exist: `Authorization: Bearer <ADMIN_TOKEN>`, compared in
 * constant time. An unset token locks admin out rather than letting everyone in.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
	const header = c.req.header("authorization") ?? "";
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	const expected = c.env.ADMIN_TOKEN ?? "";
	if (!match?.[1] || expected === "" || !(await safeEqual(match[1], expected))) {
		return apiProblem(401, "A valid admin bearer token is required.", {}, CHALLENGE);
	}
	await next();
});
