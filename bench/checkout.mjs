// `npm run bench -- checkout`: orders per second end to end, against the core and against the
// edge, beside the inventory reserve path alone, the catalog read and a bare Bun.serve floor
// measured in the same run, plus the SQL statements one checkout runs.
//
// Starts everything it measures on loopback, in temp dirs, each in its own process:
//   - core: `bun core/src/main.ts` on a DATA_DIR with the seeded catalog (600 products),
//     EDGE_PUSH=off, no Redis unless --redis; the bench's SKUs get 1,000,000 units each, so no
//     run sells out
//   - floor: bench/floor-bun.ts, a bare Bun.serve answering fixed JSON (driven by wrk)
//   - shoppers: bench/lib/shoppers.ts under Bun, N registered customers looping add to cart →
//     checkout (Idempotency-Key) → the sandbox's hosted page → approve, signed as the edge signs
//   - edge: the built Worker on Miniflare's direct socket (bench/lib/edge-miniflare.mjs) in front
//     of the same core, its shoppers on the JSON API with bearer sessions
//   - the reserve path: the core's POST /inventory/reservations (HTTP, signed as a service) and
//     the verb in-process (core/src/inventory/testing/bench-reserve.ts), one hot SKU and spread
//   - statements: bench/lib/checkout-statements.mjs on the composed core in-process

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { sign } from "@bazaar/signature";
import { drive, pickTool, withCpuSplit } from "./lib/load.mjs";
import { diskSyncLatency, machineInfo } from "./lib/machine.mjs";
import { freePort, groupCpuSeconds, runProcess } from "./lib/procs.mjs";
import { formatTable, writeReport } from "./lib/report.mjs";
import { bin, root, SECRET, seedCore, startCore, startEdge, startFloor } from "./lib/servers.mjs";

const STATEMENTS_TARGET = 25;
const P99_TARGET_MS = 50;
// Issue 9's targets (README "Measured performance"): what the core must do on this 2-core machine.
const RESERVE_VERB_TARGET = 50_000;
const RESERVE_HTTP_FLOOR_RATIO = 0.4;
const RESERVE_CPU_MS_TARGET = 0.05;
const ORDERS_TARGET = 600;
const PURCHASE_CPU_MS_TARGET = 1.5;
const EDGE_ORDERS_RATIO = 0.5;
const CATALOG_FLOOR_RATIO = 0.7;
const STOCK_PER_SKU = 1_000_000;
const ADMIN = { user: "bench-admin", roles: ["admin"] };
const ANONYMOUS = { user: "", roles: [] };
const PASSWORD = "bench shopper password 1";
const GROUPS = ["core", "edge", "reserve", "floor", "catalog", "statements"];

const log = (msg) => process.stderr.write(`${msg}\n`);

function options(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			duration: { type: "string", default: process.env.BENCH_DURATION ?? "5" },
			concurrency: { type: "string", default: process.env.BENCH_CONCURRENCY ?? "1,16,64" },
			"catalog-duration": { type: "string", default: "3" },
			warmup: { type: "string", default: "1" },
			products: { type: "string", default: process.env.SEED_PRODUCTS ?? "600" },
			only: { type: "string" },
			redis: { type: "boolean", default: false },
			"wait-paid": { type: "boolean", default: false },
			"think-ms": { type: "string", default: "0" },
			"no-report": { type: "boolean", default: false },
			"keep-data": { type: "boolean", default: false },
			"fresh-seed": { type: "boolean", default: false },
			"profile-core": { type: "string" },
			"core-processes": { type: "string", default: process.env.CORE_PROCESSES ?? "1" },
		},
		strict: true,
	});
	const concurrency = values.concurrency.split(",").map((c) => Number.parseInt(c, 10));
	if (concurrency.some((c) => !(c >= 1 && c <= 512))) throw new Error("--concurrency: numbers from 1 to 512");
	const duration = Number(values.duration);
	if (!(duration >= 1 && duration <= 60)) throw new Error("--duration: seconds from 1 to 60");
	const only = values.only ? new Set(values.only.split(",")) : null;
	for (const g of only ?? []) if (!GROUPS.includes(g)) throw new Error(`--only: one or more of ${GROUPS.join(",")}`);
	return {
		duration,
		concurrency,
		catalogDuration: Math.max(1, Math.min(Number(values["catalog-duration"]), 60)),
		warmup: Math.max(0, Math.min(Number(values.warmup), 10)),
		products: Number(values.products),
		only,
		redis: values.redis ? process.env.REDIS_URL || "redis://127.0.0.1:6379" : null,
		waitPaid: values["wait-paid"],
		thinkMs: Math.max(0, Math.min(Number(values["think-ms"]) || 0, 60_000)),
		report: !values["no-report"],
		keepData: values["keep-data"],
		freshSeed: values["fresh-seed"],
		profileCore: values["profile-core"] ? resolve(values["profile-core"]) : null,
		coreProcesses: Math.max(1, Math.min(Number(values["core-processes"]) || 1, 16)),
	};
}

/** A signed call to the core, as the edge makes it. */
async function coreCall(base, caller, method, path, body) {
	const text = body === undefined ? undefined : JSON.stringify(body);
	const headers = text ? { "content-type": "application/json" } : {};
	const signed = await sign({ secret: SECRET, method, path, body: text, headers, caller });
	const res = await fetch(base + path, {
		method,
		body: text,
		headers: { ...headers, ...signed },
		signal: AbortSignal.timeout(30_000),
	});
	const answer = await res.text();
	if (!res.ok) throw new Error(`core ${method} ${path}: HTTP ${res.status} ${answer.slice(0, 300)}`);
	return answer ? JSON.parse(answer) : null;
}

/** Runs `fn` over `items`, `width` at a time. */
async function eachLimited(items, width, fn) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(width, items.length) }, async () => {
			while (next < items.length) await fn(items[next++]);
		}),
	);
}

/** Physical products in stock with a USD price: one variant each, what the shoppers buy. */
async function pickVariants(base, want) {
	const list = await coreCall(base, ANONYMOUS, "GET", "/catalog/products?kind=physical&inStock=true&limit=100");
	const picked = [];
	for (const { slug } of list.items) {
		const p = await coreCall(base, ANONYMOUS, "GET", `/catalog/products/${slug}`);
		const v = p.variants.find((x) => x.inStock && x.prices.some((m) => m.currency === "USD"));
		if (v) picked.push({ id: v.id, sku: v.sku, slug });
		if (picked.length === want) break;
	}
	if (picked.length === 0) throw new Error("no stocked physical variant priced in USD in the seeded catalog");
	return picked;
}

/** Every SKU the bench sells gets plenty of units (defined first: the copied seed may lack them). */
async function stockUp(base, skus) {
	await eachLimited(skus, 4, async (sku) => {
		await coreCall(base, ADMIN, "PUT", `/inventory/admin/skus/${encodeURIComponent(sku)}`, { policy: "tracked" });
		await coreCall(base, ADMIN, "POST", `/inventory/admin/skus/${encodeURIComponent(sku)}/receive`, {
			quantity: STOCK_PER_SKU,
			reason: "bench stock",
		});
	});
}

/**
 * Distinct registered customers, as the storefront signs them up (argon2id: a few at a time):
 * POST /identity/register, then the link mailed to the address, read from the local core's
 * dev mailbox.
 */
async function registerShoppers(base, n, runId) {
	const shoppers = Array.from({ length: n }, (_, i) => ({ email: `bench-${runId}-${i}@example.test` }));
	await eachLimited(shoppers, 4, async (s) => {
		await coreCall(base, ANONYMOUS, "POST", "/identity/register", {
			email: s.email,
			password: PASSWORD,
			name: "Bench Shopper",
		});
		const mail = await coreCall(base, ANONYMOUS, "GET", `/identity/dev/mail?to=${encodeURIComponent(s.email)}&limit=1`);
		const token = /\/account\/signup\/confirm\?token=([A-Za-z0-9_-]+)/.exec(mail.items[0]?.text ?? "")?.[1];
		if (!token) throw new Error(`no sign-up mail to ${s.email}`);
		const user = await coreCall(base, ANONYMOUS, "POST", "/identity/register/confirm", { token });
		s.caller = { user: user.id, roles: user.roles };
		s.password = PASSWORD;
	});
	return shoppers;
}

/**
 * Waits until the core has (nearly) stopped using CPU: the webhooks, bus relays and consumers a
 * checkout run sets off would otherwise spill into the next measurement.
 */
async function settle(pgid, maxMs = 15_000) {
	const until = Date.now() + maxMs;
	for (;;) {
		const a = groupCpuSeconds([pgid]);
		await new Promise((r) => setTimeout(r, 1000));
		const busy = groupCpuSeconds([pgid]) - a;
		if (busy < 0.1 || Date.now() > until) return busy;
	}
}

let specSeq = 0;
/** One run of the shoppers child (Bun), with the CPU split of its window. */
async function runShoppers(tmp, serverPgids, spec) {
	const file = join(tmp, `shoppers-${++specSeq}.json`);
	writeFileSync(file, JSON.stringify(spec));
	const { result, ...cpu } = await withCpuSplit(serverPgids, async (onSpawn) => {
		const { stdout } = await runProcess(bin("bun"), [join(root, "bench/lib/shoppers.ts"), file], {
			cwd: root,
			timeoutMs: (spec.warmupS + spec.durationS + 120) * 1000,
			onSpawn,
		});
		const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
		if (!line) throw new Error(`shoppers printed no result:\n${stdout.slice(-2000)}`);
		return JSON.parse(line.slice("BENCH_JSON ".length));
	});
	return { ...result, ...cpu };
}

function jsonLine(stdout, what) {
	const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
	if (!line) throw new Error(`${what} printed no result:\n${stdout.slice(-2000)}`);
	return JSON.parse(line.slice("BENCH_JSON ".length));
}

/**
 * A row of the main table from a shoppers result: `stepName` supplies p50/p99. `idleCores` is
 * what the server burns doing nothing (bus and relay polls, sweepers), taken off before the CPU
 * per loop is worked out: at a few loops a second it would otherwise dominate.
 */
function loopRow(id, target, runtime, c, r, stepName, unit, idleCores = 0) {
	const s = r.steps[stepName] ?? { p50: Number.NaN, p99: Number.NaN, count: 0 };
	return {
		id,
		target,
		runtime,
		concurrency: c,
		rate: r.perSecond,
		unit,
		windowS: r.windowS,
		p50: s.p50,
		p99: s.p99,
		errors: r.failed,
		idleCores,
		cpuMsPerOp:
			r.serverCpu == null || !r.finishedTotal
				? null
				: (Math.max(0, r.serverCpu - idleCores) * r.elapsedS * 1000) / r.finishedTotal,
		errorKinds: r.errors,
		examples: r.examples,
		steps: r.steps,
		serverCpu: r.serverCpu,
		clientCpu: r.clientCpu,
		otherCpu: r.otherCpu,
		machineCpu: r.machineCpu,
	};
}

function wrkRow(id, target, runtime, c, r) {
	return {
		id,
		target,
		runtime,
		concurrency: c,
		rate: r.rps,
		unit: "req/s",
		windowS: r.durationS,
		p50: r.p50,
		p99: r.p99,
		errors: r.errors + r.non2xx,
		cpuMsPerOp: r.serverCpu == null || !r.requests ? null : (r.serverCpu * r.elapsedS * 1000) / r.requests,
		serverCpu: r.serverCpu,
		clientCpu: r.clientCpu,
		otherCpu: r.otherCpu,
		machineCpu: r.machineCpu,
	};
}

function printRow(r) {
	const failed = r.errors ? `  errors ${r.errors}${r.errorKinds ? ` ${JSON.stringify(r.errorKinds)}` : ""}` : "";
	log(
		`    c=${String(r.concurrency).padStart(3)}  ${Math.round(r.rate).toString().padStart(6)} ${r.unit}  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  cpu srv ${r.serverCpu?.toFixed(2) ?? "-"} client ${r.clientCpu.toFixed(2)} other ${r.otherCpu.toFixed(2)}${failed}`,
	);
	if (r.cpuMsPerOp != null && r.idleCores != null)
		log(`      server CPU ${r.cpuMsPerOp.toFixed(2)} ms per op (idle burn ${r.idleCores.toFixed(3)} cores taken off)`);
	for (const ex of r.examples ?? []) log(`      e.g. ${ex}`);
}

export async function checkoutBench(argv) {
	const opts = options(argv);
	const want = (group) => !opts.only || opts.only.has(group);
	const tool = pickTool();
	const machine = machineInfo();
	const started = new Date();
	const runId = started.getTime().toString(36);
	const tmp = mkdtempSync(join(tmpdir(), "bazaar-bench-checkout-"));
	const rows = [];
	const notes = [];
	const top = Math.max(...opts.concurrency);
	const shopperCount = top;
	let statements = null;
	const reserveInProcess = [];
	let edgeRuntime = null;
	log(`bench checkout: load ${tool.version} + Bun shoppers; ${machine.nproc} cores (${machine.cpuModel}) shared`);
	log(`  data in ${tmp}`);
	const disk = { before: diskSyncLatency(tmp), after: null };
	const load = { before: loadavg(), after: null };
	log(`  disk: 4 KiB write + fdatasync p50 ${disk.before.p50.toFixed(2)} ms, p99 ${disk.before.p99.toFixed(2)} ms`);

	try {
		log("seeding");
		const dir = join(tmp, "core");
		const seed = await seedCore("core", dir, opts.products, opts.freshSeed);
		// The core must know the storefront's origin (payment return URLs, the sandbox page's
		// base) before it starts, so the Worker's port is chosen first.
		const edgePort = await freePort();
		const shopOrigin = `http://127.0.0.1:${edgePort}`;
		log("starting the core");
		const core = await startCore("core", dir, {
			env: {
				EDGE_URL: shopOrigin,
				CORE_PROCESSES: String(opts.coreProcesses),
				...(opts.redis ? { REDIS_URL: opts.redis } : {}),
			},
			// Bun's sampling profiler, written (JSON + markdown) when the core stops: where its CPU went.
			bunArgs: opts.profileCore ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${opts.profileCore}`] : [],
		});
		const base = core.base;
		try {
			const variants = await pickVariants(base, 24);
			const hotSku = `BENCH-HOT-${runId}`;
			const spreadSkus = Array.from({ length: 100 }, (_, i) => `BENCH-${runId}-${i}`);
			log(`  stocking ${variants.length} variants + ${spreadSkus.length + 1} reserve SKUs with ${STOCK_PER_SKU} units`);
			await stockUp(base, [...variants.map((v) => v.sku), hotSku, ...spreadSkus]);
			const needShoppers = want("core") || want("edge");
			const shoppers = needShoppers ? await registerShoppers(base, shopperCount, runId) : [];
			if (needShoppers) log(`  registered ${shoppers.length} customers`);
			const product = variants[0].slug;

			if (want("catalog")) {
				log(`catalog product read, GET /catalog/products/${product} (wrk, ${opts.catalogDuration} s per concurrency)`);
				const path = `/catalog/products/${product}`;
				for (const c of opts.concurrency) {
					const r = await drive(tool, {
						baseUrl: base,
						requests: [{ path, headers: await sign({ secret: SECRET, method: "GET", path }) }],
						connections: c,
						duration: opts.catalogDuration,
						serverPgids: [core.pgid],
					});
					const row = wrkRow("catalog", "core GET /catalog/products/:slug", "core", c, r);
					rows.push(row);
					printRow(row);
				}
			}

			if (want("floor")) {
				log("floor: bare Bun.serve (wrk)");
				const probe = await fetch(`${base}/catalog/products/${product}`, {
					headers: await sign({ secret: SECRET, method: "GET", path: `/catalog/products/${product}` }),
				});
				const floor = await startFloor((await probe.arrayBuffer()).byteLength);
				try {
					for (const c of opts.concurrency) {
						const r = await drive(tool, {
							baseUrl: floor.base,
							requests: [{ path: "/" }],
							connections: c,
							duration: opts.duration,
							serverPgids: [floor.pgid],
						});
						const row = wrkRow("floor", "bare Bun.serve fixed JSON", "bun", c, r);
						rows.push(row);
						printRow(row);
					}
				} finally {
					await floor.proc.stop();
				}
			}

			if (want("core")) {
				log(
					`core checkout: shoppers loop cart → checkout → pay page → approve${opts.waitPaid ? " → until paid" : ""} (${opts.warmup} s warm-up + ${opts.duration} s)`,
				);
				for (const c of opts.concurrency) {
					const idle = await settle(core.pgid);
					const r = await runShoppers(tmp, [core.pgid], {
						mode: "core-checkout",
						base,
						secret: SECRET,
						shoppers: shoppers.slice(0, c).map((s) => s.caller),
						variants: variants.map((v) => v.id),
						shopOrigin,
						waitPaid: opts.waitPaid,
						thinkMs: opts.thinkMs,
						concurrency: c,
						warmupS: opts.warmup,
						durationS: opts.duration,
					});
					const row = loopRow("core-loop", "core checkout loop", "core", c, r, "loop", "orders/s", idle);
					rows.push(row);
					printRow(row);
					for (const [step, s] of Object.entries(r.steps))
						if (step !== "loop") log(`      ${step.padEnd(34)} p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms`);
				}
			}

			// The edge before the reserve runs: those publish an inventory event per reservation,
			// and a backlog on the bus would land in the edge's figures.
			if (want("edge")) {
				const edgeRows = await edgePart({ tmp, opts, tool, core, edgePort, shoppers, variants, notes, machine });
				rows.push(...edgeRows.rows);
				edgeRuntime = edgeRows.runtime;
			}
			if (want("reserve")) {
				for (const [kind, skus] of [
					["hot", [hotSku]],
					["spread", spreadSkus],
				]) {
					log(`reserve path over HTTP, ${kind} (${skus.length} SKU${skus.length > 1 ? "s" : ""})`);
					for (const c of opts.concurrency) {
						const idle = await settle(core.pgid);
						const r = await runShoppers(tmp, [core.pgid], {
							mode: "reserve",
							base,
							secret: SECRET,
							skus,
							runId: `${runId}-${kind}-${c}`,
							concurrency: c,
							warmupS: opts.warmup,
							durationS: opts.duration,
						});
						const row = loopRow(
							`reserve-${kind}`,
							`core POST /inventory/reservations, ${kind} (${skus.length} SKU${skus.length > 1 ? "s" : ""})`,
							"core",
							c,
							r,
							"loop",
							"res/s",
							idle,
						);
						rows.push(row);
						printRow(row);
					}
				}
			}
		} finally {
			await core.proc.stop();
		}

		if (want("reserve")) {
			// The verb alone, in a process of its own with nothing else in it: what the module can do
			// before HTTP, signatures and the rest of the core take their share.
			// Concurrent callers: a peak sale's many requests in flight, whose reservations coalesce.
			const callers = 1_024;
			log(`reserve verb in-process (bun core/src/inventory/testing/bench-reserve.ts, c=${callers})`);
			for (const kind of ["hot", "spread"]) {
				const total = 20_000 * Math.min(opts.duration, 10);
				const { stdout } = await runProcess(
					bin("bun"),
					[
						"core/src/inventory/testing/bench-reserve.ts",
						String(total),
						String(callers),
						"--skus",
						kind,
						"--commit-every",
						"0",
						"--json",
					],
					{ cwd: root, timeoutMs: 600_000 },
				);
				const r = { kind, ...jsonLine(stdout, "bench-reserve") };
				reserveInProcess.push(r);
				log(
					`    ${kind.padEnd(6)} ${r.total} at c=${r.concurrency}: ${Math.round(r.perSecond)} res/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  books balanced ${r.balanced}`,
				);
			}
		}

		if (want("statements")) {
			log("SQL statements per checkout (bench/lib/checkout-statements.mjs, composed core in-process)");
			const { stdout } = await runProcess(bin("bun"), ["bench/lib/checkout-statements.mjs"], {
				cwd: root,
				timeoutMs: 300_000,
			});
			statements = jsonLine(stdout, "checkout-statements").runs;
			for (const [lines, r] of Object.entries(statements))
				log(
					`    ${lines}: ${r.total} statements (${perDb(r.counts)}); ${r.commits} durable commits (${perDb(r.commitsPerDatabase)})`,
				);
		}

		disk.after = diskSyncLatency(tmp);
		load.after = loadavg();
		const checks = computeChecks(rows, statements, opts, reserveInProcess);
		const finished = new Date();
		const result = {
			bench: "checkout",
			startedAt: started.toISOString(),
			seconds: Math.round((finished - started) / 1000),
			machine,
			disk,
			load,
			loadTool: tool.version,
			edgeRuntime,
			settings: {
				duration: opts.duration,
				catalogDuration: opts.catalogDuration,
				concurrency: opts.concurrency,
				warmupSeconds: opts.warmup,
				products: opts.products,
				redis: Boolean(opts.redis),
				waitPaid: opts.waitPaid,
				thinkMs: opts.thinkMs,
				stockPerSku: STOCK_PER_SKU,
			},
			seed,
			rows,
			reserveInProcess,
			statements,
			checks,
			notes,
		};
		print(result);
		if (opts.report) writeReport("checkout", started, { markdownBody: markdown(result), json: result }, log);
		return checks.every((c) => c.pass) ? 0 : 1;
	} finally {
		if (!opts.keepData) rmSync(tmp, { recursive: true, force: true });
	}
}

/** The same journey through the Worker's JSON API, when the edge has it. */
async function edgePart({ tmp, opts, tool, core, edgePort, shoppers, variants, notes, machine }) {
	const rows = [];
	log("edge: the built Worker on Miniflare's direct socket, in front of the same core");
	const edge = await startEdge(tmp, core.base, { port: edgePort });
	const runtime =
		`workerd ${machine.workerd.replace(/^workerd\s*/, "")} started by Miniflare ${machine.miniflare}, the built Worker on a direct socket ` +
		"(no wrangler dev proxy, no Miniflare entry worker in front); KV, R2 and the Cache API are Miniflare's local simulators";
	try {
		for (const c of opts.concurrency) {
			const r = await drive(tool, {
				baseUrl: edge.base,
				requests: [{ path: "/livez" }],
				connections: c,
				duration: opts.catalogDuration,
				serverPgids: [edge.pgid, core.pgid],
			});
			const row = wrkRow("edge-healthz", "edge /livez (trivial)", "workerd", c, r);
			rows.push(row);
			printRow(row);
		}
		// Each shopper signs in once, from an address of its own: 64 shoppers are 64 people, and
		// the login limit per IP (30 per 10 minutes) would otherwise refuse the 31st.
		const tokens = [];
		for (const [i, s] of shoppers.entries()) {
			const res = await fetch(`${edge.base}/api/session`, {
				method: "POST",
				headers: { "content-type": "application/json", "cf-connecting-ip": `198.18.${i >> 8}.${i & 255}` },
				body: JSON.stringify({ email: s.email, password: s.password }),
			});
			const text = await res.text();
			if (res.status !== 201 && res.status !== 200) {
				notes.push(
					`SKIPPED edge checkout: POST /api/session answered HTTP ${res.status} (${text.slice(0, 160).replace(/\s+/g, " ")}).`,
				);
				log(`  SKIPPED edge checkout: POST /api/session → ${res.status} ${text.slice(0, 300)}`);
				return { rows, runtime };
			}
			tokens.push(JSON.parse(text).token);
		}
		log(
			`edge checkout: shoppers loop /api/cart/lines → /api/checkout → /sandbox-pay page → approve${opts.waitPaid ? " → until paid" : ""}`,
		);
		for (const c of opts.concurrency) {
			const idle = (await settle(core.pgid)) + (await settle(edge.pgid));
			const r = await runShoppers(tmp, [edge.pgid, core.pgid], {
				mode: "edge-checkout",
				base: edge.base,
				tokens: tokens.slice(0, c),
				variants: variants.map((v) => v.id),
				waitPaid: opts.waitPaid,
				thinkMs: opts.thinkMs,
				concurrency: c,
				warmupS: opts.warmup,
				durationS: opts.duration,
			});
			const row = loopRow("edge-loop", "edge checkout loop", "workerd+core", c, r, "loop", "orders/s", idle);
			rows.push(row);
			printRow(row);
			for (const [step, s] of Object.entries(r.steps))
				if (step !== "loop") log(`      ${step.padEnd(34)} p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms`);
		}
	} catch (err) {
		notes.push(`edge part stopped: ${err.message.split("\n")[0]}`);
		log(`  edge part stopped: ${err.stack ?? err}`);
	} finally {
		await edge.proc.stop();
	}
	return { rows, runtime };
}

const perDb = (counts) =>
	Object.entries(counts ?? {})
		.map(([k, v]) => `${k} ${v}`)
		.join(", ");

function find(rows, id, c) {
	return rows.find((r) => r.id === id && r.concurrency === c);
}

function computeChecks(rows, statements, opts, reserveInProcess = []) {
	const checks = [];
	const top = Math.max(...opts.concurrency);
	const floor = find(rows, "floor", top);
	for (const r of reserveInProcess)
		checks.push({
			name: `reserve verb in-process, durable, ${r.kind} (${r.total} at c=${r.concurrency}, books balanced ${r.balanced})`,
			value: `${fmt.rate(r.perSecond)} res/s`,
			target: `≥ ${fmt.rate(RESERVE_VERB_TARGET)} res/s, balanced`,
			pass: r.perSecond >= RESERVE_VERB_TARGET && r.balanced,
		});
	for (const kind of ["hot", "spread"]) {
		const r = find(rows, `reserve-${kind}`, top);
		if (!r) continue;
		if (floor)
			checks.push({
				name: `core POST /inventory/reservations, ${kind}, vs the bare Bun.serve floor (${fmt.rate(floor.rate)} req/s) at c=${top}`,
				value: `${fmt.rate(r.rate)} res/s = ${((100 * r.rate) / floor.rate).toFixed(0)}%`,
				target: `≥ ${RESERVE_HTTP_FLOOR_RATIO * 100}%`,
				pass: r.rate >= RESERVE_HTTP_FLOOR_RATIO * floor.rate,
			});
		checks.push({
			name: `core POST /inventory/reservations, ${kind}: server CPU per reservation`,
			value: r.cpuMsPerOp == null ? "-" : `${r.cpuMsPerOp.toFixed(3)} ms`,
			target: `≤ ${RESERVE_CPU_MS_TARGET} ms`,
			pass: r.cpuMsPerOp != null && r.cpuMsPerOp <= RESERVE_CPU_MS_TARGET,
		});
	}
	const catalog = find(rows, "catalog", top);
	if (catalog && floor)
		checks.push({
			name: `core catalog product read vs the floor at c=${top}`,
			value: `${fmt.rate(catalog.rate)} req/s = ${((100 * catalog.rate) / floor.rate).toFixed(0)}%`,
			target: `≥ ${CATALOG_FLOOR_RATIO * 100}%`,
			pass: catalog.rate >= CATALOG_FLOOR_RATIO * floor.rate,
		});
	for (const [lines, r] of Object.entries(statements ?? {}))
		checks.push({
			name: `SQL statements per checkout (${lines} in the cart)`,
			value: String(r.total),
			target: `≤ ${STATEMENTS_TARGET}`,
			pass: r.total <= STATEMENTS_TARGET,
		});
	const c = opts.concurrency.includes(64) ? 64 : Math.max(...opts.concurrency);
	const loop = find(rows, "core-loop", c);
	if (loop) {
		const step = loop.steps["checkout POST /checkout"];
		checks.push({
			name: `core POST /checkout p99 at ${c} concurrent shoppers`,
			value: step ? `${step.p99.toFixed(1)} ms` : "no checkout completed",
			target: `< ${P99_TARGET_MS} ms`,
			pass: Boolean(step) && step.p99 < P99_TARGET_MS,
		});
		checks.push({
			name: `core whole loop (cart → checkout → pay page → approve${opts.waitPaid ? " → paid" : ""}) p99 at ${c} concurrent shoppers`,
			value: Number.isFinite(loop.p99) ? `${loop.p99.toFixed(1)} ms` : "no loop completed",
			target: `< ${P99_TARGET_MS} ms`,
			pass: loop.p99 < P99_TARGET_MS,
		});
		checks.push({
			name: `core checkout loops per second at ${c} concurrent shoppers`,
			value: `${fmt.rate(loop.rate)} orders/s`,
			target: `≥ ${ORDERS_TARGET} orders/s`,
			pass: loop.rate >= ORDERS_TARGET,
		});
		checks.push({
			name: "core server CPU per purchase (cart, checkout, pay page, approve, webhook, bus)",
			value: loop.cpuMsPerOp == null ? "-" : `${loop.cpuMsPerOp.toFixed(2)} ms`,
			target: `≤ ${PURCHASE_CPU_MS_TARGET} ms`,
			pass: loop.cpuMsPerOp != null && loop.cpuMsPerOp <= PURCHASE_CPU_MS_TARGET,
		});
		const edge = find(rows, "edge-loop", c);
		if (edge)
			checks.push({
				name: `checkout loops through the built Worker vs the core alone at ${c} shoppers`,
				value: `${fmt.rate(edge.rate)} vs ${fmt.rate(loop.rate)} orders/s = ${((100 * edge.rate) / loop.rate).toFixed(0)}%`,
				target: `≥ ${EDGE_ORDERS_RATIO * 100}%`,
				pass: edge.rate >= EDGE_ORDERS_RATIO * loop.rate,
			});
		const done = loop.steps.loop?.count ?? 0;
		checks.push({
			name: `core checkout loops without an error at ${c} concurrent shoppers`,
			value: `${loop.errors} failed of ${done + loop.errors}`,
			target: "0 failed, > 0 done",
			pass: loop.errors === 0 && done > 0,
		});
	}
	return checks;
}

const fmt = {
	rate: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-"),
	ms: (n) => (!Number.isFinite(n) ? "-" : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
	cpu: (n) => (n == null ? "-" : n.toFixed(2)),
};

const MAIN_COLUMNS = [
	["target", (r) => r.target],
	["conc", (r) => String(r.concurrency)],
	["per second", (r) => `${fmt.rate(r.rate)} ${r.unit}`],
	["window s", (r) => (r.windowS == null ? "-" : r.windowS.toFixed(1))],
	["p50 ms", (r) => fmt.ms(r.p50)],
	["p99 ms", (r) => fmt.ms(r.p99)],
	["errors", (r) => String(r.errors)],
	["srv cores", (r) => fmt.cpu(r.serverCpu)],
	["srv CPU ms/op", (r) => (r.cpuMsPerOp == null ? "-" : fmt.ms(r.cpuMsPerOp))],
	["client", (r) => fmt.cpu(r.clientCpu)],
	["other", (r) => fmt.cpu(r.otherCpu)],
	["machine %", (r) => (r.machineCpu == null ? "-" : r.machineCpu.toFixed(0))],
];

/** One row per step of each checkout loop run. */
function stepRows(rows) {
	const out = [];
	for (const r of rows.filter((x) => x.id.endsWith("-loop"))) {
		for (const [step, s] of Object.entries(r.steps)) {
			out.push({ target: r.target, concurrency: r.concurrency, step, ...s });
		}
	}
	return out;
}

const STEP_COLUMNS = [
	["loop", (r) => r.target],
	["conc", (r) => String(r.concurrency)],
	["step", (r) => r.step],
	["count", (r) => String(r.count)],
	["p50 ms", (r) => fmt.ms(r.p50)],
	["p90 ms", (r) => fmt.ms(r.p90)],
	["p99 ms", (r) => fmt.ms(r.p99)],
	["max ms", (r) => fmt.ms(r.max)],
];

const RESERVE_COLUMNS = [
	["SKUs", (r) => `${r.kind} (${r.skus})`],
	["conc", (r) => String(r.concurrency)],
	["reservations", (r) => String(r.total)],
	["per second", (r) => fmt.rate(r.perSecond)],
	["p50 ms", (r) => fmt.ms(r.p50)],
	["p99 ms", (r) => fmt.ms(r.p99)],
	["books balanced", (r) => String(r.balanced)],
];

/** Catalog, floor, checkout and reserve at the top concurrency, side by side. */
function sideBySide(result) {
	const c = Math.max(...result.settings.concurrency);
	const pick = [
		["catalog", "catalog product read (core)"],
		["floor", "bare Bun.serve floor"],
		["core-loop", "checkout loop (core)"],
		["reserve-hot", "reserve over HTTP, hot SKU"],
		["reserve-spread", "reserve over HTTP, spread"],
		["edge-healthz", "edge /livez (trivial)"],
		["edge-loop", "checkout loop (edge + core)"],
	];
	const out = [];
	for (const [id, label] of pick) {
		const r = find(result.rows, id, c);
		if (r) out.push({ ...r, target: label });
	}
	return out;
}

function describe(result) {
	const m = result.machine;
	const s = result.settings;
	const sync = (d) => `p50 ${d.p50.toFixed(2)} ms, p90 ${d.p90.toFixed(2)} ms, p99 ${d.p99.toFixed(2)} ms`;
	const lines = [
		`Machine: ${m.nproc} cores, ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}; node ${m.node}, bun ${m.bun}, ${m.workerd}, miniflare ${m.miniflare}, wrangler ${m.wrangler}.`,
		`Load average (1, 5, 15 min) on the ${m.nproc} cores: ${result.load.before.map((x) => x.toFixed(1)).join(", ")} at the start, ${result.load.after?.map((x) => x.toFixed(1)).join(", ") ?? "-"} at the end.`,
		`Disk (the temp dir the databases live in): 4 KiB write + fdatasync, what each libSQL commit pays (WAL, synchronous=FULL) — before the run ${sync(result.disk.before)}; after ${result.disk.after ? sync(result.disk.after) : "-"}. The local libSQL driver commits synchronously on the core's event loop, so this is also a stall of every request in flight.`,
		`Load: ${result.loadTool} (one thread) for the catalog read, the floor and the edge's trivial route; the checkout loops and the reservation calls come from bench/lib/shoppers.ts under Bun, one process, one virtual shopper per concurrent connection. Servers and clients share the ${m.nproc} cores: "srv cores" is the CPU the server's processes used (1.00 = one core), "client" the load process, "other" everything else on the machine (other people's builds and tests), "machine %" the whole machine's busy share. A run with much "other" is not comparable with a quiet one. "srv CPU ms/op" is the server's CPU time per request, loop or reservation over the whole run (warm-up included): it suffers least from a busy machine, since it counts what our code costs rather than how long it waited for a core. For the loops and reservations the server's idle burn (bus and relay polls, sweepers; measured for 1 s before each run) is taken off first.`,
		`Runs: ${s.duration} s per concurrency (${s.concurrency.join(", ")}) after a ${s.warmupSeconds} s warm-up for the loops and the reserve calls, ${s.catalogDuration} s for the catalog read and the edge's trivial route; before each loop run the bench waits for the core to go idle (webhooks, bus relays and consumers of the previous run).`,
		`Core: bun core/src/main.ts with EDGE_PUSH=off, ${s.redis ? "REDIS_URL set (Redis bus and cache)" : "no Redis (libSQL outbox bus, in-process caches)"}, synchronous=FULL libSQL files in a temp dir; the seeded catalog (${result.seed.products} products${result.seed.reused ? `, cached seed of ${result.seed.seededAt}` : ""}); the bench's SKUs stocked with ${s.stockPerSku.toLocaleString("en-US")} units each so no run sells out.`,
		`Checkout loop: each virtual shopper is a distinct customer registered through POST /identity/register; one loop = POST /cart/lines (1 unit of one of 24 products) → POST /checkout (fresh Idempotency-Key, address + standard shipping) → GET the sandbox's hosted page → POST approve with its csrf (303 back to the shop)${s.waitPaid ? " → GET /orders/:id until paid" : ""}, ${s.thinkMs ? `then ${s.thinkMs} ms of "thinking" before the next loop (not counted in the latencies)` : "loops back to back with no think time (a closed loop: each shopper starts its next purchase the moment the last one ends, so 64 shoppers are 64 requests always in flight)"}. Every core call is signed with @bazaar/signature as the edge signs it, caller = the shopper. The sandbox's webhook, the bus and the order's move to paid run in the background${s.waitPaid ? " and are waited for" : " and are not waited for (--wait-paid does)"}. "orders/s" counts loops completed in the measured window; loop and step latencies are from loops started in it (in-flight loops finish and count). A window stays open past its ${s.duration} s until every shopper has recorded a loop (at most 60 s): "window s" is its real length.`,
		"Reserve path: POST /inventory/reservations signed as a core service (1 unit, a fresh order id per call) on one hot SKU and spread over 100; and the verb in-process in a process of its own, after the core has stopped (core/src/inventory/testing/bench-reserve.ts: no HTTP, no signature, no other module), which shows what the module itself allows.",
		`Edge runtime measured: ${result.edgeRuntime ?? "not run"}.`,
	];
	return [...lines, ...result.notes];
}

function print(result) {
	const out = ["", formatTable(MAIN_COLUMNS, result.rows)];
	const steps = stepRows(result.rows);
	if (steps.length) out.push("", formatTable(STEP_COLUMNS, steps));
	if (result.reserveInProcess.length) out.push("", formatTable(RESERVE_COLUMNS, result.reserveInProcess));
	out.push("", ...checkText(result.checks), "", ...describe(result));
	process.stdout.write(`${out.join("\n")}\n`);
}

function checkText(checks) {
	if (!checks.length) return ["(no targets to check)"];
	return checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.value} (target ${c.target})`);
}

function markdown(result) {
	const md = (columns, rows) => formatTable(columns, rows, { markdown: true });
	const out = [...describe(result).map((l) => `- ${l}`), ""];
	const side = sideBySide(result);
	if (side.length) {
		out.push(
			`## Side by side at ${Math.max(...result.settings.concurrency)} concurrent clients`,
			"",
			md(MAIN_COLUMNS, side),
			"",
		);
	}
	out.push("## Targets", "", "| | check | measured | target |", "| --- | --- | ---: | --- |");
	for (const c of result.checks) out.push(`| ${c.pass ? "PASS" : "**FAIL**"} | ${c.name} | ${c.value} | ${c.target} |`);
	out.push("", "## All runs", "", md(MAIN_COLUMNS, result.rows), "");
	const steps = stepRows(result.rows);
	if (steps.length) out.push("## Checkout loop steps", "", md(STEP_COLUMNS, steps), "");
	const failures = result.rows.filter((r) => r.errors > 0 && r.errorKinds);
	if (failures.length) {
		out.push("## Failed loops", "");
		for (const r of failures)
			out.push(`- ${r.target} c=${r.concurrency}: ${JSON.stringify(r.errorKinds)}; e.g. ${r.examples?.[0] ?? ""}`);
		out.push("");
	}
	if (result.reserveInProcess.length)
		out.push("## Reserve verb in-process", "", md(RESERVE_COLUMNS, result.reserveInProcess), "");
	if (result.statements) {
		out.push(
			"## SQL statements per checkout",
			"",
			"One `POST /checkout` on the composed core in-process (bench/lib/checkout-statements.mjs), counted per database; durable commits are the transactions' COMMITs and the writes run on their own, each a WAL fsync.",
			"",
			"| cart | statements | per database | durable commits | per database |",
			"| --- | ---: | --- | ---: | --- |",
		);
		for (const [lines, r] of Object.entries(result.statements))
			out.push(`| ${lines} | ${r.total} | ${perDb(r.counts)} | ${r.commits} | ${perDb(r.commitsPerDatabase)} |`);
		out.push("");
	}
	out.push("Command: `npm run bench -- checkout`");
	return out.join("\n");
}
