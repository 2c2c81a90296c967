// Load generators, each in its own process (never in the process of the server under test, nor
// in the orchestrator's). wrk (C, epoll) is preferred: on a 2-core machine the client competes
// with the server for CPU, and wrk spends several times less CPU per request than autocannon
// (Node), so it disturbs the measurement least. autocannon 9 is the fallback where wrk is absent.
//
// A target is a base URL plus one or more requests (path + headers); with several, each
// connection cycles through them (e.g. many product slugs, each pre-signed for the core).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { groupCpuSeconds, runProcess } from "./procs.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "bazaar-bench-load-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
let scriptSeq = 0;

export function wrkVersion() {
	try {
		const out = execFileSync("wrk", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
		return out
			.split("\n")[0]
			.replace(/ Copyright.*/, "")
			.trim();
	} catch (err) {
		// wrk prints its version and usage, then exits 1.
		const text = `${err.stdout ?? ""}`.split("\n")[0].trim();
		return text.startsWith("wrk") ? text.replace(/ Copyright.*/, "") : null;
	}
}

export function pickTool(requested) {
	if (requested === "autocannon") return { name: "autocannon", version: autocannonVersion() };
	const wrk = wrkVersion();
	if (requested === "wrk" && !wrk) throw new Error("wrk requested but not installed (apt-get install -y wrk)");
	if (wrk) return { name: "wrk", version: wrk };
	return { name: "autocannon", version: autocannonVersion() };
}

function autocannonVersion() {
	return `autocannon ${execFileSync(process.execPath, ["-p", 'require("autocannon/package.json").version'], { cwd: here, encoding: "utf8" }).trim()}`;
}

const luaString = (s) => `"${String(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

function wrkScript(requests) {
	const lines = [];
	if (requests.length === 1) {
		// One request: let wrk pre-build it once (no Lua on the hot path).
		const [r] = requests;
		lines.push(`wrk.path = ${luaString(r.path)}`);
		for (const [k, v] of Object.entries(r.headers ?? {})) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
	} else {
		// Built in init(): wrk.format() takes the Host header from wrk.headers, set just before.
		lines.push("local reqs = {}");
		lines.push("init = function(args)");
		for (const r of requests) {
			const headers = Object.entries(r.headers ?? {})
				.map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`)
				.join(", ");
			lines.push(`\treqs[#reqs + 1] = wrk.format("GET", ${luaString(r.path)}, {${headers}})`);
		}
		lines.push("end");
		lines.push("local i = 0");
		lines.push("request = function()\n\ti = i % #reqs + 1\n\treturn reqs[i]\nend");
	}
	lines.push(`done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\\n',
		summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
		latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end`);
	const file = join(scratch, `target-${++scriptSeq}.lua`);
	writeFileSync(file, `${lines.join("\n")}\n`);
	return file;
}

/** Whole-machine CPU seconds (busy and total, summed over cores) from /proc/stat. */
function procStatBusy() {
	const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
	const idle = cpu[3] + cpu[4];
	const total = cpu.reduce((a, b) => a + b, 0);
	return { busy: (total - idle) / 100, total: total / 100 };
}

/**
 * Drives one target at one concurrency for `duration` seconds.
 * @returns {Promise<{rps:number,p50:number,p90:number,p99:number,max:number,mean:number,requests:number,
 *   errors:number,non2xx:number,durationS:number,serverCpu:number|null,machineCpu:number}>} latencies in ms
 */
export async function drive(tool, { baseUrl, requests, connections, duration, serverPgids = [] }) {
	const { result, ...cpu } = await withCpuSplit(serverPgids, (onSpawn) =>
		tool.name === "wrk"
			? runWrk(baseUrl, requests, connections, duration, onSpawn)
			: runAutocannon(baseUrl, requests, connections, duration, onSpawn),
	);
	return { ...result, ...cpu };
}

/**
 * Runs a load client (`start(onSpawn)` spawns it as a child and resolves with its result) and
 * splits the machine's CPU over that window between the server's process groups, the client and
 * everything else. Rates are in cores (1.00 = one core busy); the client's over its own
 * `durationS` when it reports one (wrk's start-up is not load), else over the whole window.
 */
export async function withCpuSplit(serverPgids, start) {
	const cpu0 = groupCpuSeconds(serverPgids);
	const m0 = procStatBusy();
	const t0 = performance.now();
	// The client's CPU, sampled while it runs (it is gone when it ends); the last ~200 ms are lost.
	let clientCpu = 0;
	let sampler;
	const onSpawn = (child) => {
		sampler = setInterval(() => {
			clientCpu = Math.max(clientCpu, groupCpuSeconds([child.pid]));
		}, 200);
	};
	let result;
	try {
		result = await start(onSpawn);
	} finally {
		clearInterval(sampler);
	}
	const cpu1 = groupCpuSeconds(serverPgids);
	const m1 = procStatBusy();
	// Over the whole window (the client's start-up included), in cores: 1.00 = one core busy.
	const elapsed = (performance.now() - t0) / 1000;
	const cores = (m1.total - m0.total) / elapsed;
	const server = serverPgids.length ? (cpu1 - cpu0) / elapsed : null;
	const client = clientCpu / (result?.durationS ?? elapsed);
	const machine = (m1.busy - m0.busy) / elapsed;
	return {
		result,
		elapsedS: elapsed,
		serverCpu: server,
		clientCpu: client,
		// What else ran on the machine meanwhile (other people's builds and tests): the figures
		// of a run with much of this are not comparable with a quiet one.
		otherCpu: Math.max(0, machine - (server ?? 0) - client),
		machineCpu: cores > 0 ? (machine / cores) * 100 : 0,
	};
}

async function runWrk(baseUrl, requests, connections, duration, onSpawn) {
	const script = wrkScript(requests);
	const { stdout } = await runProcess(
		"wrk",
		["-t1", `-c${connections}`, `-d${duration}s`, "--timeout", "5s", "-s", script, baseUrl],
		{ timeoutMs: (duration + 30) * 1000, onSpawn },
	);
	const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
	if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
	const r = JSON.parse(line.slice("BENCH_JSON ".length));
	const durationS = r.duration_us / 1e6;
	return {
		requests: r.requests,
		durationS,
		rps: r.requests / durationS,
		p50: r.p50_us / 1000,
		p90: r.p90_us / 1000,
		p99: r.p99_us / 1000,
		max: r.max_us / 1000,
		mean: r.mean_us / 1000,
		errors: r.connect + r.read + r.write + r.timeout,
		// wrk counts status >= 400 here; the bench checks every target answers 200 before it runs.
		non2xx: r.status,
	};
}

async function runAutocannon(baseUrl, requests, connections, duration, onSpawn) {
	const spec = JSON.stringify({ baseUrl, requests, connections, duration });
	const { stdout } = await runProcess(process.execPath, [join(here, "autocannon-child.mjs"), spec], {
		timeoutMs: (duration + 30) * 1000,
		onSpawn,
	});
	return JSON.parse(stdout.trim().split("\n").pop());
}
