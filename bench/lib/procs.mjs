// Child processes of a bench run. Every server and load generator runs in its own process group,
// so stopping one takes its children with it (bun → workers, miniflare → workerd). Everything we
// started is stopped on normal exit, on an error and on Ctrl-C; nothing outlives the run.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** @type {Set<import("node:child_process").ChildProcess>} */
const live = new Set();

function killGroup(child, signal) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {}
	}
}

export function stopAllSync() {
	for (const child of live) killGroup(child, "SIGKILL");
	live.clear();
}

let hooked = false;
function hookExit() {
	if (hooked) return;
	hooked = true;
	process.on("exit", stopAllSync);
	for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
		process.on(signal, () => {
			process.stderr.write(`\nbench: ${signal}, stopping ${live.size} child process(es)\n`);
			stopAllSync();
			process.exit(130);
		});
	}
}

/**
 * Starts a long-running child in its own process group. Output goes to `log` (last lines kept
 * for error messages); `ready` resolves with the first stdout match of `readyPattern`.
 */
export function startProcess(name, command, args, { env, cwd, readyPattern, timeoutMs = 60_000 } = {}) {
	hookExit();
	const child = spawn(command, args, {
		cwd,
		env: { ...process.env, ...env },
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	live.add(child);
	const tail = [];
	const remember = (chunk) => {
		for (const line of chunk.toString().split("\n")) {
			if (!line) continue;
			tail.push(line.length > 300 ? `${line.slice(0, 300)} …` : line);
			if (tail.length > 40) tail.shift();
		}
	};
	let resolveReady;
	let rejectReady;
	const ready = new Promise((res, rej) => {
		resolveReady = res;
		rejectReady = rej;
	});
	let seen = "";
	child.stdout.on("data", (chunk) => {
		remember(chunk);
		if (!readyPattern) return;
		seen += chunk.toString();
		const m = seen.match(readyPattern);
		if (m) {
			resolveReady(m);
			seen = "";
		} else if (seen.length > 65536) seen = seen.slice(-4096);
	});
	child.stderr.on("data", remember);
	const timer = setTimeout(
		() => rejectReady(new Error(`${name} not ready after ${timeoutMs} ms:\n${tail.join("\n")}`)),
		timeoutMs,
	);
	child.on("exit", (code, signal) => {
		live.delete(child);
		clearTimeout(timer);
		rejectReady(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${tail.join("\n")}`));
	});
	ready.then(
		() => clearTimeout(timer),
		() => {},
	);
	return {
		name,
		child,
		ready,
		tail,
		get pid() {
			return child.pid;
		},
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((res) => child.once("exit", res));
			killGroup(child, "SIGTERM");
			const timeout = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
			await exited;
			clearTimeout(timeout);
		},
	};
}

/** Runs a command to completion (bounded by timeoutMs) and returns its output. */
export function runProcess(command, args, { env, cwd, timeoutMs = 120_000, onSpawn } = {}) {
	hookExit();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd,
			env: { ...process.env, ...env },
			stdio: ["ignore", "pipe", "pipe"],
			detached: true,
		});
		live.add(child);
		onSpawn?.(child);
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (c) => {
			stdout += c;
		});
		child.stderr.on("data", (c) => {
			stderr += c;
		});
		const timer = setTimeout(() => {
			killGroup(child, "SIGKILL");
			reject(new Error(`${command} ${args.join(" ")} timed out after ${timeoutMs} ms`));
		}, timeoutMs);
		child.on("exit", (code, signal) => {
			live.delete(child);
			clearTimeout(timer);
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`${command} ${args.join(" ")} failed (${code ?? signal}):\n${excerpt(stderr || stdout)}`));
		});
	});
}

/** The end of a tool's output, with each line cut short (a failed SQL statement can be 100 kB). */
export function excerpt(text, lines = 25) {
	return text
		.split("\n")
		.filter((l) => l.trim())
		.slice(-lines)
		.map((l) => (l.length > 300 ? `${l.slice(0, 300)} …` : l))
		.join("\n");
}

/** A free loopback port (the OS picks; we release it right away for the child to bind). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by every live process in the given process groups. */
export function groupCpuSeconds(pgids) {
	const wanted = new Set(pgids);
	let ticks = 0;
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		let stat;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, "utf8");
		} catch {
			continue;
		}
		// Fields after the command name "(...)": state ppid pgrp ...; utime, stime are fields 14, 15.
		const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		if (!wanted.has(Number(rest[2]))) continue;
		ticks += Number(rest[11]) + Number(rest[12]);
	}
	return ticks / TICKS;
}
