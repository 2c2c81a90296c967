import { context, propagation } from "@opentelemetry/api";
import { currentRequestId } from "./request-context";

// What leaves the core on behalf of a request carries its request id and trace context: an
// event's envelope (set by emit), and the HTTP calls consumers make (the sandbox's webhooks, the
// push to the edge), so whoever receives it continues the same request and the same trace.

/** `x-request-id` and `traceparent` for an outgoing call made on the current request's behalf. */
export function outgoingHeaders(): Record<string, string> {
	const headers: Record<string, string> = {};
	propagation.inject(context.active(), headers);
	const requestId = currentRequestId();
	if (requestId !== undefined) headers["x-request-id"] = requestId;
	return headers;
}

/** The envelope fields an event emitted now carries (none outside a request or a trace). */
export function eventOrigin(): { requestId?: string; traceparent?: string } {
	const carrier: Record<string, string> = {};
	propagation.inject(context.active(), carrier);
	const requestId = currentRequestId();
	return {
		...(requestId !== undefined ? { requestId } : {}),
		...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
	};
}
