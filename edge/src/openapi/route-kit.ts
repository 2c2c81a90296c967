import { Problem, problemResponse, zodProblem } from "@bazaar/contracts";
import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Handler, MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";

// The pieces every JSON route definition repeats. A route is declared once with `createRoute`
// (its zod schemas, statuses, security and an example) and served with `router.openapi(route,
// handler)`: the same definition validates the request and becomes the OpenAPI document
// (openapi/document.ts), so the reference cannot drift from what the Worker does.

const WHAT: Record<string, string> = {
	json: "The body is not valid.",
	query: "The query is not valid.",
	header: "A request header is not valid.",
	cookie: "A cookie is not valid.",
	form: "The form is not valid.",
};

/**
 * A router whose validation failures are our problem details: a bad body, query or header is a
 * 400 listing what is wrong; a path parameter that cannot name anything (a malformed id) is the
 * same 404 as an id that names nothing, so ids cannot be told apart by their shape.
 */
export function apiRouter(): OpenAPIHono<AppEnv> {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (result.success) return;
			if (result.target === "param") return apiProblem(404, "There is nothing at this address.");
			return problemResponse(zodProblem(result.error as z.ZodError, WHAT[result.target]));
		},
	});
}

/**
 * A route whose body the edge passes on byte for byte (a gateway's signed webhook, a body the core
 * validates): documented from the same definition, but the edge does not parse the body itself.
 */
export function passThrough(
	router: OpenAPIHono<AppEnv>,
	route: RouteConfig,
	handler: Handler<AppEnv>,
): OpenAPIHono<AppEnv> {
	const { middleware, hide: _hide, ...doc } = route;
	router.openAPIRegistry.registerPath(doc);
	const before = (middleware ? [middleware].flat() : []) as MiddlewareHandler<AppEnv>[];
	router.on([route.method.toUpperCase()], [route.path.replaceAll(/\{(\w+)\}/g, ":$1")], ...before, handler);
	return router;
}

// ---- responses ---------------------------------------------------------------------------------

/**
 * A problem-details answer (RFC 9457), `application/problem+json`. (Its content is typed optional so
 * handlers may answer with plain Responses: apiProblem and the core relays build those.)
 */
export const problem = (
	description: string,
): { description: string; content?: { [type: string]: { schema: z.ZodType } } } => ({
	description,
	content: { "application/problem+json": { schema: Problem } },
});

/**
 * A JSON answer of `schema`. (Typed loosely, like `problem`: handlers answer through the shared
 * helpers and core relays, and the tests check every documented answer against the document.)
 */
export const json = (
	schema: z.ZodType,
	description: string,
): { description: string; content?: { [type: string]: { schema: z.ZodType } } } => ({
	description,
	content: { "application/json": { schema } },
});

/** A JSON request body of `schema`, with the example the reference shows and the tests replay. */
export const body = <S extends z.ZodType>(schema: S, example: z.input<S>, required = true) => ({
	required,
	content: { "application/json": { schema, example } },
});

// ---- security ----------------------------------------------------------------------------------

type Security = Record<string, string[]>[];
/** A signed-in session, as a bearer token or the storefront's cookie. */
export const SESSION: Security = [{ sessionBearer: [] }, { sessionCookie: [] }];
/** A signed-in session, or a guest's cart cookie (guest checkout). */
export const SESSION_OR_GUEST: Security = [...SESSION, { guestCartCookie: [] }];
/** The same, or nothing at all (`{}` is OpenAPI's "no credentials"). */
export const SESSION_OR_NONE: Security = [...SESSION, {}];
/** No credentials at all. */
export const ANYONE: Security = [{}];

export const SECURITY_SCHEMES = {
	sessionBearer: {
		type: "http",
		scheme: "bearer",
		description: "The `token` from `POST /api/session`.",
	},
	sessionCookie: {
		type: "apiKey",
		in: "cookie",
		name: "__Host-bazaar_session",
		description:
			"The storefront's session cookie; writes must then be same-site with `content-type: application/json`.",
	},
	guestCartCookie: {
		type: "apiKey",
		in: "cookie",
		name: "__Host-bazaar_cart",
		description:
			"A guest's cart cookie (set when a shopper without an account first adds to a cart): a guest checks out and pays with it.",
	},
} as const;

/** The CSRF rule every write under /api/* keeps (edge/src/middleware/api-write.ts). */
export const COOKIE_WRITE_RULE =
	"A body must be `content-type: application/json` (415 otherwise), whatever the credential. Without a bearer token (session cookie, guest cookie, or no credentials), a write must also be same-site and declare that type even when it has no body: another site's Origin or Sec-Fetch-Site is a 403. A bearer token needs no Origin, and no content type without a body.";
export const csrfProblems = {
	403: problem("Sent from another site's page (`Origin` or `Sec-Fetch-Site`) without a bearer token."),
	415: problem(
		"A body that is not `content-type: application/json` (or, without a bearer token, no such type at all).",
	),
};

/** What the edge answers when the core cannot: its own trouble, never the core's body. */
export const coreTrouble = {
	502: problem("The core service failed."),
	503: problem("The core service is unreachable or overloaded; try again shortly."),
};

/** A body over `bytes`. */
export const tooLarge = (what: string) => ({ 413: problem(`The body is larger than ${what}.`) });
