// Servers a bench run starts for itself, each in its own process group on loopback: a core on a
// seeded DATA_DIR, the bare Bun.serve floor, and the built Worker on Miniflare without the
// `wrangler dev` proxy. Shared by the catalog and checkout scenarios.

import { createHash } from "node:crypto";
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, runProcess, startProcess } from "./procs.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = (name) => join(root, "node_modules/.bin", name);
export const SECRET = "bench-signing-secret-0123456789abcdef";

const log = (msg) => process.stderr.write(`${msg}\n`);

export async function waitHealthy(url, timeoutMs = 30_000) {
	const until = Date.now() + timeoutMs;
	let last = "";
	while (Date.now() < until) {
		try {
			const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (res.ok) return;
			last = `HTTP ${res.status}`;
		} catch (err) {
			last = err.message;
		}
		await new Promise((r) => setTimeout(r, 150));
	}
	throw new Error(`${url} not healthy after ${timeoutMs} ms (${last})`);
}

/** What a seeded catalog depends on: a change to any of these invalidates the seed cache. */
function seedFingerprint() {
	const hash = createHash("sha256");
	for (const dir of ["core/src/seed", "core/src/catalog/migrations"]) {
		const abs = join(root, dir);
		if (!existsSync(abs)) continue;
		for (const f of readdirSync(abs, { recursive: true }).map(String).sort()) {
			const file = join(abs, f);
			if (statSync(file).isFile()) hash.update(f).update(readFileSync(file));
		}
	}
	for (const f of ["core/src/catalog/schema.ts", "core/src/seed.ts"]) {
		if (existsSync(join(root, f))) hash.update(f).update(readFileSync(join(root, f)));
	}
	return hash.digest("hex").slice(0, 16);
}

/**
 * A seeded DATA_DIR for `products`. Seeding renders every product's pictures, which takes
 * minutes for thousands of products, so a seed is kept under node_modules/.cache and reused
 * while the seed code and migrations are unchanged; each run gets its own copy of the database
 * (the images, which the catalog reads never touch, are linked, not copied).
 */
export async function seedCore(name, dir, products, fresh) {
	const cacheDir = join(root, "node_modules/.cache/bazaar-bench", `seed-${products}-${seedFingerprint()}`);
	const metaFile = join(cacheDir, "seed.json");
	let meta = !fresh && existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, "utf8")) : null;
	const reused = meta !== null;
	if (!meta) {
		const partial = `${cacheDir}.partial-${process.pid}`;
		rmSync(partial, { recursive: true, force: true });
		mkdirSync(partial, { recursive: true });
		const env = {
			BAZAAR_ENV: "development",
			DATA_DIR: partial,
			EDGE_PUSH: "off",
			REDIS_URL: "",
			BAZAAR_SIGNING_SECRET: SECRET,
		};
		const t0 = performance.now();
		try {
			await runProcess(bin("bun"), ["core/src/cli.ts", "seed", "--products", String(products)], {
				cwd: root,
				env: { ...env, SEED_PRODUCTS: String(products) },
				timeoutMs: 600_000,
			});
		} catch (err) {
			rmSync(partial, { recursive: true, force: true });
			throw err;
		}
		meta = { products, seconds: (performance.now() - t0) / 1000, seededAt: new Date().toISOString() };
		writeFileSync(join(partial, "seed.json"), JSON.stringify(meta));
		rmSync(cacheDir, { recursive: true, force: true });
		renameSync(partial, cacheDir);
		log(`  ${name}: seeded ${products} products in ${meta.seconds.toFixed(1)} s (kept in ${cacheDir})`);
	} else {
		log(`  ${name}: reusing the seed of ${meta.seededAt} (it took ${meta.seconds.toFixed(1)} s)`);
	}
	mkdirSync(dir, { recursive: true });
	for (const f of readdirSync(cacheDir)) {
		if (f.startsWith("catalog.db")) copyFileSync(join(cacheDir, f), join(dir, f));
	}
	if (existsSync(join(cacheDir, "images"))) symlinkSync(join(cacheDir, "images"), join(dir, "images"));
	return { ...meta, reused };
}

/**
 * `env` adds to the bench defaults (e.g. EDGE_URL, the storefront origin checkout returns to);
 * `bunArgs` go before the script (e.g. --cpu-prof).
 */
export async function startCore(name, dir, { port: wanted, env = {}, bunArgs = [] } = {}) {
	const port = wanted ?? (await freePort());
	const proc = startProcess(name, bin("bun"), [...bunArgs, "core/src/main.ts"], {
		cwd: root,
		// Push to the edge off: a catalog version bump mid-run would turn cached reads into misses.
		// Redis off: this measures the in-process cache of one core.
		// A local stack: the sandbox gateway with its derived webhook key, as `npm start` runs it.
		env: {
			BAZAAR_ENV: "development",
			DATA_DIR: dir,
			CORE_PORT: String(port),
			EDGE_PUSH: "off",
			REDIS_URL: "",
			BAZAAR_SIGNING_SECRET: SECRET,
			// The checkout bench pays with the built-in sandbox gateway (off unless switched on).
			PAYMENT_SANDBOX: "on",
			// The checkout bench signs up all its shoppers at once.
			SIGNUP_GLOBAL_PER_MINUTE: "600000",
			...env,
		},
	});
	const base = `http://127.0.0.1:${port}`;
	await Promise.race([waitHealthy(`${base}/healthz`), proc.ready.then(() => {})]);
	return { proc, base, pgid: proc.pid };
}

export async function startFloor(bodyBytes) {
	const port = await freePort();
	const proc = startProcess("floor", bin("bun"), [join(root, "bench/floor-bun.ts")], {
		env: { PORT: String(port), FLOOR_BODY_BYTES: String(bodyBytes) },
		readyPattern: /listening (\d+)/,
	});
	await proc.ready;
	return { proc, base: `http://127.0.0.1:${port}`, pgid: proc.pid };
}

/** `port`: the Worker's direct socket (default: a free one), e.g. when the core must know its origin first. */
export async function startEdge(tmp, coreBase, { port: wanted } = {}) {
	const out = join(tmp, "edge-build");
	const t0 = performance.now();
	// Through this Node (22): wrangler refuses the machine's Node 20 that its shebang could pick.
	await runProcess(
		process.execPath,
		[join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", out],
		{
			cwd: root,
			env: { WRANGLER_SEND_METRICS: "false", CI: "1" },
			timeoutMs: 120_000,
		},
	);
	log(`  edge: built with wrangler deploy --dry-run in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	const script = join(out, "index.js");
	if (!existsSync(script)) throw new Error(`wrangler build produced no ${script}`);
	const port = wanted ?? (await freePort());
	const persist = join(tmp, "edge-state");
	mkdirSync(persist, { recursive: true });
	const proc = startProcess("edge", process.execPath, [join(root, "bench/lib/edge-miniflare.mjs")], {
		cwd: root,
		env: {
			BENCH_EDGE_SCRIPT: script,
			BENCH_EDGE_PORT: String(port),
			BENCH_PERSIST: persist,
			CORE_URL: coreBase,
			BAZAAR_SIGNING_SECRET: SECRET,
		},
		readyPattern: /listening (\d+) entry (\d+)/,
	});
	const m = await proc.ready;
	const base = `http://127.0.0.1:${m[1]}`;
	await waitHealthy(`${base}/livez`);
	return { proc, base, pgid: proc.pid, entry: { base: `http://127.0.0.1:${m[2]}`, pgid: proc.pid } };
}
