// A bench's own Worker (bench/<name>/wrangler.toml): built with `wrangler deploy --dry-run` and
// served by Miniflare on its direct socket (bench/lib/edge-miniflare.mjs), not through `wrangler
// dev`, whose proxy caps any route near 1k req/s on these machines. Never deployed.

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runProcess, startProcess } from "./procs.mjs";
import { root, waitHealthy } from "./servers.mjs";

/** Builds and starts the Worker of `config` (a path from the repo root) with its state under `tmp`. */
export async function startBenchWorker(tmp, config, name) {
	const out = join(tmp, `${name}-build`);
	await runProcess(
		process.execPath,
		[
			join(root, "node_modules/wrangler/bin/wrangler.js"),
			"deploy",
			"--dry-run",
			"--config",
			join(root, config),
			"--outdir",
			out,
		],
		{ cwd: root, env: { WRANGLER_SEND_METRICS: "false", CI: "1" }, timeoutMs: 120_000 },
	);
	const script = join(out, "worker.js");
	if (!existsSync(script)) throw new Error(`wrangler build produced no ${script}`);
	const persist = join(tmp, `${name}-state`);
	mkdirSync(persist, { recursive: true });
	const proc = startProcess(`${name}-worker`, process.execPath, [join(root, "bench/lib/edge-miniflare.mjs")], {
		cwd: root,
		env: {
			BENCH_EDGE_SCRIPT: script,
			BENCH_EDGE_PORT: "0",
			BENCH_PERSIST: persist,
			BENCH_WRANGLER_CONFIG: join(root, config),
		},
		readyPattern: /listening (\d+) entry (\d+)/,
	});
	const m = await proc.ready;
	const base = `http://127.0.0.1:${m[1]}`;
	await waitHealthy(`${base}/healthz`);
	return { proc, base, pgid: proc.pid };
}
