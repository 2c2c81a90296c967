import {
	context,
	propagation,
	ROOT_CONTEXT,
	type Span,
	SpanKind,
	SpanStatusCode,
	type TextMapGetter,
	trace,
} from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { logRequest } from "./access-log";
import { httpDuration } from "./metrics";
import { currentRequest, requestIdFrom, withRequest } from "./request-context";
import { tracer, tracingEnabled } from "./tracing";

// Every request to the core, the hot catalog read included, goes through `observeFetch` and is
// counted per route pattern. Each one that reaches the app gets its request id (the edge's
// `x-request-id`, or a new one), answers with it, and runs in a server span; an untraced hot read
// skips all that (it logs and emits nothing, and must stay a few microseconds). The route is what Hono matched (`/orders/:id`), never the raw path, so the
// series stay few; `noteRoute` is the app's first middleware and tells the wrapper afterwards.

type Fetch = (req: Request) => Response | Promise<Response>;

/** Hot catalog reads are answered before the router: they are counted under this route. */
export const HOT_READ_ROUTE = "(catalog hot read)";
const UNMATCHED = "(unmatched)";

export function observeFetch(hot: (req: Request) => Response | undefined, app: Fetch): Fetch {
	return (req) => {
		const started = performance.now();
		if (!tracingEnabled()) {
			// Untraced, a cached read needs no context at all: it logs nothing and emits nothing.
			const fast = hot(req);
			if (fast) {
				timer(req.method, HOT_READ_ROUTE, fast.status).observe((performance.now() - started) / 1000);
				return fast;
			}
		}
		const requestId = requestIdFrom(req.headers.get("x-request-id"));
		// A server span continuing the caller's trace (the edge's traceparent), or a new trace.
		const parent = propagation.extract(ROOT_CONTEXT, req.headers, HEADERS);
		const span = tracer().startSpan(
			req.method,
			{ kind: SpanKind.SERVER, attributes: { "http.request.method": req.method, "bazaar.request_id": requestId } },
			parent,
		);
		return context.with(trace.setSpan(parent, span), () =>
			withRequest(requestId, (ctx) => {
				const fast = tracingEnabled() ? hot(req) : undefined;
				if (fast) return finish(req, fast, HOT_READ_ROUTE, started, requestId, span, false);
				const res = app(req);
				if (res instanceof Response) return finish(req, res, ctx.route ?? UNMATCHED, started, requestId, span);
				return res.then(
					(r) => finish(req, r, ctx.route ?? UNMATCHED, started, requestId, span),
					(err) => {
						const ms = performance.now() - started;
						const route = ctx.route ?? UNMATCHED;
						timer(req.method, route, 500).observe(ms / 1000);
						logRequest(req.method, route, pathOf(req.url), 500, ms);
						span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : "error" });
						span.end();
						throw err;
					},
				);
			}),
		);
	};
}

// The histogram's children, labelled once each: labelling per observation costs microseconds.
const timers = new Map<string, ReturnType<typeof httpDuration.labels>>();
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
function timer(requestMethod: string, route: string, status: number) {
	// A client may send any token as its method: the series stay bounded.
	const method = METHODS.has(requestMethod) ? requestMethod : "OTHER";
	const key = `${method} ${status} ${route}`;
	let t = timers.get(key);
	if (!t) {
		t = httpDuration.labels(method, route, String(status));
		timers.set(key, t);
	}
	return t;
}

const HEADERS: TextMapGetter<Headers> = {
	get: (headers, key) => headers.get(key) ?? undefined,
	keys: (headers) => [...headers.keys()],
};

function finish(
	req: Request,
	res: Response,
	route: string,
	started: number,
	requestId: string,
	span: Span,
	log = true,
): Response {
	const ms = performance.now() - started;
	timer(req.method, route, res.status).observe(ms / 1000);
	if (log) logRequest(req.method, route, pathOf(req.url), res.status, ms);
	if (span.isRecording()) {
		span.updateName(`${req.method} ${route}`);
		span.setAttributes({ "http.route": route, "http.response.status_code": res.status, "url.path": pathOf(req.url) });
		if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
	}
	span.end();
	try {
		res.headers.set("x-request-id", requestId);
	} catch {
		// A response with immutable headers (a fetch() passed through) keeps its own.
	}
	return res;
}

/** The app's first middleware: after the handler ran, the matched route pattern is known. */
export function noteRoute(): MiddlewareHandler {
	return async (c, next) => {
		try {
			await next();
		} finally {
			const ctx = currentRequest();
			if (ctx) ctx.route = routeOf(c);
		}
	};
}

function routeOf(c: Context): string {
	const routes = matchedRoutes(c);
	for (let i = routes.length - 1; i >= 0; i--) {
		const r = routes[i];
		if (r && r.method !== "ALL") return r.path;
	}
	return UNMATCHED;
}

/** The path without its query (a query can carry a token: a reset link, a search). */
function pathOf(url: string): string {
	const start = url.indexOf("/", url.indexOf("//") + 2);
	const end = url.indexOf("?", start);
	return start === -1 ? "/" : url.slice(start, end === -1 ? undefined : end);
}
