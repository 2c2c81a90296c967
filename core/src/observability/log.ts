import { formatWithOptions } from "node:util";
import { trace } from "@opentelemetry/api";
import { currentRequestId } from "./request-context";

// Every log line of the core goes through `console`; this wraps it once, at start, so each line
// names the request it was written for (and its trace, when tracing is on) without any call site
// knowing. `json`: one JSON object per line, for a log shipper (production's default). `text`:
// the line as written, prefixed `[req <id>]` inside a request (what `npm start` shows).

export const LOG_FORMATS = ["json", "text"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

type Level = "debug" | "info" | "warn" | "error";
const METHODS: [keyof Console & ("debug" | "info" | "log" | "warn" | "error"), Level][] = [
	["debug", "debug"],
	["info", "info"],
	["log", "info"],
	["warn", "warn"],
	["error", "error"],
];

let installed: LogFormat | null = null;

/** Wraps console.{debug,info,log,warn,error}; calling it again changes nothing. */
export function installLogging(format: LogFormat): void {
	if (installed) return;
	installed = format;
	for (const [method, level] of METHODS) {
		const original = console[method].bind(console);
		const toStderr = level === "warn" || level === "error";
		console[method] =
			format === "json"
				? (...args: unknown[]) => {
						const line = `${JSON.stringify(logRecord(level, args))}\n`;
						if (toStderr) process.stderr.write(line);
						else process.stdout.write(line);
					}
				: (...args: unknown[]) => {
						const id = currentRequestId();
						if (id === undefined) original(...args);
						else original(`[req ${id}]`, ...args);
					};
	}
}

/** One line as the JSON format writes it. */
export function logRecord(level: Level, args: unknown[]): Record<string, unknown> {
	const record: Record<string, unknown> = {
		time: new Date().toISOString(),
		level,
		msg: formatWithOptions({ colors: false, breakLength: Number.POSITIVE_INFINITY }, ...args),
		pid: process.pid,
	};
	const requestId = currentRequestId();
	if (requestId !== undefined) record.requestId = requestId;
	const span = trace.getActiveSpan()?.spanContext();
	if (span && span.traceId !== "00000000000000000000000000000000") {
		record.traceId = span.traceId;
		record.spanId = span.spanId;
	}
	return record;
}
