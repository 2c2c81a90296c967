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
