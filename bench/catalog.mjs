// `npm run bench -- catalog`: the catalog read path, edge and core, against its floors.
//
// Starts everything it measures on loopback, in temp dirs, each in its own process:
//   - core ×1: `bun core/src/main.ts` on a DATA_DIR seeded with SEED_PRODUCTS (600) products
//   - core ×10: the same with 10× the products (the size-scaling check)
//   - floor: bare Bun.serve answering fixed JSON of the size of the core's product read
//   - edge: the built Worker (`wrangler deploy --dry-run`) under Miniflare's own socket, backed
//     by core ×1, with no `wrangler dev` proxy in front
// then drives each target with wrk (or autocannon) at several concurrencies and checks the
// issue's targets as ratios measured in this one run.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sign } from "@bazaar/signature";
import { drive, pickTool } from "./lib/load.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { checkLines, markdownTable, textTable, writeReport } from "./lib/report.mjs";
import { root, SECRET, seedCore, startCore, startEdge, startFloor } from "./lib/servers.mjs";

// A slow seed makes the bench slow; past this we say so.
const SEED_WARN_SECONDS = 20;

const log = (msg) => process.stderr.write(`${msg}\n`);

function options(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			duration: { type: "string", default: process.env.BENCH_DURATION ?? "5" },
			concurrency: { type: "string", default: process.env.BENCH_CONCURRENCY ?? "1,16,64" },
			tool: { type: "string", default: process.env.BENCH_TOOL ?? "auto" },
			products: { type: "string", default: process.env.SEED_PRODUCTS ?? "600" },
			scale: { type: "string", default: "10" },
			warmup: { type: "string", default: "1" },
			only: { type: "string" },
			"no-report": { type: "boolean", default: false },
			"keep-data": { type: "boolean", default: false },
			"fresh-seed": { type: "boolean", default: false },
		},
		strict: true,
	});
	const concurrency = values.concurrency.split(",").map((c) => Number.parseInt(c, 10));
	if (concurrency.some((c) => !(c >= 1 && c <= 1024))) throw new Error("--concurrency: numbers from 1 to 1024");
	const duration = Number(values.duration);
	if (!(duration >= 1 && duration <= 60)) throw new Error("--duration: seconds from 1 to 60");
	const products = Number(values.products);
	const scale = Number(values.scale);
	if (!(products >= 1 && products * scale <= 100_000)) throw new Error("--products × --scale must be ≤ 100000");
	return {
		duration,
		concurrency,
		tool: values.tool,
		products,
		scale,
		warmup: Math.min(Number(values.warmup), 10),
		only: values.only ? new Set(values.only.split(",")) : null,
		report: !values["no-report"],
		keepData: values["keep-data"],
		freshSeed: values["fresh-seed"],
	};
}

function signedGet(base, path) {
	return sign({ secret: SECRET, method: "GET", path }).then((headers) =>
		fetch(base + path, { headers, signal: AbortSignal.timeout(10_000) }),
	);
}

async function getJson(base, path) {
	const res = await signedGet(base, path);
	if (!res.ok) throw new Error(`core ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
	return res.json();
}

/** Every active product slug, by following the list's cursor (bounded by the catalog size). */
async function allSlugs(base, expected) {
	const slugs = [];
	let cursor = null;
	for (let page = 0; page < Math.ceil(expected / 100) + 5; page++) {
		const q = new URLSearchParams({ limit: "100" });
		if (cursor) q.set("cursor", cursor);
		const list = await getJson(base, `/catalog/products?${q}`);
		for (const item of list.items) slugs.push(item.slug);
		cursor = list.nextCursor;
		if (!cursor) break;
	}
	return slugs;
}

/** Picks what to read: the biggest category, a product in it, and a word that search finds. */
async function pickSubjects(base) {
	const cats = await getJson(base, "/catalog/categories");
	const byCount = [...cats.items].sort((a, b) => b.productCount - a.productCount);
	// A top-level category exercises the descendant walk; fall back to the biggest of any.
	const category = byCount.find((c) => c.parentId === null && c.productCount > 0) ?? byCount[0];
	const list = await getJson(base, `/catalog/products?category=${category.slug}&limit=24`);
	const product = list.items[0];
	const words = product.title
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter((w) => w.length >= 4);
	return { category: category.slug, product: product.slug, q: words[0] ?? product.title.split(" ")[0] };
}

/**
 * A target: what to request and how to check one answer before driving it. `requests` is a
 * function so the core's signatures are made right before each run (they are valid 300 s).
 */
function target(id, label, runtime, server, paths, { signed = false, type = "application/json", concurrency } = {}) {
	return {
		id,
		concurrency,
		label,
		runtime,
		server,
		paths,
		type,
		async requests() {
			if (!signed) return paths.map((path) => ({ path }));
			return Promise.all(
				paths.map(async (path) => ({ path, headers: await sign({ secret: SECRET, method: "GET", path }) })),
			);
		},
	};
}

/**
 * Reads every path once (8 at a time) so the run starts warm — a cold product read in the core
 * costs milliseconds, and a time-based warm-up would leave part of a large catalog cold — then
 * checks a sample twice: each must be a 200 of the expected type.
 */
async function precheck(t) {
	const reqs = await t.requests();
	if (reqs.length > 1) {
		let next = 0;
		const worker = async () => {
			while (next < reqs.length) {
				const r = reqs[next++];
				await fetch(t.server.base + r.path, { headers: r.headers, signal: AbortSignal.timeout(10_000) }).then((res) =>
					res.arrayBuffer(),
				);
			}
		};
		await Promise.all(Array.from({ length: 8 }, worker));
	}
	const sample = new Set(
		t.paths.length > 50 ? t.paths.filter((_, i) => i % Math.ceil(t.paths.length / 50) === 0) : t.paths,
	);
	for (let round = 0; round < 2; round++) {
		for (const r of reqs) {
			if (!sample.has(r.path)) continue;
			const res = await fetch(t.server.base + r.path, { headers: r.headers, signal: AbortSignal.timeout(10_000) });
			const body = await res.arrayBuffer();
			const type = res.headers.get("content-type") ?? "";
			if (res.status !== 200 || !type.includes(t.type))
				throw new Error(
					`${t.label} ${r.path}: HTTP ${res.status} ${type}: ${new TextDecoder().decode(body).slice(0, 300)}`,
				);
			t.bytes = body.byteLength;
			t.cacheHeader = res.headers.get("x-cache") ?? res.headers.get("cf-cache-status") ?? t.cacheHeader;
		}
	}
}

async function runTarget(tool, t, opts, rows, notes) {
	try {
		await precheck(t);
	} catch (err) {
		// One broken route should not cost the figures of all the others.
		notes.push(`SKIPPED ${t.label}: ${err.message.split("\n")[0]}`);
		log(`  SKIPPED ${t.label}: ${err.message}`);
		return;
	}
	const cached = t.cacheHeader ? `, ${t.cacheHeader}` : "";
	log(`  ${t.label} (${t.paths.length > 1 ? `${t.paths.length} paths` : t.paths[0]}, ${t.bytes} B${cached})`);
	if (opts.warmup > 0) {
		// A target over many paths warms long enough to touch each of them (at ≥ 2k req/s), so
		// both catalog sizes are measured warm rather than one of them half cold.
		await drive(tool, {
			baseUrl: t.server.base,
			requests: await t.requests(),
			connections: 16,
			duration: Math.max(opts.warmup, Math.ceil(t.paths.length / 2000)),
		});
	}
	for (const c of t.concurrency ?? opts.concurrency) {
		const r = await drive(tool, {
			baseUrl: t.server.base,
			requests: await t.requests(),
			connections: c,
			duration: opts.duration,
			serverPgids: [t.server.pgid],
		});
		const row = {
			id: t.id,
			target: t.label,
			runtime: t.runtime,
			path: t.paths.length > 1 ? `${t.paths.length} paths` : t.paths[0],
			bytes: t.bytes,
			concurrency: c,
			...r,
		};
		rows.push(row);
		log(
			`    c=${String(c).padStart(3)}  ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  err ${r.errors}/${r.non2xx}`,
		);
	}
}

function find(rows, id, c) {
	return rows.find((r) => r.id === id && r.concurrency === c);
}

function computeChecks(rows, opts) {
	const checks = [];
	const top = Math.max(...opts.concurrency);
	const low = Math.min(...opts.concurrency);
	const pct = (x) => `${(x * 100).toFixed(0)}%`;
	const trivial = find(rows, "edge-healthz", top);
	for (const id of [
		"edge-product-page",
		"edge-listing-page",
		"edge-search-page",
		"edge-api-product",
		"edge-api-list",
	]) {
		const r = find(rows, id, top);
		if (!r || !trivial) continue;
		const ratio = r.rps / trivial.rps;
		checks.push({
			name: `${r.target} / edge trivial req/s at c=${top}`,
			value: pct(ratio),
			target: "≥ 70%",
			pass: ratio >= 0.7,
			ratio,
		});
		if (top === 64)
			checks.push({
				name: `${r.target} p99 at c=64`,
				value: `${r.p99.toFixed(2)} ms`,
				target: "< 10 ms",
				pass: r.p99 < 10,
			});
	}
	const core = find(rows, "core-product", top);
	const floor = find(rows, "floor", top);
	if (core && floor) {
		const ratio = core.rps / floor.rps;
		checks.push({
			name: `core product read / bare Bun.serve req/s at c=${top}`,
			value: pct(ratio),
			target: "≥ 50%",
			pass: ratio >= 0.5,
			ratio,
		});
	}
	for (const [id, what] of [
		["product", "product read (one hot slug)"],
		["product-all", "product read (uniform over the whole catalog)"],
		["list", "category listing"],
		["search", "search"],
	]) {
		for (const c of [low, top]) {
			const one = find(rows, `core-${id}`, c);
			const ten = find(rows, `core10-${id}`, c);
			if (!one || !ten) continue;
			const ratio = ten.p50 / one.p50;
			checks.push({
				name: `core ${opts.scale}× / 1× catalog p50 latency, ${what}, c=${c}`,
				value: `${ratio.toFixed(2)}×`,
				target: "≤ 1.2×",
				pass: ratio <= 1.2,
				ratio,
			});
		}
	}
	return checks;
}

export async function catalogBench(argv) {
	const opts = options(argv);
	const tool = pickTool(opts.tool === "auto" ? undefined : opts.tool);
	const machine = machineInfo();
	const started = new Date();
	const tmp = mkdtempSync(join(tmpdir(), "bazaar-bench-catalog-"));
	const want = (group) => !opts.only || opts.only.has(group);
	const notes = [];
	const rows = [];
	log(
		`bench catalog: load tool ${tool.version}; ${machine.nproc} cores (${machine.cpuModel}) shared by server and client`,
	);
	log(`  data in ${tmp}`);

	const haveCore = existsSync(join(root, "core/src/main.ts")) && existsSync(join(root, "core/src/cli.ts"));
	const haveEdge = existsSync(join(root, "edge/src/index.ts"));
	if (!haveCore) notes.push("core/src/main.ts or core/src/cli.ts missing: core and edge targets skipped.");
	if (haveCore && !haveEdge) notes.push("edge/src/index.ts missing: edge targets skipped.");
	const seeds = {};

	try {
		let core1;
		let core10;
		let subjects1;
		let subjects10;
		if (haveCore) {
			log("seeding");
			const dir1 = join(tmp, "core-1x");
			const dir10 = join(tmp, `core-${opts.scale}x`);
			seeds.x1 = await seedCore("core 1×", dir1, opts.products, opts.freshSeed);
			if (want("core10")) {
				try {
					seeds.x10 = await seedCore(`core ${opts.scale}×`, dir10, opts.products * opts.scale, opts.freshSeed);
				} catch (err) {
					// The size check is lost, not the rest of the run.
					const lines = err.message.split("\n");
					const first = lines.findLast((l) => /^\s*\w*Error: /.test(l)) ?? lines[0];
					notes.push(
						`SKIPPED core ${opts.scale}×: seeding ${opts.products * opts.scale} products failed: ${first.trim()}`,
					);
					log(`  SKIPPED core ${opts.scale}×: ${err.message}`);
				}
			}
			for (const seed of Object.values(seeds)) {
				if (seed.seconds > SEED_WARN_SECONDS)
					notes.push(
						`Seeding ${seed.products} products takes ${seed.seconds.toFixed(1)} s (slow: > ${SEED_WARN_SECONDS} s; the bench reuses a cached seed).`,
					);
			}
			log("starting cores");
			core1 = await startCore("core-1x", dir1);
			if (seeds.x10) core10 = await startCore(`core-${opts.scale}x`, dir10);
			subjects1 = await pickSubjects(core1.base);
			subjects1.all = await allSlugs(core1.base, opts.products);
			if (core10) {
				subjects10 = await pickSubjects(core10.base);
				// Same category and query on both sizes, so only the catalog size differs.
				subjects10.category = subjects1.category;
				subjects10.q = subjects1.q;
				subjects10.all = await allSlugs(core10.base, opts.products * opts.scale);
			}
			log(
				`  reading product "${subjects1.product}", category "${subjects1.category}", search "${subjects1.q}"; ` +
					`${subjects1.all.length}${subjects10 ? ` / ${subjects10.all.length}` : ""} active slugs`,
			);
		}

		const coreTargets = (prefix, server, s, runtime) => [
			target(
				`${prefix}-product`,
				`${runtime} GET /catalog/products/:slug`,
				runtime,
				server,
				[`/catalog/products/${s.product}`],
				{ signed: true },
			),
			target(
				`${prefix}-product-all`,
				`${runtime} GET /catalog/products/:slug (all slugs)`,
				runtime,
				server,
				s.all.map((slug) => `/catalog/products/${slug}`),
				{ signed: true },
			),
			target(
				`${prefix}-list`,
				`${runtime} GET /catalog/products?category=`,
				runtime,
				server,
				[`/catalog/products?category=${s.category}`],
				{ signed: true },
			),
			target(
				`${prefix}-search`,
				`${runtime} GET /catalog/search?q=`,
				runtime,
				server,
				[`/catalog/search?q=${encodeURIComponent(s.q)}`],
				{ signed: true },
			),
		];

		if (want("core")) {
			log("core 1× and its floor");
			const [productRead, ...rest] = core1 ? coreTargets("core", core1, subjects1, "core") : [];
			if (productRead) await runTarget(tool, productRead, opts, rows, notes);
			const floor = await startFloor(productRead?.bytes ?? 1500);
			try {
				await runTarget(tool, target("floor", "bare Bun.serve fixed JSON", "bun", floor, ["/"]), opts, rows, notes);
			} finally {
				await floor.proc.stop();
			}
			for (const t of rest) await runTarget(tool, t, opts, rows, notes);
		}
		if (core10) {
			log(`core ${opts.scale}×`);
			for (const t of coreTargets("core10", core10, subjects10, `core ${opts.scale}×`))
				await runTarget(tool, t, opts, rows, notes);
			await core10.proc.stop();
		}

		let edgeRuntime = null;
		if (core1 && haveEdge && want("edge")) {
			log("edge (built Worker on Miniflare)");
			const edge = await startEdge(tmp, core1.base);
			edgeRuntime =
				`workerd ${machine.workerd.replace(/^workerd\s*/, "")} started by Miniflare ${machine.miniflare}, the built Worker on a direct socket ` +
				"(no wrangler dev proxy, no Miniflare entry worker in front); KV, R2 and the Cache API are Miniflare's local simulators";
			const rt = "workerd";
			const s = subjects1;
			const edgeTargets = [
				target("edge-healthz", "edge /livez (trivial)", rt, edge, ["/livez"]),
				// For scale: the same route through Miniflare's entry worker (what `wrangler dev` sits on).
				target("edge-healthz-entry", "edge /livez via Miniflare entry", "miniflare", edge.entry, ["/livez"], {
					concurrency: [Math.max(...opts.concurrency)],
				}),
				target("edge-product-page", "edge /products/:slug (HTML)", rt, edge, [`/products/${s.product}`], {
					type: "text/html",
				}),
				target("edge-listing-page", "edge /categories/:slug (HTML)", rt, edge, [`/categories/${s.category}`], {
					type: "text/html",
				}),
				target("edge-search-page", "edge /search?q= (HTML)", rt, edge, [`/search?q=${encodeURIComponent(s.q)}`], {
					type: "text/html",
				}),
				target("edge-api-product", "edge /api/catalog/products/:slug", rt, edge, [
					`/api/catalog/products/${s.product}`,
				]),
				target("edge-api-list", "edge /api/catalog/products?category=", rt, edge, [
					`/api/catalog/products?category=${s.category}`,
				]),
			];
			try {
				for (const t of edgeTargets) await runTarget(tool, t, opts, rows, notes);
			} finally {
				await edge.proc.stop();
			}
		}
		await core1?.proc.stop();

		const checks = computeChecks(rows, opts);
		const finished = new Date();
		const result = {
			bench: "catalog",
			startedAt: started.toISOString(),
			seconds: Math.round((finished - started) / 1000),
			machine,
			loadTool: tool.version,
			edgeRuntime,
			settings: {
				duration: opts.duration,
				concurrency: opts.concurrency,
				warmupSeconds: opts.warmup,
				products: opts.products,
				scale: opts.scale,
			},
			seeds,
			subjects: subjects1 ? { product: subjects1.product, category: subjects1.category, q: subjects1.q } : null,
			rows,
			checks,
			notes,
		};
		print(result);
		if (opts.report) writeReport("catalog", started, { markdownBody: markdown(result), json: result }, log);
		return checks.every((c) => c.pass) ? 0 : 1;
	} finally {
		if (!opts.keepData) rmSync(tmp, { recursive: true, force: true });
	}
}

function describe(result) {
	const m = result.machine;
	const lines = [
		`Machine: ${m.nproc} cores, ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}; node ${m.node}, bun ${m.bun}, ${m.workerd}, miniflare ${m.miniflare}, wrangler ${m.wrangler}.`,
		`Load tool: ${result.loadTool}, one thread, a separate process. Server and load tool share the ${m.nproc} cores, so every figure is a floor, not a capacity; "srv cores" is the CPU the server's processes used (1.00 = one core).`,
		`Runs: ${result.settings.duration} s per concurrency (${result.settings.concurrency.join(", ")}) after a ${result.settings.warmupSeconds} s warm-up per target; every target answered 200 with the expected content type twice before it was driven (caches warm).`,
		`Edge runtime measured: ${result.edgeRuntime ?? "not run"}.`,
		"Core requests carry an HMAC signature made with @bazaar/signature right before each run (a signature is valid 300 s; one run lasts seconds), so the core verifies a real signature on every request. The core runs with EDGE_PUSH=off and no REDIS_URL: its in-process cache, no version bumps mid-run.",
	];
	if (result.seeds.x1)
		lines.push(
			`Seed (bun core/src/cli.ts seed): ${Object.values(result.seeds)
				.map(
					(x) =>
						`${x.products} products in ${x.seconds.toFixed(1)} s${x.reused ? ` (cached seed of ${x.seededAt})` : ""}`,
				)
				.join("; ")}.`,
		);
	if (result.subjects)
		lines.push(
			`Subjects: product "${result.subjects.product}", category "${result.subjects.category}", search "${result.subjects.q}".`,
		);
	return [...lines, ...result.notes];
}

function print(result) {
	const out = [
		"",
		textTable(result.rows),
		"",
		...(result.checks.length ? checkLines(result.checks) : ["(no targets to check)"]),
		"",
		...describe(result),
	];
	process.stdout.write(`${out.join("\n")}\n`);
}

function markdown(result) {
	const checks = result.checks.map((c) => `| ${c.pass ? "PASS" : "**FAIL**"} | ${c.name} | ${c.value} | ${c.target} |`);
	return [
		...describe(result).map((l) => `- ${l}`),
		"",
		"## Results",
		"",
		markdownTable(result.rows),
		"",
		"## Targets",
		"",
		"| | check | measured | target |",
		"| --- | --- | ---: | --- |",
		...checks,
		"",
		"Command: `npm run bench -- catalog`",
	].join("\n");
}
