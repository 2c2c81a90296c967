import { join } from "node:path";
import { createFetch, MAX_REVIEW_BODY_BYTES } from "./app";
import { ADMIN_PASSWORD_FILE, loadConfigOrExit } from "./config";
import { redactUrl } from "./lib/redact-url";
import { writeSecretFile } from "./lib/secret-file";
import { setRequestLogging } from "./observability/access-log";
import { scrapeSources } from "./observability/core-sources";
import { installLogging } from "./observability/log";
import { onScrape } from "./observability/metrics";
import { answerMetricsRequests, MetricsHub, serveMetrics } from "./observability/metrics-server";
import { readinessProbe } from "./observability/readiness";
import { startTracing, stopTracing } from "./observability/tracing";
import { openCore } from "./workflows/compose";

// The core process: open (and migrate) every module, serve, run the bus; stop cleanly on
// SIGINT/SIGTERM — HTTP first, then the relays, the bus, and the modules. With CORE_PROCESSES=N
// the first process (which migrates and makes the first admin) starts N−1 more of itself, all
// listening on one port, and stops them with itself.

const WORKER_FLAG = "--worker";
const isWorker = process.argv.includes(WORKER_FLAG);
const config = loadConfigOrExit();
installLogging(config.logFormat);
setRequestLogging(config.logRequests);
startTracing(config.tracesExporter, process.env.OTEL_SERVICE_NAME || undefined);
const core = await openCore(config);
await core.start();

// The first process serves /metrics for all: it asks the others over IPC for their series.
const metricsHub = new MetricsHub();
const workers = isWorker
	? []
	: Array.from({ length: config.processes - 1 }, () =>
			metricsHub.add(
				Bun.spawn([process.execPath, ...process.argv.slice(1), WORKER_FLAG], {
					stdio: ["ignore", "inherit", "inherit"],
					ipc: metricsHub.receive,
				}),
			),
		);
if (isWorker) answerMetricsRequests();

// Once, by the first process: the first admin (and where its generated password went).
const admin = isWorker
	? { created: false, password: null, user: { email: config.adminEmail } }
	: await core.identity.ensureAdmin(config.adminEmail, { password: config.adminPassword });
if (admin.created && admin.password) {
	// Never in a log (logs are shipped and read widely): in a file only this user can read.
	const file = join(config.dataDir, ADMIN_PASSWORD_FILE);
	writeSecretFile(file, admin.password);
	console.log(`admin login: ${admin.user.email} (password in ${file}, readable only by you; delete it once read)`);
} else if (admin.created) {
	console.log(`admin login: ${admin.user.email} (password from ADMIN_PASSWORD)`);
}

if (config.fulfillment.carrierWebhookSecret === null) {
	console.log("carrier webhooks off: set CARRIER_WEBHOOK_SECRET to accept them");
}

const readiness = readinessProbe(core, { maxBusBacklog: config.readyMaxBusBacklog, redisUrl: config.redisUrl });
const fetch = createFetch({ secret: config.signingSecret, ...core, readiness: () => readiness.check() });
const server = Bun.serve({
	port: config.port,
	hostname: "0.0.0.0",
	// Above the largest route limit so bodyLimit, not the socket, answers with a 413 problem.
	maxRequestBodySize: MAX_REVIEW_BODY_BYTES + 1024 * 1024,
	reusePort: config.processes > 1,
	fetch,
});
console.log(
	`core listening on http://127.0.0.1:${server.port} (data ${config.dataDir}, bus ${core.bus.backend}${config.redisUrl ? `, redis ${redactUrl(config.redisUrl)}` : ""}${config.edgeUrl ? `, events → ${config.edgeUrl}` : ""})`,
);

let metricsServer: ReturnType<typeof serveMetrics> | null = null;
if (!isWorker && config.metrics) {
	onScrape(scrapeSources(core));
	metricsServer = serveMetrics(config.metrics, metricsHub);
	console.log(`core metrics on http://${config.metrics.host}:${metricsServer.port}/metrics`);
}

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	console.log(`core: ${signal}, shutting down`);
	const force = setTimeout(() => process.exit(1), 10_000);
	force.unref();
	for (const w of workers) w.kill(signal === "SIGINT" ? "SIGINT" : "SIGTERM");
	metricsServer?.stop(true);
	// Finish in-flight requests (briefly), then close idle keep-alive connections too.
	await Promise.race([server.stop(), Bun.sleep(3_000)]);
	server.stop(true);
	await readiness.close();
	await core.stop();
	await stopTracing();
	await Promise.all(workers.map((w) => w.exited));
	console.log("core: stopped");
	process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
if (isWorker) {
	// A first process killed outright cannot stop its workers: they notice and go.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent) void shutdown("the first core process is gone");
	}, 1_000).unref();
	// The IPC channel (metrics) closes the moment the first process dies: the quicker sign.
	process.on("disconnect", () => void shutdown("the first core process is gone"));
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
