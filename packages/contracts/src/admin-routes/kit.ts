import { z } from "zod";
import { Problem } from "../problem";

// What every admin route definition repeats. A definition's path is relative to its area: the
// core serves it under its module's prefix (`/bus/admin`), the edge under `/api/admin/<area>`.

/**
 * An answer's documentation. Its content is typed optional so a handler may answer with a plain
 * Response (the core's jsonResponse and problem helpers build those).
 */
type Answer = { description: string; content?: { [type: string]: { schema: z.ZodType } } };

/** A JSON answer of `schema`. */
export const answer = (schema: z.ZodType, description: string): Answer => ({
	description,
	content: { "application/json": { schema } },
});

/** A problem-details answer (RFC 9457). */
export const problem = (description: string): Answer => ({
	description,
	content: { "application/problem+json": { schema: Problem } },
});

/** A JSON request body of `schema`, with the example the reference shows and the tests replay. */
export const body = <S extends z.ZodType>(schema: S, example: z.input<S>, required = true) => ({
	required,
	content: { "application/json": { schema, example } },
});

/** A path id the handler looks up (an id that names nothing is its 404). */
export const idParams = <K extends string>(...names: K[]) =>
	z.object(Object.fromEntries(names.map((n) => [n, z.string()])) as Record<K, z.ZodString>);
