import type { EventEnvelope } from "@bazaar/contracts/bus";
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { type EventHandler, RetryLater } from "../bus/transport";
import { logDelivery } from "./access-log";
import { busHandled, busHandlerDuration } from "./metrics";
import { withRequestId } from "./request-context";
import { tracer } from "./tracing";

// Every bus delivery, on either backend, runs through this wrapper (the transports apply it in
// subscribe): as the request that emitted the event (its log lines carry that request id), in a
// consumer span that continues the producer's trace and links to its span, counted and timed per
// consumer group.

const groups = new Set<string>();

/** The consumer groups this process subscribed (what /metrics and /readyz ask the bus about). */
export function subscribedGroups(): string[] {
	return [...groups].sort();
}

/** The handler as the transport calls it. */
export function observeHandler(group: string, handler: EventHandler): EventHandler {
	groups.add(group);
	return (event, delivery) =>
		withRequestId(event.requestId ?? event.id, () => {
			const parent = producerContext(event);
			const producer = trace.getSpanContext(parent);
			return tracer().startActiveSpan(
				`${group} process ${event.type}`,
				{
					kind: SpanKind.CONSUMER,
					links: producer ? [{ context: producer }] : [],
					attributes: {
						"messaging.system": "bazaar-bus",
						"messaging.operation.type": "process",
						"messaging.consumer.group.name": group,
						"messaging.message.id": event.id,
						"bazaar.event.type": event.type,
						"bazaar.event.key": event.key,
						"bazaar.delivery": delivery.deliveries,
					},
				},
				parent,
				async (span) => {
					const started = performance.now();
					let outcome = "ok";
					try {
						await handler(event, delivery);
					} catch (err) {
						outcome = err instanceof RetryLater ? "retry" : "error";
						span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
						throw err;
					} finally {
						span.end();
						const ms = performance.now() - started;
						busHandled.inc({ group, outcome });
						busHandlerDuration.observe({ group }, ms / 1000);
						logDelivery(group, event.type, event.id, outcome, ms);
					}
				},
			);
		});
}

function producerContext(event: EventEnvelope) {
	return event.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent }) : ROOT_CONTEXT;
}
