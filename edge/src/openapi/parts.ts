import { z } from "zod";

// Building blocks of the OpenAPI document: JSON Schemas from the zod contracts, and the small
// shapes every operation repeats (bodies, problems, path parameters).

export type Json = Record<string, unknown>;
export const REF = (id: string) => `#/components/schemas/${id}`;

export function schemasOf(entries: Record<string, z.ZodType>, io: "input" | "output"): Record<string, Json> {
	const registry = z.registry<{ id: string }>();
	for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
	const { schemas } = z.toJSONSchema(registry, { uri: REF, io, unrepresentable: "any" });
	const out: Record<string, Json> = {};
	for (const [id, schema] of Object.entries(schemas)) {
		const { $schema: _s, $id: _i, ...rest } = schema as Json;
		out[id] = rest;
	}
	return out;
}

export const json = (id: string, description: string) => ({
	description,
	content: { "application/json": { schema: { $ref: REF(id) } } },
});
export const problem = (description: string) => ({
	description,
	content: { "application/problem+json": { schema: { $ref: REF("Problem") } } },
});
export const bodyOf = (id: string, required = true) => ({
	required,
	content: { "application/json": { schema: { $ref: REF(id) } } },
});
export const pathParam = (name: string, description: string, schema: Json = { type: "string" }) => ({
	name,
	in: "path",
	required: true,
	description,
	schema,
});
export const idParam = (description: string) => pathParam("id", description);

/** A parameter's JSON Schema from its zod contract, as the client writes it. */
export function paramSchema(schema: z.ZodType): Json {
	const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
	return rest;
}

/**
 * The query parameters of a list (a `listQuery` of packages/contracts/src/list.ts), one per field
 * of its zod schema, so the document lists exactly what the route accepts.
 */
export function listParams(query: z.ZodObject, descriptions: Record<string, string> = {}): Json[] {
	const text: Record<string, string> = {
		cursor: "`nextCursor` of the previous page (opaque); a cursor not given out by this list is a 400.",
		limit: "Items per page: 20 unless given, at most 100 (more is a 400).",
		...descriptions,
	};
	return Object.entries(query.shape).map(([name, schema]) => ({
		name,
		in: "query",
		required: false,
		...(text[name] ? { description: text[name] } : {}),
		schema: paramSchema(schema as z.ZodType),
	}));
}

export const header = (name: string, schema: z.ZodType, required: boolean, description: string) => ({
	name,
	in: "header",
	required,
	description,
	schema: paramSchema(schema),
});

/** A signed-in session, as a bearer token or the storefront's cookie. */
export const SESSION = [{ sessionBearer: [] }, { sessionCookie: [] }];
/** A signed-in session, or a guest's cart cookie (guest checkout). */
export const SESSION_OR_GUEST = [...SESSION, { guestCartCookie: [] }];
/** The same, or nothing at all (`{}` is OpenAPI's "no credentials"). */
export const SESSION_OR_NONE = [...SESSION, {}];

/** The CSRF rule every write under /api/* keeps (edge/src/middleware/api-write.ts). */
export const COOKIE_WRITE_RULE =
	"A body must be `content-type: application/json` (415 otherwise), whatever the credential. Without a bearer token (session cookie, guest cookie, or no credentials), a write must also be same-site and declare that type even when it has no body: another site's Origin or Sec-Fetch-Site is a 403. A bearer token needs no Origin, and no content type without a body.";
export const csrfProblems = {
	"403": problem("Sent from another site's page (`Origin` or `Sec-Fetch-Site`) without a bearer token."),
	"415": problem(
		"A body that is not `content-type: application/json` (or, without a bearer token, no such type at all).",
	),
};

/** What the edge answers when the core cannot: its own trouble, never the core's body. */
export const coreTrouble = {
	"502": problem("The core service failed."),
	"503": problem("The core service is unreachable or overloaded; try again shortly."),
};
