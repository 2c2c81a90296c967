import { z } from "zod";

// The standard OpenTelemetry variables the core reads (the SDK reads them itself; they are
// checked here so a typo stops the start with the variable's name, like every other setting).
// Tracing is off unless an exporter is asked for: OTEL_TRACES_EXPORTER=otlp|console, or an
// OTLP endpoint is set (then otlp).

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());

export const TRACES_SAMPLERS = [
	"always_on",
	"always_off",
	"traceidratio",
	"parentbased_always_on",
	"parentbased_always_off",
	"parentbased_traceidratio",
] as const;

export const OtelEnv = z.object({
	OTEL_TRACES_EXPORTER: optional(z.enum(["otlp", "console", "none"])),
	OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.url({ protocol: /^https?$/ })),
	OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(z.url({ protocol: /^https?$/ })),
	OTEL_TRACES_SAMPLER: optional(z.enum(TRACES_SAMPLERS)),
	OTEL_TRACES_SAMPLER_ARG: optional(z.coerce.number().min(0).max(1)),
	OTEL_SERVICE_NAME: optional(z.string().min(1).max(200)),
});
export type OtelEnv = z.infer<typeof OtelEnv>;

export type TracesExporter = "otlp" | "console" | null;

/** Which exporter the variables ask for; null: tracing off. */
export function tracesExporter(env: OtelEnv): TracesExporter {
	if (env.OTEL_TRACES_EXPORTER === "none") return null;
	if (env.OTEL_TRACES_EXPORTER) return env.OTEL_TRACES_EXPORTER;
	return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? "otlp" : null;
}
