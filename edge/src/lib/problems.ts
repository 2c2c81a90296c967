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
