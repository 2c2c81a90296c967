import { AsyncLocalStorage } from "node:async_hooks";

// Every request the Worker serves gets a request id and a W3C trace context, and every call it
// makes to the core on that request's behalf carries both (`x-request-id`, `traceparent`), so the
// core's log lines, its spans, the bus events it emits and their consumers all name the shopper's
// request. The Worker does not record spans itself: it continues the caller's trace (or starts
// one) with a span id of its own and hands it on, which is how a trace collector sees the edge
// as the root of one order's journey.

export interface EdgeRequestContext {
	requestId: string;
	/** `00-<trace id>-<this Worker's span id>-<flags>`. */
	traceparent: string;
}

const storage = new AsyncLocalStorage<EdgeRequestContext>();
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);

function randomHex(bytes: number): string {
	const buf = crypto.getRandomValues(new Uint8Array(bytes));
	return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The id an upstream proxy sent (when it is one we may print), Cloudflare's ray id, or a new one. */
export function requestContextOf(request: Request): EdgeRequestContext {
	const sent = request.headers.get("x-request-id");
	const ray = request.headers.get("cf-ray");
	const requestId = sent && REQUEST_ID.test(sent) ? sent : ray && REQUEST_ID.test(ray) ? ray : randomHex(16);
	const incoming = TRACEPARENT.exec(request.headers.get("traceparent") ?? "");
	const traceId = incoming && incoming[1] !== ZERO_TRACE ? (incoming[1] as string) : randomHex(16);
	const flags = incoming && incoming[1] !== ZERO_TRACE ? (incoming[3] as string) : "01";
	return { requestId, traceparent: `00-${traceId}-${randomHex(8)}-${flags}` };
}

export function withRequestContext<T>(ctx: EdgeRequestContext, fn: () => T): T {
	return storage.run(ctx, fn);
}

/** The headers a call to the core carries for the current request (none outside one). */
export function traceHeaders(): Record<string, string> {
	const ctx = storage.getStore();
	return ctx ? { "x-request-id": ctx.requestId, traceparent: ctx.traceparent } : {};
}

/** The response, answering with the request id (copied when its headers are immutable). */
export function withRequestId(response: Response, requestId: string): Response {
	try {
		response.headers.set("x-request-id", requestId);
		return response;
	} catch {
		const headers = new Headers(response.headers);
		headers.set("x-request-id", requestId);
		return response.status === 101
			? new Response(null, { status: 101, headers, webSocket: response.webSocket })
			: new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	}
}
