import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { sameOrigin } from "../lib/forms";
import { apiProblem } from "../lib/problems";

// CSRF defence for the JSON API. A browser carries the session and guest-cart cookies on any
// request to this site, even one a hostile page starts. Such a page can send a cross-site write
// without asking the browser first (a CORS preflight) only as an HTML form or a "simple" fetch,
// and neither can carry `content-type: application/json`; so a cookie-authenticated write must
// be JSON (415 otherwise), and an Origin or Sec-Fetch-Site that names another site is refused
// outright (403). Clients that send neither header are not browsers and pass the origin check.
// Bearer-authenticated calls carry their credential explicitly, so no other site can forge them.

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Guards writes (anything but GET/HEAD/OPTIONS) on routers that ran `loadSession` first. */
export const apiWriteGuard = createMiddleware<AppEnv>(async (c, next) => {
	const method = c.req.method;
	if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
	if (c.get("authVia") === "bearer" && c.get("session")) return next();
	if (!sameOrigin(c, { required: false })) return apiProblem(403, "This request was sent from another site.");
	if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) {
		return apiProblem(415, "Send this request with content-type: application/json.");
	}
	return next();
});
