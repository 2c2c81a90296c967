import { context, propagation, type Tracer, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base";
import type { TracesExporter } from "./otel-env";

// OpenTelemetry for the core. The W3C `traceparent` is always understood and passed on (HTTP in,
// the bus envelope, the calls consumers make), so a trace the edge starts continues through the
// core even where the core records nothing. Spans are recorded and exported only when the
// standard OTEL_* variables ask for an exporter (otel-env.ts); the SDK reads the rest of them
// itself (OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER[_ARG], OTEL_BSP_*).

let provider: BasicTracerProvider | null = null;

export function startTracing(exporter: TracesExporter, serviceName = "bazaar-core"): void {
	context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
	propagation.setGlobalPropagator(new W3CTraceContextPropagator());
	if (exporter === null || provider) return;
	provider = new BasicTracerProvider({
		resource: resourceFromAttributes({ "service.name": serviceName, "process.pid": process.pid }),
		spanProcessors: [new BatchSpanProcessor(exporter === "otlp" ? new OTLPTraceExporter() : new ConsoleSpanExporter())],
	});
	trace.setGlobalTracerProvider(provider);
}

/** Sends what is still buffered (a stopping core); nothing when tracing is off. */
export async function stopTracing(): Promise<void> {
	await provider?.shutdown().catch((err) => console.warn("tracing: flush on stop failed:", err));
}

/** Whether spans are recorded (an exporter is configured). */
export function tracingEnabled(): boolean {
	return provider !== null;
}

export function tracer(): Tracer {
	return trace.getTracer("bazaar-core");
}
