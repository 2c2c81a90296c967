import { COOKIE_WRITE_RULE, csrfProblems, type Json, json, problem, SESSION } from "./parts";

// One admin operation: /api/admin/<area>/* forwards to the core module's admin routes, signed as
// the staff member (edge/src/routes/admin.ts). The edge checks only "signed in" (401) and
// "staff" (403); the core's role rules can refuse a staff role too (e.g. a catalog manager on
// identity): also a 403. Its refusals come back with their status and problem body unchanged.

const ROLES_BY_AREA = {
	catalog: "admin or catalog_manager",
	identity: "admin",
	inventory: "admin",
	orders: "admin",
	fulfillment: "admin",
	payment: "admin",
	bus: "admin",
	promotions: "admin or catalog_manager",
	reviews: "admin or moderator",
	support: "admin or support_agent",
	delivery: "admin",
} as const;
export type AdminArea = keyof typeof ROLES_BY_AREA;

/** [status, schema id, description] of the success answer. */
export type Success = [string, string, string];

/**
 * `more` adds statuses the route really answers, or (with null) drops a default one it cannot
 * (a list that is empty rather than missing has no 404). GETs drop the write-only statuses in
 * `readsTakeNoBody`.
 */
export const staffOp =
	(area: AdminArea) =>
	(summary: string, extra: Json, success: Success, more: Record<string, unknown> = {}) => {
		const responses: Record<string, unknown> = {
			[success[0]]: json(success[1], success[2]),
			"400": problem("The body, query or path is not valid (encoded `/`, `\\` or `.` in the path included)."),
			"401": problem("Not signed in, or the session has ended (`WWW-Authenticate: Bearer`)."),
			"403": problem("Not a staff account, or this role may not do this; or a cookie write from another site."),
			"404": problem("No such record."),
			"413": problem("The body is too large."),
			"415": csrfProblems["415"],
			...more,
		};
		for (const [status, answer] of Object.entries(responses)) if (answer === null) delete responses[status];
		return {
			tags: ["admin"],
			summary,
			description: `Role: ${ROLES_BY_AREA[area]}.`,
			security: SESSION,
			...extra,
			responses,
		};
	};

const READ_403 = problem("Not a staff account, or this role may not do this.");

/**
 * Reads carry no body, so neither 413 nor the CSRF rule applies to them; every write states the
 * CSRF rule in its description.
 */
export function readsTakeNoBody(paths: Record<string, Json>): Record<string, Json> {
	for (const item of Object.values(paths)) {
		for (const [method, op] of Object.entries(item) as [string, Json][]) {
			const responses = op.responses as Record<string, unknown>;
			if (method === "get") {
				delete responses["413"];
				delete responses["415"];
				if (responses["403"]) responses["403"] = READ_403;
			} else {
				op.description = `${String(op.description ?? "")} ${COOKIE_WRITE_RULE}`.trim();
			}
		}
	}
	return paths;
}
