import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { sameOrigin } from "../lib/forms";
import { apiProblem } from "../lib/problems";

// The JSON API's writes. Whatever the credential, a body must be declared JSON (415 otherwise): it
// is parsed as JSON, and nothing else reaches the core. For a browser's cookies this is also the
// CSRF defence: a browser carries the session and guest-cart cookies on any request to this site,
// even one a hostile page starts, and such a page can send a cross-site write without asking the
// browser first (a CORS preflight) only as an HTML form or a "simple" fetch, neither of which can
// carry `content-type: application/json`; so a cookie-authenticated write must be JSON even with
// no body, and an Origin or Sec-Fetch-Site that names another site is refused outright (403).
// Clients that send neither header are not browsers and pass the origin check. Bearer-authenticated
// calls carry their credential explicitly, so no other site can forge them: they skip the origin
// check, and a bodiless one (DELETE /api/session) needs no content type.

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

function hasBody(request: Request): boolean {
	if (request.body === null) return false;
	const length = request.headers.get("content-length");
	return length === null || length !== "0";
}

/** Guards writes (anything but GET/HEAD/OPTIONS) on routers that ran `loadSession` first. */
export const apiWriteGuard = createMiddleware<AppEnv>(async (c, next) => {
	const method = c.req.method;
	if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
	const bearer = c.get("authVia") === "bearer" && c.get("session") !== null;
	if (!bearer && !sameOrigin(c, { required: false }))
		return apiProblem(403, "This request was sent from another site.");
	if ((!bearer || hasBody(c.req.raw)) && !JSON_TYPE.test(c.req.header("content-type") ?? "")) {
		return apiProblem(415, "Send this request with content-type: application/json.");
	}
	return next();
});
