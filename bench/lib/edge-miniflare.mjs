// Serves the built Worker with Miniflare on its own socket: workerd runs the bundle that
// `wrangler deploy --dry-run` produced, with the bindings of the root wrangler.toml (KV, R2,
// Durable Objects, vars) as wrangler itself translates them, but without `wrangler dev`'s proxy
// (which caps any route near 1k req/s on these machines). Runs as its own process, started by the
// bench; prints "listening <port>" once workerd accepts connections.
//
// env: BENCH_EDGE_SCRIPT (bundle entry), BENCH_EDGE_PORT, BENCH_PERSIST (dir for KV/R2/DO/cache),
//      CORE_URL, BAZAAR_SIGNING_SECRET (override the config's vars and .dev.vars),
//      BENCH_WRANGLER_CONFIG (optional: another wrangler.toml).

import { readdirSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const script = process.env.BENCH_EDGE_SCRIPT;
const persist = process.env.BENCH_PERSIST;
if (!script || !persist) throw new Error("BENCH_EDGE_SCRIPT and BENCH_PERSIST are required");

/** The bundle's entry first, then any other module wrangler emitted next to it (chunks, wasm). */
function bundleModules(entry) {
	const dir = dirname(entry);
	const types = { ".js": "ESModule", ".mjs": "ESModule", ".wasm": "CompiledWasm", ".bin": "Data", ".txt": "Text" };
	const rest = readdirSync(dir, { recursive: true })
		.map(String)
		.filter((f) => types[extname(f)] && join(dir, f) !== entry)
		.map((f) => ({ type: types[extname(f)], path: join(dir, f) }));
	return [{ type: "ESModule", path: entry }, ...rest];
}

// BENCH_WRANGLER_CONFIG: another Worker's config (the flash bench's), else the shop's.
const { workerOptions } = unstable_getMiniflareWorkerOptions(
	process.env.BENCH_WRANGLER_CONFIG ?? join(root, "wrangler.toml"),
);

// wrangler still describes a worker in Miniflare 4's option shape; Miniflare 5 converts it.
const mf = new Miniflare(
	convertV4MiniflareOptions({
		...workerOptions,
		name: "bazaar",
		modulesRules: undefined,
		modules: bundleModules(script),
		modulesRoot: dirname(script),
		bindings: {
			...workerOptions.bindings,
			...(process.env.CORE_URL ? { CORE_URL: process.env.CORE_URL } : {}),
			...(process.env.BAZAAR_SIGNING_SECRET ? { BAZAAR_SIGNING_SECRET: process.env.BAZAAR_SIGNING_SECRET } : {}),
		},
		// The Worker on a socket of its own: requests go straight to it, not through Miniflare's
		// entry worker (which adds its own JS per request). The entry socket stays for comparison.
		unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(process.env.BENCH_EDGE_PORT ?? 0) }],
		host: "127.0.0.1",
		port: 0,
		// KV, R2, DO and cache on disk like `wrangler dev`, in a temp dir of this run.
		resourcePersistencePath: persist,
		// Request logging would add a per-request log line through Miniflare's Node loopback.
		logRequests: false,
		// The placeholder `cf` object: no fetch of the real one from the network at startup.
		cf: false,
		log: new Log(LogLevel.WARN),
	}),
);

const entry = await mf.ready;
const direct = await mf.unsafeGetDirectURL("bazaar");
console.log(`listening ${direct.port} entry ${entry.port}`);

const stop = async () => {
	await mf.dispose().catch(() => {});
	process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
