import type { AppContext } from "../env";
import { coreClient } from "./core";
import { callerOf } from "./core-call";
import { apiProblem } from "./problems";

// A JSON API route that is the core's route as it stands: the buffered body (bufferBody) sent on
// signed as the caller (a shopper, or anonymous with their address), the core's status and body
// (its problem included) handed back unchanged; the core's own trouble becomes the edge's 502/503.

/** Forwards the request to `corePath` at the core, signed as the caller. */
export async function forwardAsCaller(c: AppContext, method: string, corePath: string): Promise<Response> {
	const body = c.get("body");
	const hasBody = body.byteLength > 0 && method !== "GET" && method !== "DELETE";
	let res: Response;
	try {
		res = await coreClient(c.env).request(method, corePath, {
			body: hasBody ? body : undefined,
			caller: callerOf(c),
			headers: hasBody ? { "content-type": c.req.header("content-type") ?? "application/json" } : {},
		});
	} catch {
		return apiProblem(503, "The shop's core service is unreachable; try again shortly.");
	}
	if (res.status === 401) return apiProblem(502, "The core service refused the edge's signature.");
	if (res.status >= 500) return apiProblem(502, "The shop could not handle that right now. Try again shortly.");
	const headers = new Headers({ "cache-control": "no-store", vary: "Cookie, Authorization" });
	headers.set("content-type", res.headers.get("content-type") ?? "application/json");
	const retryAfter = res.headers.get("retry-after");
	if (retryAfter) headers.set("retry-after", retryAfter);
	return new Response(res.body, { status: res.status, headers });
}
