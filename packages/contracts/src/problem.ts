import { z } from "zod";

// RFC 9457 problem details: every error from every tier has this shape.
export const Problem = z.object({
	type: z.string(),
	title: z.string(),
	status: z.number().int(),
	detail: z.string().optional(),
	instance: z.string().optional(),
	errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<number, string> = {
	400: "Bad Request",
	401: "Unauthorized",
	403: "Forbidden",
	404: "Not Found",
	405: "Method Not Allowed",
	409: "Conflict",
	413: "Content Too Large",
	415: "Unsupported Media Type",
	422: "Unprocessable Content",
	429: "Too Many Requests",
	500: "Internal Server Error",
	502: "Bad Gateway",
	503: "Service Unavailable",
};

export function problem(status: number, detail?: string, extra: Partial<Problem> = {}): Problem {
	return {
		type: extra.type ?? `https://bazaar.dev/problems/${status}`,
		title: extra.title ?? TITLES[status] ?? "Error",
		status,
		...(detail ? { detail } : {}),
		...extra,
	};
}

export function problemResponse(p: Problem, headers?: HeadersInit): Response {
	const h = new Headers(headers);
	h.set("content-type", PROBLEM_CONTENT_TYPE);
	h.set("cache-control", "no-store");
	return new Response(JSON.stringify(p), { status: p.status, headers: h });
}

/** Turns zod issues into the `errors` list of a 400 problem. */
export function zodProblem(error: z.ZodError, detail = "The request is not valid."): Problem {
	return problem(400, detail, {
		errors: error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message })),
	});
}
