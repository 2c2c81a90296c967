import { coreTrouble, type Json, json, problem, SESSION_OR_NONE } from "./parts";

// GET /api/me (edge/src/routes/api-me.ts): the storefront header's personal bits.

export function mePaths(): Record<string, Json> {
	return {
		"/api/me": {
			get: {
				tags: ["shop"],
				operationId: "me",
				summary: "Who is signed in, and the cart's count",
				description:
					"The signed-in name and the cart's item count for the storefront's header: catalog pages are cached for everyone, so what is personal comes from here. Anonymous callers, and a cookie that names no live session, get `user: null` and their guest cart's count (0 without one); a bearer token that names no live session (signed out, expired, unknown) is a 401, as on every route. `Cache-Control: no-store, private`.",
				security: SESSION_OR_NONE,
				responses: {
					"200": json("Me", "The name (null when anonymous) and the cart's number of units."),
					"401": problem(
						'A bearer token that is not a live session; `WWW-Authenticate: Bearer error="invalid_token"`.',
					),
					...coreTrouble,
				},
			},
		},
	};
}
