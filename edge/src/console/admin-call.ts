import type { z } from "zod";
import type { AppContext } from "../env";
import { answerOf, type CoreAnswer } from "../lib/core-call";
import { forwardAdmin } from "../routes/admin";

/**
 * A console page's call to the admin API: the same forwarding as `/api/admin/<path>` over HTTP
 * (routes/admin.ts), as the signed-in staff member, with the answer checked against its contract.
 */
export async function adminCall<S extends z.ZodType>(
	c: AppContext,
	schema: S,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<CoreAnswer<z.infer<S>>> {
	const res = await forwardAdmin(c, method, path, {
		body: body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(body)),
		headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
	});
	return answerOf(res, schema);
}

/** Query string from the non-empty values (for list filters and cursors). */
export function query(params: Record<string, string | number | undefined | null>): string {
	const out = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") out.set(k, String(v));
	const text = out.toString();
	return text ? `?${text}` : "";
}
