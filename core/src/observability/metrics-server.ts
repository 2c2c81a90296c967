import type { Subprocess } from "bun";
import { AggregatorRegistry } from "prom-client";
import { refreshScrapeGauges, registry } from "./metrics";

// /metrics, on a port of its own (METRICS_HOST:METRICS_PORT), never on the shop's port: it is
// not signed and tells a lot about the business. With CORE_PROCESSES=N the first process answers
// for all N: it asks the others over Bun's IPC channel for their series and merges them as
// prom-client's AggregatorRegistry does for a Node cluster (counters and histograms summed; the
// database-backed gauges come from the first process alone).

const ASK = "bazaar.metrics.ask";
const ANSWER = "bazaar.metrics.answer";
/** A process that does not answer in time is left out of that scrape rather than stall it. */
const WORKER_TIMEOUT_MS = 5_000;

type Answer = { type: typeof ANSWER; id: number; metrics: object[] };

const isAnswer = (m: unknown): m is Answer =>
	typeof m === "object" && m !== null && (m as { type?: unknown }).type === ANSWER;

/** The first process's side: the other processes it spawned, and their answers. */
export class MetricsHub {
	private readonly workers = new Set<Subprocess>();
	private readonly waiting = new Map<number, (metrics: object[]) => void>();
	private nextId = 1;

	/** Pass as Bun.spawn's `ipc` option. */
	readonly receive = (message: unknown): void => {
		if (!isAnswer(message)) return;
		this.waiting.get(message.id)?.(message.metrics);
	};

	add<P extends Subprocess>(proc: P): P {
		this.workers.add(proc);
		void proc.exited.then(() => this.workers.delete(proc));
		return proc;
	}

	/** The Prometheus text for the whole core. */
	async scrape(): Promise<{ body: string; contentType: string }> {
		await refreshScrapeGauges();
		if (this.workers.size === 0) return { body: await registry.metrics(), contentType: registry.contentType };
		const own = await registry.getMetricsAsJSON();
		const others = await Promise.all([...this.workers].map((w) => this.ask(w)));
		const merged = AggregatorRegistry.aggregate([own, ...others.filter((m): m is object[] => m !== null)]);
		return { body: await merged.metrics(), contentType: registry.contentType };
	}

	private ask(worker: Subprocess): Promise<object[] | null> {
		const id = this.nextId++;
		return new Promise((resolve) => {
			const timer = setTimeout(() => done(null), WORKER_TIMEOUT_MS);
			const done = (metrics: object[] | null) => {
				clearTimeout(timer);
				this.waiting.delete(id);
				resolve(metrics);
			};
			this.waiting.set(id, done);
			try {
				worker.send({ type: ASK, id });
			} catch {
				done(null);
			}
		});
	}
}

/** The other processes' side: answer the first process's scrapes with this process's series. */
export function answerMetricsRequests(): void {
	process.on("message", (message: unknown) => {
		if (typeof message !== "object" || message === null || (message as { type?: unknown }).type !== ASK) return;
		const { id } = message as { id: number };
		void registry.getMetricsAsJSON().then((metrics) => process.send?.({ type: ANSWER, id, metrics }));
	});
}

/** Serves GET /metrics (anything else is a 404). */
export function serveMetrics(target: { host: string; port: number }, hub: MetricsHub) {
	return Bun.serve({
		hostname: target.host,
		port: target.port,
		async fetch(req) {
			const path = new URL(req.url).pathname;
			if (req.method !== "GET" || path !== "/metrics") return new Response("Not found\n", { status: 404 });
			try {
				const { body, contentType } = await hub.scrape();
				return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
			} catch (err) {
				console.error("metrics: scrape failed:", err instanceof Error ? err.message : err);
				return new Response("scrape failed\n", { status: 500 });
			}
		},
	});
}
