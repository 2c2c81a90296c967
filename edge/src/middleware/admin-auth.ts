import { ROLES, type Role } from "@bazaar/contracts/identity";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";

/** Every role but "customer": the people who run the shop. */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== "customer");

/** What a 401 on the API tells a client: sign in (POST /api/session) and send the token as a bearer. */
export const SIGN_IN_CHALLENGE = { "www-authenticate": 'Bearer realm="bazaar"' };

/**
 * The admin API's gate, after `loadSession`: a signed-in session (cookie or bearer) holding a
 * staff role. It is coarse on purpose — which staff role may do what is the core's call (it
 * checks the roles the edge signs into every call), so the rules live in one place.
 */
export const requireStaff = createMiddleware<AppEnv>(async (c, next) => {
	const session = c.get("session");
	if (!session) {
		return apiProblem(
			401,
			"Sign in with a staff account (POST /api/session) to use the admin API.",
			{},
			SIGN_IN_CHALLENGE,
		);
	}
	if (!session.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r))) {
		return apiProblem(403, "The admin API is for staff accounts.");
	}
	await next();
});
