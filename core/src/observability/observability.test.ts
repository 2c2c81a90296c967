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
