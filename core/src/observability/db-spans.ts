import { type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { tracer } from "./tracing";

// A unit of work handed to a database's group-commit writer, as a child span of whoever asked
// (a request, a consumer): from the enqueue to the durable commit, with the size of the batch it
// shared. Only when the caller's span is recorded: an untraced write costs nothing here.

export function startWriteSpan(database: string): Span | null {
	if (!trace.getActiveSpan()?.isRecording()) return null;
	return tracer().startSpan(`db write ${database}`, {
		kind: SpanKind.CLIENT,
		attributes: { "db.system.name": "sqlite", "db.namespace": database, "db.operation.name": "group commit" },
	});
}

export function endWriteSpan(span: Span | null, batchSize: number, error?: unknown): void {
	if (!span) return;
	span.setAttribute("bazaar.db.batch_size", batchSize);
	if (error !== undefined) {
		span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
	}
	span.end();
}
