import { afterEach, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { SECRET } from "../testing/harness";
import { type CoreProcess, freePort, prepareCoreData, startCore } from "../workflows/testing/core-process";
import {
	approvePayment,
	type CoreClient,
	checkout,
	fillCart,
	orderWhen,
	pollFor,
	remoteCore,
	signUp,
} from "../workflows/testing/journey";

// The real core process (`bun core/src/main.ts`) seen from outside, as an operator sees it: its
// log lines, its /metrics, its /readyz and the traces it exports.

const running: CoreProcess[] = [];
afterEach(async () => {
	for (const p of running.splice(0)) await p.kill();
});

/** A client that adds `headers` to every call (what the edge sends beside the signature). */
function withHeaders(core: CoreClient, headers: () => Record<string, string>): CoreClient {
	return {
		call: (method, path, init = {}) => core.call(method, path, { ...init, headers: { ...headers(), ...init.headers } }),
		http: core.http,
	};
}

/** The process's JSON log lines (anything else it printed is left out). */
function jsonLines(p: CoreProcess): Record<string, unknown>[] {
	return p.lines.flatMap((line) => {
		if (!line.startsWith("{")) return [];
		try {
			return [JSON.parse(line) as Record<string, unknown>];
		} catch {
			return [];
		}
	});
}

describe("request ids and logs", () => {
	test("JSON logs: the request id sent by the edge is on the request's line, its events' consumers' lines and the webhook it causes", async () => {
		const data = await prepareCoreData();
		const port = freePort();
		const core = startCore(data.dir, port, { LOG_FORMAT: "json", LOG_REQUESTS: "on" });
		running.push(core);
		await core.ready();
		let requestId = "setup";
		const client = withHeaders(remoteCore(core.base, SECRET), () => ({ "x-request-id": requestId }));
		const shopper: Caller = await signUp(client, "Logs");
		await fillCart(client, shopper, data.variants);
		requestId = "req-checkout-0001";
		const placed = await checkout(client, shopper, `logs-${shopper.user}`);
		requestId = "req-approve-0001";
		await approvePayment(client, shopper, placed.redirectUrl);
		await orderWhen(client, shopper, placed.orderId, (o) => o.status === "paid");
		// order.paid's consumers (the inventory commits, fulfillment creates the shipment).
		await pollFor(async () => {
			const lines = jsonLines(core).filter((l) => l.requestId === "req-approve-0001");
			const groups = new Set(lines.map((l) => /^bus ([\w.-]+):/.exec(String(l.msg))?.[1]).filter(Boolean));
			return groups.size >= 3 ? groups : undefined;
		}, 15_000);

		const lines = jsonLines(core);
		// Every line is one JSON object with its level and time; no other output on a JSON core.
		expect(core.lines.filter((l) => l.trim() !== "" && !l.startsWith("{"))).toEqual([]);
		for (const l of lines) {
			expect(typeof l.time).toBe("string");
			expect(["debug", "info", "warn", "error"]).toContain(l.level as string);
		}
		const checkoutLines = lines.filter((l) => l.requestId === "req-checkout-0001").map((l) => String(l.msg));
		expect(checkoutLines.some((m) => m.startsWith("POST /checkout (/checkout) → 201"))).toBe(true);

		const approve = lines.filter((l) => l.requestId === "req-approve-0001").map((l) => String(l.msg));
		// The shopper's decision, the sandbox's webhook it queued (its consumer, then the webhook
		// request itself, which carries the id), payment.succeeded and order.paid's consumers.
		expect(approve.some((m) => /^POST \/payment\/sandbox\/pay\/[^ ]+\/approve .* → 200/.test(m))).toBe(true);
		expect(approve.some((m) => m.startsWith("bus sandbox-webhooks: sandbox.webhook"))).toBe(true);
		expect(approve.some((m) => /^POST \/payment\/webhooks\/sandbox .* → 2\d\d/.test(m))).toBe(true);
		expect(approve.some((m) => / payment\.succeeded .* ok /.test(m))).toBe(true);
		expect(approve.some((m) => / order\.paid .* ok /.test(m))).toBe(true);
		// A request that sent no id gets one, and hears it back.
		const res = await fetch(`${core.base}/healthz`);
		expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
		// One that sent a usable id hears its own; anything else is replaced, never printed.
		const mine = await fetch(`${core.base}/healthz`, { headers: { "x-request-id": "edge-abc.123" } });
		expect(mine.headers.get("x-request-id")).toBe("edge-abc.123");
		const bad = await fetch(`${core.base}/healthz`, { headers: { "x-request-id": 'has spaces {and} "quotes"' } });
		expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
	});

	test("text logs (npm start): lines written inside a request start with [req <id>]", async () => {
		const data = await prepareCoreData();
		const port = freePort();
		const core = startCore(data.dir, port, { LOG_FORMAT: "text", LOG_REQUESTS: "on" });
		running.push(core);
		await core.ready();
		await fetch(`${core.base}/no/such/route`, { headers: { "x-request-id": "req-text-1" } });
		await pollFor(async () =>
			core.lines.some((l) => l.startsWith("[req req-text-1] GET /no/such/route")) ? true : undefined,
		);
		expect(core.lines.find((l) => l.startsWith("[req req-text-1]"))).toContain("((unmatched)) → 401");
	});
});

/** The value of one sample in Prometheus text (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
	for (const line of text.split("\n")) {
		if (line.startsWith("#")) continue;
		const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
		if (!m || m[1] !== name) continue;
		const got = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
		if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
	}
	return undefined;
}

describe("/metrics", () => {
	test("two core processes on one port: the first serves every series, merged from both, on METRICS_HOST:METRICS_PORT only", async () => {
		const data = await prepareCoreData();
		const port = freePort();
		const metricsPort = freePort();
		const core = startCore(data.dir, port, { CORE_PROCESSES: "2", METRICS_PORT: String(metricsPort) });
		running.push(core);
		await core.ready();
		await pollFor(async () =>
			core.lines.some((l) => l.includes(`core metrics on http://127.0.0.1:${metricsPort}/metrics`)) ? true : undefined,
		);
		const client = remoteCore(core.base, SECRET);
		const shopper = await signUp(client, "Metrics");
		await fillCart(client, shopper, data.variants);
		const placed = await checkout(client, shopper, `metrics-${shopper.user}`);
		await approvePayment(client, shopper, placed.redirectUrl);
		const orderReads = 5;
		for (let i = 0; i < orderReads; i++) {
			const res = await client.call("GET", `/orders/${placed.orderId}`, { caller: shopper });
			expect(res.status).toBe(200);
			await res.arrayBuffer();
		}
		const missing = await client.call("GET", "/orders/ord_01NOSUCHORDER0000000000000", { caller: shopper });
		expect(missing.status).toBe(404);
		await missing.arrayBuffer();
		for (let i = 0; i < 3; i++) await (await client.call("GET", "/catalog/categories")).arrayBuffer();

		const scrape = async () => {
			const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toContain("text/plain");
			return res.text();
		};
		// order.paid's consumers are done once the reservation is committed.
		const text = await pollFor(async () => {
			const t = await scrape();
			return sample(t, "bazaar_reservations", { status: "committed" }) === 1 &&
				sample(t, "bazaar_orders", { status: "paid" }) === 1
				? t
				: undefined;
		}, 15_000);

		expect(sample(text, "bazaar_core_processes")).toBe(2);
		// RED per route pattern, summed over both processes: every request counted exactly once.
		const count = (route: string, status: string, method = "GET") =>
			sample(text, "bazaar_http_request_duration_seconds_count", { method, route, status });
		expect(count("/orders/:id", "200")).toBe(orderReads);
		expect(count("/orders/:id", "404")).toBe(1);
		expect(count("/checkout", "201", "POST")).toBe(1);
		expect(count("/cart/lines", "200", "POST")).toBe(data.variants.length);
		expect(text).not.toContain(`route="/orders/${placed.orderId}"`);
		// Group commits per database: batch sizes and commit latency.
		expect(sample(text, "bazaar_db_commit_batch_size_count", { database: "order" })).toBeGreaterThan(0);
		expect(sample(text, "bazaar_db_commit_duration_seconds_bucket", { database: "order", le: "+Inf" })).toBeGreaterThan(
			0,
		);
		// The bus per consumer group: lag, in flight, dead letters, deliveries handled.
		for (const group of ["inventory", "fulfillment"]) {
			expect(text).toMatch(new RegExp(`bazaar_bus_pending_events\\{group="[^"]*${group}[^"]*"\\} 0`));
			expect(text).toMatch(new RegExp(`bazaar_bus_dead_letters\\{group="[^"]*${group}[^"]*"\\} 0`));
		}
		expect(text).toContain("bazaar_bus_lag_events{");
		expect(sample(text, "bazaar_bus_deliveries_total", { group: "sandbox-webhooks", outcome: "ok" })).toBe(1);
		expect(text).toContain('bazaar_bus_outbox_unsent_events{database="order"}');
		// The sandbox gateway's calls, timed; the catalog cache's lookups by where they were answered.
		expect(
			sample(text, "bazaar_gateway_request_duration_seconds_count", {
				gateway: "sandbox",
				operation: "createPayment",
				outcome: "ok",
			}),
		).toBe(1);
		const lookups = ["memory", "redis", "origin"].reduce(
			(n, source) => n + (sample(text, "bazaar_cache_lookups_total", { cache: "catalog", source }) ?? 0),
			0,
		);
		expect(lookups).toBeGreaterThanOrEqual(3);
		// Orders and reservations per state, every state listed.
		expect(sample(text, "bazaar_orders", { status: "pending_payment" })).toBe(0);
		expect(sample(text, "bazaar_reservations", { status: "active" })).toBe(0);

		// Not on the shop's port, and nothing else on the metrics port.
		expect((await fetch(`${core.base}/metrics`)).status).toBe(401);
		expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
	});
});

interface ReadyAnswer {
	ready: boolean;
	checks: { name: string; ok: boolean; detail?: string }[];
}

async function readyz(base: string): Promise<{ status: number; body: ReadyAnswer }> {
	const res = await fetch(`${base}/readyz`);
	return { status: res.status, body: (await res.json()) as ReadyAnswer };
}

const ADMIN: Caller = { user: "usr_01OBSADMIN00000000000000000", roles: ["admin"] };
const REDIS_SERVER = Bun.which("redis-server");

async function portOpen(port: number): Promise<boolean> {
	try {
		const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
		socket.end();
		return true;
	} catch {
		return false;
	}
}

describe("/healthz and /readyz", () => {
	test("a bus backlog above READY_MAX_BUS_BACKLOG makes the core unready (503) until it drains; /healthz stays 200", async () => {
		// The edge the core pushes catalog changes to: up, then down for a while, then up again.
		let edgeUp = true;
		const edge = Bun.serve({
			port: 0,
			hostname: "127.0.0.1",
			async fetch(req) {
				const body = (await req.json()) as { events: { version: number }[] };
				if (!edgeUp) return new Response("down for maintenance", { status: 503 });
				return Response.json({ version: Math.max(0, ...body.events.map((e) => e.version)) });
			},
		});
		try {
			const data = await prepareCoreData();
			const port = freePort();
			const core = startCore(data.dir, port, {
				READY_MAX_BUS_BACKLOG: "0",
				EDGE_PUSH: "on",
				EDGE_URL: `http://127.0.0.1:${edge.port}`,
				BUS_IDLE_TIMEOUT_MS: "1000",
			});
			running.push(core);
			await core.ready();
			// The seeded catalog's events go out first; then nothing waits.
			const before = await pollFor(async () => {
				const r = await readyz(core.base);
				return r.status === 200 ? r : undefined;
			}, 30_000);
			expect(before.body.ready).toBe(true);
			expect(before.body.checks.map((c) => c.name)).toEqual(
				expect.arrayContaining(["database catalog", "database order", "database inventory", "bus backlog"]),
			);

			edgeUp = false;
			const client = remoteCore(core.base, SECRET);
			const res = await client.call("POST", "/catalog/admin/categories", {
				caller: ADMIN,
				body: { name: "Readiness probe" },
			});
			expect(res.status).toBe(201);
			const after = await pollFor(async () => {
				const r = await readyz(core.base);
				return r.status === 503 ? r : undefined;
			}, 15_000);
			expect(after.body.ready).toBe(false);
			const bus = after.body.checks.find((c) => c.name === "bus backlog");
			expect(bus?.ok).toBe(false);
			expect(bus?.detail).toContain("above READY_MAX_BUS_BACKLOG=0");
			expect(after.body.checks.filter((c) => c.name !== "bus backlog").every((c) => c.ok)).toBe(true);
			expect((await fetch(`${core.base}/healthz`)).status).toBe(200);

			edgeUp = true;
			await pollFor(async () => ((await readyz(core.base)).status === 200 ? true : undefined), 30_000);
		} finally {
			edge.stop(true);
		}
	});

	test.skipIf(!REDIS_SERVER)(
		"Redis gone: /readyz answers 503 naming redis, and 200 again once it is back",
		async () => {
			const redisPort = freePort();
			const startRedis = () =>
				Bun.spawn([REDIS_SERVER as string, "--port", String(redisPort), "--save", "", "--appendonly", "no"], {
					stdout: "ignore",
					stderr: "ignore",
				});
			let redis = startRedis();
			try {
				const redisUrl = `redis://127.0.0.1:${redisPort}`;
				await pollFor(async () => ((await portOpen(redisPort)) ? true : undefined), 10_000, "redis-server");
				const data = await prepareCoreData();
				const port = freePort();
				const core = startCore(data.dir, port, { REDIS_URL: redisUrl, BUS_REDIS_PREFIX: "bazaar:readyz" });
				running.push(core);
				await core.ready();
				await pollFor(async () => ((await readyz(core.base)).status === 200 ? true : undefined), 15_000);

				redis.kill("SIGKILL");
				await redis.exited;
				const down = await pollFor(async () => {
					const r = await readyz(core.base);
					return r.status === 503 ? r : undefined;
				}, 15_000);
				expect(down.body.checks.find((c) => c.name === "redis")?.ok).toBe(false);
				expect(JSON.stringify(down.body)).not.toContain(redisUrl);
				expect((await fetch(`${core.base}/healthz`)).status).toBe(200);

				redis = startRedis();
				await pollFor(async () => ((await readyz(core.base)).status === 200 ? true : undefined), 20_000);
			} finally {
				redis.kill("SIGKILL");
				await redis.exited;
			}
		},
	);
});

interface CollectedSpan {
	traceId: string;
	spanId: string;
	parentSpanId: string;
	name: string;
	kind: number;
	links: { traceId: string; spanId: string }[];
	attributes: Record<string, unknown>;
}

/** OTLP/JSON ids are hex (the JS exporter) or base64 (the protobuf JSON mapping): hex either way. */
const hexId = (id: unknown) => {
	const s = String(id ?? "");
	return /^[0-9a-f]*$/.test(s) ? s : Buffer.from(s, "base64").toString("hex");
};

/** A tiny OTLP/HTTP collector: what the core exports to OTEL_EXPORTER_OTLP_ENDPOINT. */
function otlpCollector() {
	const spans: CollectedSpan[] = [];
	const server = Bun.serve({
		port: 0,
		hostname: "127.0.0.1",
		async fetch(req) {
			if (req.method !== "POST" || new URL(req.url).pathname !== "/v1/traces")
				return new Response(null, { status: 404 });
			// biome-ignore lint/suspicious/noExplicitAny: OTLP/JSON as sent
			const body = (await req.json()) as any;
			for (const rs of body.resourceSpans ?? []) {
				for (const ss of rs.scopeSpans ?? []) {
					for (const s of ss.spans ?? []) {
						spans.push({
							traceId: hexId(s.traceId),
							spanId: hexId(s.spanId),
							parentSpanId: hexId(s.parentSpanId),
							name: String(s.name),
							kind: Number(s.kind),
							// biome-ignore lint/suspicious/noExplicitAny: OTLP/JSON as sent
							links: (s.links ?? []).map((l: any) => ({ traceId: hexId(l.traceId), spanId: hexId(l.spanId) })),
							attributes: Object.fromEntries(
								// biome-ignore lint/suspicious/noExplicitAny: OTLP/JSON as sent
								(s.attributes ?? []).map((a: any) => [a.key, Object.values(a.value ?? {})[0]]),
							),
						});
					}
				}
			}
			return Response.json({});
		},
	});
	return { spans, url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

describe("OpenTelemetry traces", () => {
	test("a checkout's payment is one trace: the request, the bus events it causes, their consumers and the webhook between them", async () => {
		const collector = otlpCollector();
		try {
			const data = await prepareCoreData();
			const port = freePort();
			const core = startCore(data.dir, port, {
				OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
				OTEL_BSP_SCHEDULE_DELAY: "100",
				OTEL_SERVICE_NAME: "bazaar-core-test",
			});
			running.push(core);
			await core.ready();
			let traceparent: string | null = null;
			const client = withHeaders(
				remoteCore(core.base, SECRET),
				(): Record<string, string> => (traceparent ? { traceparent } : {}),
			);
			const shopper = await signUp(client, "Traces");
			await fillCart(client, shopper, data.variants);

			// The edge's span for each of the shopper's requests (what the Worker sends).
			const checkoutTrace = crypto.randomUUID().replaceAll("-", "");
			const payTrace = crypto.randomUUID().replaceAll("-", "");
			const edgeSpan = "00f067aa0ba902b7";
			traceparent = `00-${checkoutTrace}-${edgeSpan}-01`;
			const placed = await checkout(client, shopper, `traces-${shopper.user}`);
			traceparent = `00-${payTrace}-${edgeSpan}-01`;
			await approvePayment(client, shopper, placed.redirectUrl);
			traceparent = null;
			await orderWhen(client, shopper, placed.orderId, (o) => o.status === "paid");

			const inTrace = (id: string) => collector.spans.filter((s) => s.traceId === id);
			const consumersOf = (type: string) =>
				inTrace(payTrace).filter((s) => s.kind === CONSUMER && s.attributes["bazaar.event.type"] === type);
			// order.paid reaches the inventory and fulfillment: both consumers' spans are in the trace.
			await pollFor(
				async () => (consumersOf("order.paid").length >= 2 ? true : undefined),
				20_000,
				"order.paid consumers",
			);

			// POST /checkout: a server span under the edge's, its group commits and the gateway call under it.
			const checkoutSpans = inTrace(checkoutTrace);
			const server = checkoutSpans.find((s) => s.kind === SERVER && s.name === "POST /checkout");
			expect(server?.parentSpanId).toBe(edgeSpan);
			expect(server?.attributes["http.response.status_code"]).toBe(201);
			const underServer = (s: CollectedSpan) => s.parentSpanId === server?.spanId;
			expect(checkoutSpans.some((s) => underServer(s) && s.name === "db write order")).toBe(true);
			expect(checkoutSpans.some((s) => underServer(s) && s.name === "db write inventory")).toBe(true);
			const gateway = checkoutSpans.find((s) => s.name === "gateway sandbox createPayment");
			expect(gateway?.kind).toBe(CLIENT);
			expect(gateway && underServer(gateway)).toBe(true);

			// The payment: approve → sandbox.webhook (consumer) → the webhook request → payment.succeeded
			// (consumer) → order.paid (consumers), every span in the one trace, each under the one before.
			const pay = inTrace(payTrace);
			const ids = new Set(pay.map((s) => s.spanId));
			for (const s of pay) expect(s.parentSpanId === edgeSpan || ids.has(s.parentSpanId)).toBe(true);
			const approve = pay.find((s) => s.kind === SERVER && s.name.startsWith("POST /payment/sandbox/"));
			expect(approve?.parentSpanId).toBe(edgeSpan);
			const [sender] = consumersOf("sandbox.webhook");
			expect(sender?.name).toBe("sandbox-webhooks process sandbox.webhook");
			// A consumer span is linked to the span that emitted its event, and is its child.
			expect(sender?.links).toHaveLength(1);
			expect(sender?.links[0]?.spanId).toBe(sender?.parentSpanId);
			const webhook = pay.find((s) => s.kind === SERVER && s.attributes["url.path"] === "/payment/webhooks/sandbox");
			expect(webhook?.parentSpanId).toBe(sender?.spanId);
			expect(consumersOf("payment.succeeded").length).toBeGreaterThanOrEqual(1);
			expect(
				consumersOf("order.paid").map((s) => s.attributes["messaging.consumer.group.name"]).length,
			).toBeGreaterThanOrEqual(2);
			// No span leaked into another trace: the shopper's other requests have traces of their own.
			expect(collector.spans.filter((s) => s.kind === SERVER && s.name === "POST /checkout")).toHaveLength(1);
		} finally {
			collector.stop();
		}
	});

	test("off by default: nothing is exported, but a traceparent is still carried onto the events", async () => {
		const data = await prepareCoreData();
		const port = freePort();
		const core = startCore(data.dir, port, { LOG_FORMAT: "json" });
		running.push(core);
		await core.ready();
		const client = remoteCore(core.base, SECRET);
		const traceId = crypto.randomUUID().replaceAll("-", "");
		const res = await client.call("POST", "/catalog/admin/categories", {
			caller: ADMIN,
			body: { name: "Traced category" },
			headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
		});
		expect(res.status).toBe(201);
		// The event's envelope (read back through the admin's dead-letter view is not possible for a
		// healthy event): the catalog's outbox row carries it.
		const { openDatabase } = await import("../lib/db");
		const { rows } = await import("../testing/sql");
		const db = await openDatabase(`file:${data.dir}/catalog.db`, {});
		try {
			const events = await rows(db, "SELECT payload FROM bus_outbox ORDER BY seq DESC LIMIT 1");
			expect(JSON.parse(String(events[0]?.payload)).traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
		} finally {
			await db.close();
		}
	});
});
