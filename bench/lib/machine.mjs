// The machine a report came from: numbers mean little without it.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
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
