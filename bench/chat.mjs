// `npm run bench -- chat`: support chat rooms (DESIGN.md, data flow 5) against the bare EchoRoom in
// the same workerd (bench/chat/worker.ts, built with `wrangler deploy --dry-run`, served by
// Miniflare on its direct socket). At 1, 100 and 1,000 open WebSockets: rooms of two connections
// (one for a single connection), the first of each sending messages one at a time (the next when
// the last is answered: the room's ack, the echo), for --duration seconds after a warm-up.
// - SupportRoom: a shopper's text, stored in the room's SQLite and acknowledged, delivered to the
//   agent in the room; latency is send → the agent has it (→ the ack with one connection).
// - EchoRoom: the same frame echoed to its sender; latency is send → echo.
// - DurableRelayRoom (bench/chat/relay-room.ts), the floor for any room that stores before it
//   acknowledges: one insert, the ack, the copy to the other connection; latency as for support.
// Messages/s counts deliveries in the window over all rooms. Targets (issue 11): the support room
// at ≥ 60% of echo's messages/s at each level, and p99 delivery < 50 ms at 100 connections.
// Server and client share this machine's two cores: every figure is a floor; compare within a run.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startBenchWorker } from "./lib/bench-worker.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { groupCpuSeconds } from "./lib/procs.mjs";
import { formatTable, writeReport } from "./lib/report.mjs";

const THROUGHPUT_RATIO = 0.6;
const P99_TARGET_MS = 50;
const P99_AT = 100;
const log = (msg) => process.stderr.write(`${msg}\n`);

function options(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			duration: { type: "string", default: "5" },
			warmup: { type: "string", default: "1" },
			connections: { type: "string", default: "1,100,1000" },
			"no-report": { type: "boolean", default: false },
		},
		strict: true,
	});
	return {
		duration: Math.max(1, Math.min(Number(values.duration), 60)),
		warmup: Math.max(0, Math.min(Number(values.warmup), 10)),
		connections: values.connections.split(",").map((n) => Math.max(1, Number.parseInt(n, 10))),
		report: !values["no-report"],
	};
}

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const conversationId = () =>
	`cnv_${Array.from({ length: 26 }, () => ALPHABET[Math.floor(Math.random() * 32)]).join("")}`;

function open(url) {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.addEventListener("open", () => resolve(ws), { once: true });
		ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), { once: true });
	});
}

async function getJson(url) {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
	return res.json();
}

/** One room's connections: `sender` sends, `receiver` (absent with one connection) receives. */
async function setUpRoom(base, kind, i, pair) {
	const ws = base.replace(/^http/, "ws");
	if (kind !== "support") {
		const party = kind === "echo" ? "echo-room" : "durable-relay-room";
		const room = `bench-${i}-${Math.random().toString(36).slice(2)}`;
		const sender = await open(`${ws}/parties/${party}/${room}`);
		const receiver = pair ? await open(`${ws}/parties/${party}/${room}`) : null;
		return { sender, receiver };
	}
	const room = conversationId();
	const ticket = async (who, sub) => (await getJson(`${base}/ticket?room=${room}&kind=${who}&sub=${sub}`)).ticket;
	const url = (t) => `${ws}/parties/support-room/${room}?ticket=${encodeURIComponent(t)}`;
	const sender = await open(url(await ticket("shopper", `usr_s${i}`)));
	// The conversation is with an agent from the start, so the bench measures the room, not the bot.
	await getJson(`${base}/assign?room=${room}&agent=usr_a${i}`);
	const receiver = pair ? await open(url(await ticket("agent", `usr_a${i}`))) : null;
	return { sender, receiver };
}

const cpuPerMessage = (r) => ((r.serverCpu / r.perSecond) * 1e6).toFixed(0);

function percentile(sorted, p) {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function level(worker, kind, connections, opts) {
	const pair = connections > 1;
	const rooms = pair ? Math.floor(connections / 2) : 1;
	const all = [];
	for (let i = 0; i < rooms; i += 50) {
		const batch = [];
		for (let j = i; j < Math.min(rooms, i + 50); j++) batch.push(setUpRoom(worker.base, kind, j, pair));
		all.push(...(await Promise.all(batch)));
	}
	let measuring = false;
	let stopped = false;
	let delivered = 0;
	const latencies = [];
	const text = "Hello, where is my parcel? It was due on Tuesday and has not come yet.";
	for (const [r, { sender, receiver }] of all.entries()) {
		let seq = 0;
		let sentAt = 0;
		// The same frame for both rooms: the support room stores and delivers it, the echo room returns it.
		const frame = () => JSON.stringify({ type: "text", clientId: `r${r}-${seq}`, text });
		const send = () => {
			if (stopped) return;
			seq++;
			sentAt = performance.now();
			sender.send(frame());
		};
		const arrived = () => {
			if (!measuring) return;
			delivered++;
			latencies.push(performance.now() - sentAt);
		};
		const mine = (data) => data.includes(`"clientId":"r${r}-${seq}"`);
		sender.addEventListener("message", (e) => {
			const data = String(e.data);
			if (!mine(data)) return;
			// Echo: the echo is the delivery. Support: the ack moves the sender on; the agent's copy
			// is the delivery (with one connection, the ack is both).
			if (kind === "echo" || !receiver) arrived();
			send();
		});
		if (kind !== "echo" && receiver) {
			receiver.addEventListener("message", (e) => {
				if (mine(String(e.data))) arrived();
			});
		}
		send();
	}
	await new Promise((r) => setTimeout(r, opts.warmup * 1000));
	const cpu0 = groupCpuSeconds([worker.pgid]);
	const client0 = process.cpuUsage();
	const t0 = performance.now();
	measuring = true;
	await new Promise((r) => setTimeout(r, opts.duration * 1000));
	measuring = false;
	const seconds = (performance.now() - t0) / 1000;
	const serverCpu = (groupCpuSeconds([worker.pgid]) - cpu0) / seconds;
	const c = process.cpuUsage(client0);
	stopped = true;
	for (const { sender, receiver } of all) {
		sender.close();
		receiver?.close();
	}
	await new Promise((r) => setTimeout(r, 500));
	latencies.sort((a, b) => a - b);
	return {
		kind,
		connections: rooms * (pair ? 2 : 1),
		rooms,
		perSecond: delivered / seconds,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		serverCpu,
		clientCpu: (c.user + c.system) / 1e6 / seconds,
	};
}

export async function chatBench(argv) {
	const opts = options(argv);
	const started = new Date();
	const startLoad = loadavg()[0];
	// Object storage on tmpfs: fsync there costs nothing, so the figures are the rooms' CPU path,
	// not this shared VM's disk.
	const tmp = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "bazaar-chat-bench-"));
	const rows = [];
	try {
		log("building and starting the chat bench Worker (Miniflare, direct socket)…");
		const worker = await startBenchWorker(tmp, "bench/chat/wrangler.toml", "chat");
		for (const n of opts.connections) {
			for (const kind of ["echo", "relay", "support"]) {
				const r = await level(worker, kind, n, opts);
				rows.push(r);
				log(
					`  ${kind} at ${r.connections} connection(s), ${r.rooms} room(s): ${Math.round(r.perSecond)} msg/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`,
				);
			}
		}
		await worker.proc.stop();
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}

	const side = opts.connections.map((n) => {
		const echo = rows.find((r) => r.kind === "echo" && r.connections <= n && r.connections >= n - 1);
		const relay = rows.find((r) => r.kind === "relay" && r.connections <= n && r.connections >= n - 1);
		const support = rows.find((r) => r.kind === "support" && r.connections <= n && r.connections >= n - 1);
		return { n, echo, relay, support, ratio: support.perSecond / echo.perSecond };
	});
	const checks = side.map((s) => ({
		name: `support vs echo messages/s at ${s.n} connection(s)`,
		value: `${(s.ratio * 100).toFixed(0)}%`,
		target: `≥ ${THROUGHPUT_RATIO * 100}%`,
		pass: s.ratio >= THROUGHPUT_RATIO,
	}));
	const at = side.find((s) => s.n === P99_AT);
	if (at) {
		checks.push({
			name: `support p99 delivery at ${P99_AT} connections`,
			value: `${at.support.p99.toFixed(1)} ms`,
			target: `< ${P99_TARGET_MS} ms`,
			pass: at.support.p99 < P99_TARGET_MS,
		});
	}
	const columns = [
		["connections", (s) => `${s.n} (${s.support.rooms} room${s.support.rooms === 1 ? "" : "s"})`],
		["echo msg/s", (s) => Math.round(s.echo.perSecond).toLocaleString("en-US")],
		["relay msg/s", (s) => Math.round(s.relay.perSecond).toLocaleString("en-US")],
		["support msg/s", (s) => Math.round(s.support.perSecond).toLocaleString("en-US")],
		["ratio", (s) => `${(s.ratio * 100).toFixed(0)}%`],
		// The floor: what storing before the ack costs any room, measured in the same run.
		["relay/echo", (s) => `${((s.relay.perSecond / s.echo.perSecond) * 100).toFixed(0)}%`],
		["echo p50/p99 ms", (s) => `${s.echo.p50.toFixed(1)} / ${s.echo.p99.toFixed(1)}`],
		["support p50/p99 ms", (s) => `${s.support.p50.toFixed(1)} / ${s.support.p99.toFixed(1)}`],
		["srv cores e/r/s", (s) => [s.echo, s.relay, s.support].map((r) => r.serverCpu.toFixed(2)).join(" / ")],
		// Server CPU per delivered message: less noisy than msg/s on a shared machine, since it does
		// not depend on how much of the cores the server got.
		["srv µs/msg e/r/s", (s) => [s.echo, s.relay, s.support].map(cpuPerMessage).join(" / ")],
		["client e/s", (s) => `${s.echo.clientCpu.toFixed(2)} / ${s.support.clientCpu.toFixed(2)}`],
	];
	const lines = checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.value} (target ${c.target})`);
	process.stdout.write(
		`\nrooms of 2 connections, one sender each, ${opts.duration} s per level\n${formatTable(columns, side)}\n${lines.join("\n")}\n`,
	);
	if (opts.report) {
		const markdownBody = [
			`Machine: ${JSON.stringify(machineInfo())}, load average at start ${startLoad.toFixed(1)}, at the end ${loadavg()[0].toFixed(1)}.`,
			`Rooms of two connections (one with a single connection); each room's first connection sends one message at a time (the next when the room acknowledges it, or echoes it); ${opts.duration} s per level after ${opts.warmup} s of warm-up; Node's WebSocket client on the same machine. Support latency: send → the agent's connection has it (the ack with one connection); echo: send → echo.`,
			formatTable(columns, side, { markdown: true }),
			`## checks\n\n${checks.map((c) => `- ${c.pass ? "PASS" : "FAIL"} ${c.name}: ${c.value} (target ${c.target})`).join("\n")}`,
		].join("\n\n");
		writeReport("chat", started, { markdownBody, json: { options: opts, rows, checks } }, log);
	}
	return checks.every((c) => c.pass) ? 0 : 1;
}
