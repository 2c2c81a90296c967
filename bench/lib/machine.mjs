// The machine a report came from: numbers mean little without it.

import { execFileSync } from "node:child_process";
import { closeSync, fdatasyncSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { availableParallelism, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = (name) => join(root, "node_modules/.bin", name);

function firstLine(cmd, args) {
	try {
		return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 })
			.split("\n")[0]
			.trim();
	} catch {
		return "unknown";
	}
}

function pkgVersion(name) {
	try {
		return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
	} catch {
		return "unknown";
	}
}

export function machineInfo() {
	let cpuModel = "unknown";
	try {
		const line = readFileSync("/proc/cpuinfo", "utf8")
			.split("\n")
			.find((l) => l.startsWith("model name"));
		if (line) cpuModel = line.split(":")[1].trim();
	} catch {}
	return {
		nproc: availableParallelism(),
		cpuModel,
		memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
		kernel: release(),
		node: process.version,
		bun: firstLine(bin("bun"), ["--version"]),
		workerd: firstLine(bin("workerd"), ["--version"]),
		miniflare: pkgVersion("miniflare"),
		wrangler: pkgVersion("wrangler"),
	};
}

/**
 * How long the disk under `dir` takes to make a small write durable (4 KiB + fdatasync, as a
 * libSQL commit in WAL mode with synchronous=FULL does): every write transaction pays this once,
 * on the core's event loop, so the checkout figures mean little without it. A busy neighbour
 * (builds, test databases) moves it from ~0.2 ms to tens of ms.
 */
export function diskSyncLatency(dir, rounds = 200) {
	const file = join(dir, `fsync-probe-${process.pid}`);
	const fd = openSync(file, "w");
	const block = Buffer.alloc(4096, 120);
	const ms = [];
	try {
		for (let i = 0; i < rounds; i++) {
			writeSync(fd, block);
			const t = performance.now();
			fdatasyncSync(fd);
			ms.push(performance.now() - t);
		}
	} finally {
		closeSync(fd);
		rmSync(file, { force: true });
	}
	ms.sort((a, b) => a - b);
	const at = (p) => ms[Math.min(ms.length - 1, Math.floor(ms.length * p))];
	return { rounds, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: ms.at(-1) };
}
