import { type Tracer, trace } from "@opentelemetry/api";

// Placeholder until the tracing commit: the API's no-op tracer.
export function tracer(): Tracer {
	return trace.getTracer("bazaar-core");
}
