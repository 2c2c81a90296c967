import { AsyncLocalStorage } from "node:async_hooks";
import { context as otelContext, type Span, trace } from "@opentelemetry/api";

// The request id every log line carries: set once where work enters the core (an HTTP request,
// a bus delivery) and found again by anything that runs on its behalf, across awaits, with no
// parameter threaded through the modules. The edge sends it as `x-request-id`; events carry it
// in their envelope, so a consumer's lines name the request that caused the event.

export interface RequestContext {
	requestId: string;
	/** The route pattern the app matched, once it did (for the request metrics). */
	route?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Printable, bounded and free of anything a log parser would trip on. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

// A random prefix per process and a counter: unique across processes and restarts, and cheap
// (a random UUID per request costs more than a cached catalog read).
const PREFIX = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, "0")).join("");
let counter = 0;

/** 32 hex digits, like a W3C trace id. */
export function newRequestId(): string {
	counter = (counter + 1) % 0x1000000000000;
	return PREFIX + counter.toString(16).padStart(12, "0");
}

/** The id a caller sent, if it is one we may print; otherwise a fresh one. */
export function requestIdFrom(header: string | null | undefined): string {
	return header && REQUEST_ID.test(header) ? header : newRequestId();
}

export function currentRequestId(): string | undefined {
	return storage.getStore()?.requestId;
}

export function currentRequest(): RequestContext | undefined {
	return storage.getStore();
}

export function withRequestId<T>(requestId: string, fn: () => T): T {
	return storage.run({ requestId }, fn);
}

/** Runs `fn` as a new request; `fn` gets its context, which the app fills in as it goes. */
export function withRequest<T>(requestId: string, fn: (ctx: RequestContext) => T): T {
	const ctx: RequestContext = { requestId };
	return storage.run(ctx, () => fn(ctx));
}

/**
 * Captures where the caller is (its request id and its trace context) so work done later on its
 * behalf — by the group-commit writer, in a batch another request started — runs as the caller's
 * (inside `span` when one is given: the unit's own span).
 */
export function captureContext(span?: Span | null): <T>(fn: () => T) => T {
	const store = storage.getStore();
	const active = otelContext.active();
	const traced = span ? trace.setSpan(active, span) : active;
	return (fn) => otelContext.with(traced, () => (store ? storage.run(store, fn) : storage.exit(fn)));
}
