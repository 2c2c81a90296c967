import { ADMIN_ROUTES } from "@bazaar/contracts/admin-routes";
import { describe, expect, it } from "vitest";
import { edge } from "./helpers";

// The admin API's reference is generated from the definitions the core serves its admin routes
// with (packages/contracts/src/admin-routes): each one is in the document under /api/admin/<area>,
// staff-only, with its role note, the proxy's own answers, and an example for every body.

type Op = {
	description?: string;
	security?: unknown;
	responses: Record<string, unknown>;
	requestBody?: { content: Record<string, { example?: unknown }> };
};

describe("the admin API in the OpenAPI document", () => {
	it("lists every admin definition at /api/admin/<area><path> with its role note", async () => {
		const doc = (await (await edge("/openapi.json")).json()) as { paths: Record<string, Record<string, Op>> };
		const areas = Object.entries(ADMIN_ROUTES);
		expect(areas.length).toBeGreaterThan(0);
		for (const [area, routes] of areas) {
			// A hidden definition is documented by the edge route that calls it (the download upload).
			for (const route of routes.filter((r) => !r.hide)) {
				const path = `/api/admin/${area}${route.path === "/" ? "" : route.path}`;
				const op = doc.paths[path]?.[route.method];
				expect(op, `${route.method} ${path}`).toBeDefined();
				expect(op!.description, path).toMatch(/^Role: [a-z_]+( or [a-z_]+)*( \(read-only\))?\./);
				expect(op!.security, path).toEqual([{ sessionBearer: [] }, { sessionCookie: [] }]);
				expect(Object.keys(op!.responses), path).toEqual(expect.arrayContaining(["401", "403", "502", "503"]));
				if (route.method !== "get") {
					expect(Object.keys(op!.responses), path).toEqual(expect.arrayContaining(["413", "415"]));
				}
				if (op!.requestBody) expect(op!.requestBody.content["application/json"]?.example, path).toBeDefined();
			}
		}
	});
});
