import { type Problem, problem, problemResponse } from "@bazaar/contracts";

export function apiProblem(status: number, detail?: string, extra: Partial<Problem> = {}, headers?: HeadersInit) {
	return problemResponse(problem(status, detail, extra), headers);
}

/** Paths whose callers are programs: they get problem JSON, everyone else an HTML page. */
export function wantsProblemJson(pathname: string): boolean {
	return (
		pathname.startsWith("/api/") ||
		pathname.startsWith("/internal/") ||
		pathname.startsWith("/img/") ||
		pathname.startsWith("/parties/") ||
		pathname.startsWith("/webhooks/") ||
		pathname === "/openapi.json" ||
		pathname === "/healthz"
	);
}

/**
 * A core refusal as the API's problem: the caller's own 4xx as the core said it (with
 * Retry-After on a 429), the core's trouble as 502/503; `notFound` words a 404 for this API.
 */
export function relayProblem(
	answer: { status: number; problem: Problem; retryAfter?: string },
	notFound?: string,
): Response {
	if (answer.status === 404 && notFound) return apiProblem(404, notFound);
	if (answer.status >= 500) {
		return apiProblem(
			answer.status === 503 ? 503 : 502,
			"The shop could not handle that right now. Try again shortly.",
		);
	}
	const { type, title, detail, errors } = answer.problem;
	const headers = answer.status === 429 && answer.retryAfter ? { "retry-after": answer.retryAfter } : undefined;
	return apiProblem(answer.status, detail, { type, title, ...(errors ? { errors } : {}) }, headers);
}
