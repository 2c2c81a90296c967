import { problemResponse, zodProblem } from "@bazaar/contracts";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import type { AppEnv } from "./http";

// The router every admin area is served from: each route is one definition of
// packages/contracts/src/admin-routes (`router.openapi(definition, handler)`), the same definition
// the edge's OpenAPI document is generated from. A query, header or body the definition refuses
// is the same 400 problem the module's own parsing answered before (zodProblem).

export function adminRouter(): OpenAPIHono<AppEnv> {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (result.success) return;
			return problemResponse(zodProblem(result.error as z.ZodError));
		},
	});
}

/** Every admin path a router serves, as `METHOD /path` under `prefix`, from its definitions. */
export function definedAdminRoutes(router: OpenAPIHono<AppEnv>, prefix: string): string[] {
	return router.openAPIRegistry.definitions.flatMap((d) =>
		d.type === "route" ? [`${d.route.method.toUpperCase()} ${prefix}${d.route.path === "/" ? "" : d.route.path}`] : [],
	);
}
