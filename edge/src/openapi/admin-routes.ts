import { ADMIN_ROUTES } from "@bazaar/contracts/admin-routes";
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { COOKIE_WRITE_RULE, csrfProblems, problem, SESSION } from "./route-kit";

// The admin API in the document: each definition the core serves an admin area with
// (packages/contracts/src/admin-routes), under the edge's /api/admin/<area> (routes/admin.ts
// forwards there), with what the edge's proxy itself may answer before or instead of the core.

type Registry = OpenAPIHono["openAPIRegistry"];

/** What the proxy answers on every admin path, whatever the core would. */
const PROXY_ANSWERS = {
	400: problem("The query, body or path is not valid (encoded `/`, `\\` or `.` in the path included)."),
	401: problem("Not signed in, or the session has ended (`WWW-Authenticate: Bearer`)."),
	403: problem("Not a staff account, or this role may not do this."),
	502: problem("The core service failed."),
	503: problem("The core service is unreachable or overloaded; try again shortly."),
};
/** Only writes carry a body: the size limit and the CSRF rule (middleware/api-write.ts). */
const WRITE_ANSWERS = {
	403: problem("Not a staff account, or this role may not do this; or a cookie write from another site."),
	413: problem("The body is too large for this area."),
	415: csrfProblems[415],
};

/**
 * Registers every admin definition at /api/admin/<area><path>, staff-only. A hidden one is what
 * an edge route of the same method and path calls (the download upload): that route documents it.
 */
export function registerAdminRoutes(registry: Registry): void {
	for (const [area, routes] of Object.entries(ADMIN_ROUTES)) {
		for (const route of routes) if (!route.hide) registry.registerPath(adminRouteAtEdge(area, route));
	}
}

/** An admin definition as the document shows it: under /api/admin/<area>, with the proxy's answers. */
export function adminRouteAtEdge(area: string, route: RouteConfig): RouteConfig {
	const { middleware: _m, hide: _h, ...doc } = route;
	const write = route.method !== "get" && route.method !== "head";
	const path = `/api/admin/${area}${route.path === "/" ? "" : route.path}`;
	// A path id that names nothing (or is malformed) is a 404 wherever the core looks it up.
	const named: RouteConfig["responses"] = path.includes("{") ? { 404: problem("No such record.") } : {};
	return {
		...doc,
		operationId:
			route.operationId ??
			`${route.method}${path.replaceAll(/[^A-Za-z0-9]+(.)?/g, (_m, c: string = "") => c.toUpperCase())}`,
		path,
		tags: ["admin"],
		security: SESSION,
		...(write ? { description: `${route.description ?? ""} ${COOKIE_WRITE_RULE}`.trim() } : {}),
		// The route's own answers win over the proxy's general ones.
		responses: { ...PROXY_ANSWERS, ...(write ? WRITE_ANSWERS : {}), ...named, ...route.responses },
	};
}
