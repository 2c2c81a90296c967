import { Counter, Gauge, Histogram, Registry } from "prom-client";

// The core's Prometheus series, in one registry. Counters and histograms are updated where the
// thing happens (a request, a commit, a gateway call, a bus delivery); what lives in a database
// (bus lag, dead letters, orders per state) is asked for at scrape time through `onScrape`, by the
// first core process only, so several processes never add the same rows up twice.

export const registry = new Registry();

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// Each process reports 1; merged over a CORE_PROCESSES group, the number that answered the scrape.
new Gauge({
	name: "bazaar_core_processes",
	help: "Core processes whose series this scrape includes",
	registers: [registry],
	aggregator: "sum",
}).set(1);

export const httpDuration = new Histogram({
	name: "bazaar_http_request_duration_seconds",
	help: "Core HTTP requests by method, matched route pattern and status (rate, errors and duration)",
	labelNames: ["method", "route", "status"] as const,
	buckets: SECONDS,
	registers: [registry],
});

export const commitBatchSize = new Histogram({
	name: "bazaar_db_commit_batch_size",
	help: "Units of work per group commit, by database",
	labelNames: ["database"] as const,
	buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
	registers: [registry],
});

export const commitDuration = new Histogram({
	name: "bazaar_db_commit_duration_seconds",
	help: "Time from BEGIN to a durable COMMIT of one group commit, by database",
	labelNames: ["database"] as const,
	buckets: SECONDS,
	registers: [registry],
});

export const commitFailures = new Counter({
	name: "bazaar_db_commit_failures_total",
	help: "Group commits whose transaction failed as a whole (every unit in it got the error)",
	labelNames: ["database"] as const,
	registers: [registry],
});

export const gatewayDuration = new Histogram({
	name: "bazaar_gateway_request_duration_seconds",
	help: "Payment gateway calls by gateway, operation and outcome (ok or error)",
	labelNames: ["gateway", "operation", "outcome"] as const,
	buckets: SECONDS,
	registers: [registry],
});

export const gatewayErrors = new Counter({
	name: "bazaar_gateway_errors_total",
	help: "Payment gateway calls that failed, by gateway and operation",
	labelNames: ["gateway", "operation"] as const,
	registers: [registry],
});

export const busHandled = new Counter({
	name: "bazaar_bus_deliveries_total",
	help: "Bus deliveries handled by this process, by consumer group and outcome (ok, retry, error)",
	labelNames: ["group", "outcome"] as const,
	registers: [registry],
});

export const busHandlerDuration = new Histogram({
	name: "bazaar_bus_handler_duration_seconds",
	help: "Time a consumer group's handler took for one event",
	labelNames: ["group"] as const,
	buckets: SECONDS,
	registers: [registry],
});

/** Caches report their running totals; the counter follows them at each scrape. */
interface CacheSource {
	name: string;
	stats: { memory: number; redis: number; origin: number };
}
const caches: CacheSource[] = [];
const reported = new Map<string, number>();

new Counter({
	name: "bazaar_cache_lookups_total",
	help: "Read-cache lookups by cache and where the answer came from (memory, redis: hits; origin: a miss)",
	labelNames: ["cache", "source"] as const,
	registers: [registry],
	collect() {
		for (const cache of caches) {
			for (const source of ["memory", "redis", "origin"] as const) {
				const key = `${cache.name}\n${source}`;
				const now = cache.stats[source];
				const delta = now - (reported.get(key) ?? 0);
				if (delta > 0) this.inc({ cache: cache.name, source }, delta);
				reported.set(key, now);
			}
		}
	},
});

/** Counts a cache's lookups from its own totals (so its hot path does nothing extra). */
export function watchCache(name: string, cache: { stats: CacheSource["stats"] }): void {
	caches.push({ name, stats: cache.stats });
}

/** Gauges filled at scrape time from what the databases hold (first core process only). */
export interface ScrapeSources {
	busGroups(): Promise<{ group: string; lag: number | null; pending: number; deadLetters: number }[]>;
	outboxUnsent(): Promise<{ database: string; unsent: number }[]>;
	ordersByStatus(): Promise<Record<string, number>>;
	reservationsByStatus(): Promise<Record<string, number>>;
}

let sources: ScrapeSources | null = null;

/** Called once by the process that serves /metrics for the whole core. */
export function onScrape(s: ScrapeSources): void {
	sources = s;
}

const busLag = new Gauge({
	name: "bazaar_bus_lag_events",
	help: "Events published and not yet delivered to the consumer group",
	labelNames: ["group"] as const,
	registers: [registry],
	aggregator: "max",
});
const busPending = new Gauge({
	name: "bazaar_bus_pending_events",
	help: "Events delivered to the consumer group and not yet acknowledged (in a handler or waiting to retry)",
	labelNames: ["group"] as const,
	registers: [registry],
	aggregator: "max",
});
const busDead = new Gauge({
	name: "bazaar_bus_dead_letters",
	help: "Dead letters of the consumer group (events it gave up on), up to 1000",
	labelNames: ["group"] as const,
	registers: [registry],
	aggregator: "max",
});
const outboxUnsent = new Gauge({
	name: "bazaar_bus_outbox_unsent_events",
	help: "Events committed in a module's outbox and not yet handed to the bus",
	labelNames: ["database"] as const,
	registers: [registry],
	aggregator: "max",
});
const orders = new Gauge({
	name: "bazaar_orders",
	help: "Orders by status",
	labelNames: ["status"] as const,
	registers: [registry],
	aggregator: "max",
});
const reservations = new Gauge({
	name: "bazaar_reservations",
	help: "Inventory reservations by status",
	labelNames: ["status"] as const,
	registers: [registry],
	aggregator: "max",
});

/** Reads the database-backed gauges; a source that fails leaves its series out of this scrape. */
export async function refreshScrapeGauges(): Promise<void> {
	if (!sources) return;
	const s = sources;
	await Promise.all([
		s.busGroups().then(
			(groups) => {
				busLag.reset();
				busPending.reset();
				busDead.reset();
				for (const g of groups) {
					if (g.lag !== null) busLag.set({ group: g.group }, g.lag);
					busPending.set({ group: g.group }, g.pending);
					busDead.set({ group: g.group }, g.deadLetters);
				}
			},
			(err) => console.warn("metrics: the bus did not answer:", err instanceof Error ? err.message : err),
		),
		s.outboxUnsent().then(
			(rows) => {
				outboxUnsent.reset();
				for (const r of rows) outboxUnsent.set({ database: r.database }, r.unsent);
			},
			(err) => console.warn("metrics: an outbox did not answer:", err instanceof Error ? err.message : err),
		),
		s.ordersByStatus().then(
			(byStatus) => {
				orders.reset();
				for (const [status, n] of Object.entries(byStatus)) orders.set({ status }, n);
			},
			(err) => console.warn("metrics: the order module did not answer:", err instanceof Error ? err.message : err),
		),
		s.reservationsByStatus().then(
			(byStatus) => {
				reservations.reset();
				for (const [status, n] of Object.entries(byStatus)) reservations.set({ status }, n);
			},
			(err) => console.warn("metrics: the inventory did not answer:", err instanceof Error ? err.message : err),
		),
	]);
}
