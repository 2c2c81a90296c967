import { createFetch, MAX_IMAGE_BODY_BYTES } from "./app";
import { createCatalogModule } from "./catalog/module";
import { loadConfig } from "./config";

// The core process: migrate, serve, relay events; stop cleanly on SIGINT/SIGTERM.

const config = loadConfig();
const catalog = await createCatalogModule({
	dbUrl: config.catalogDbUrl,
	imagesDir: config.imagesDir,
	redisUrl: config.redisUrl,
	edge: config.edgeUrl ? { url: config.edgeUrl, secret: config.signingSecret } : null,
});
catalog.start();
const fetch = createFetch({ secret: config.signingSecret, catalog });

const server = Bun.serve({
	port: config.port,
	hostname: "0.0.0.0",
	// Above the largest route limit so bodyLimit, not the socket, answers with a 413 problem.
	maxRequestBodySize: MAX_IMAGE_BODY_BYTES + 1024 * 1024,
	fetch,
});
console.log(
	`core listening on http://127.0.0.1:${server.port} (catalog ${config.catalogDbUrl}${config.redisUrl ? `, redis ${config.redisUrl}` : ""}${config.edgeUrl ? `, events → ${config.edgeUrl}` : ""})`,
);

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	console.log(`core: ${signal}, shutting down`);
	const force = setTimeout(() => process.exit(1), 10_000);
	force.unref();
	// Finish in-flight requests (briefly), then close idle keep-alive connections too.
	await Promise.race([server.stop(), Bun.sleep(3_000)]);
	server.stop(true);
	await catalog.stop();
	console.log("core: stopped");
	process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
