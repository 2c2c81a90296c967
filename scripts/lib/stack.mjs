// Runs the local Bazaar stack (core on Bun + the Worker under `wrangler dev`) as child process
// groups. Shared by `npm start` and the browser tests so both start the same way.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, connect as netConnect } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensurePartysocketBundle } from "./partysocket-bundle.mjs";

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const BIN = join(ROOT, "node_modules", ".bin");
const LOOPBACK = "127.0.0.1";

/** The environment for our tools: node_modules/.bin first, so `node` there (22) runs wrangler. */
export function toolEnv(extra = {}) {
	const env = { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}` };
	for (const [k, v] of Object.entries(extra)) {
		if (v === undefined || v === null) delete env[k];
		else env[k] = String(v);
	}
	return env;
}

/** Parses a dotenv-style file (KEY=VALUE lines, # comments, optional quotes). */
export function readEnvFile(path) {
	/** @type {Record<string, string>} */
	const out = {};
	if (!existsSync(path)) return out;
	for (const raw of readFileSync(path, "utf8").split(/\r?\n/)) {
		const line = raw.trim();
		if (!line || line.startsWith("#")) continue;
		const eq = line.indexOf("=");
		if (eq <= 0) continue;
		const key = line.slice(0, eq).trim();
		let value = line.slice(eq + 1).trim();
		if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
		out[key] = value;
	}
	return out;
}

export const newSecrets = () => ({
	BAZAAR_SIGNING_SECRET: randomBytes(32).toString("hex"),
});

/** A password for a throwaway stack's admin account (ADMIN_PASSWORD), so its tools can sign in. */
export const newAdminPassword = () => randomBytes(18).toString("base64url");

/**
 * Makes sure `path` holds the secrets edge and core share, generating whichever is missing
 * and keeping any that exist, so restarts keep working sessions and signed links.
 */
export function ensureSecretsFile(path) {
	const existing = readEnvFile(path);
	const fresh = newSecrets();
	const missing = Object.keys(fresh).filter((k) => !existing[k]);
	if (missing.length === 0) return { values: existing, created: [] };
	const header = existsSync(path)
		? readFileSync(path, "utf8").replace(/\n?$/, "\n")
		: "# Local secrets for `npm start` (generated; never commit). Edge and core read the same values.\n";
	const added = missing.map((k) => `${k}=${fresh[/** @type {keyof typeof fresh} */ (k)]}`).join("\n");
	writeFileSync(path, `${header}${added}\n`, { mode: 0o600 });
	chmodSync(path, 0o600);
	return { values: readEnvFile(path), created: missing };
}

/**
 * A connection URL fit for the terminal: no user, password or query (`redis://:pw@host`,
 * `libsql://…?authToken=`). The core's logs follow the same rule (core/src/lib/redact-url.ts).
 */
export function redactUrl(url) {
	if (!URL.canParse(url)) return "<unparsable URL>";
	const u = new URL(url);
	const hidden = u.username !== "" || u.password !== "" || u.search !== "";
	u.username = "";
	u.password = "";
	u.search = "";
	u.hash = "";
	return hidden ? `${u.toString()} (credentials hidden)` : u.toString();
}

/** A TCP port nobody listens on right now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on("error", reject);
		srv.listen(0, LOOPBACK, () => {
			const addr = srv.address();
			srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
		});
	});
}

/** True when something accepts connections on the port. */
export function portInUse(port, host = LOOPBACK) {
	return new Promise((resolve) => {
		const sock = netConnect({ port, host });
		sock.setTimeout(1000);
		sock.once("connect", () => {
			sock.destroy();
			resolve(true);
		});
		sock.once("timeout", () => {
			sock.destroy();
			resolve(false);
		});
		sock.once("error", () => resolve(false));
	});
}

/** Whether a Redis answers PING at the URL (plain TCP, so no client library is needed). */
export function redisReachable(url = "redis://127.0.0.1:6379", timeoutMs = 1000) {
	return new Promise((resolve) => {
		let u;
		try {
			u = new URL(url);
		} catch {
			resolve(false);
			return;
		}
		const sock = netConnect({ port: Number(u.port || 6379), host: u.hostname || LOOPBACK });
		const done = (ok) => {
			sock.destroy();
			resolve(ok);
		};
		sock.setTimeout(timeoutMs, () => done(false));
		sock.once("error", () => done(false));
		sock.once("connect", () => {
			const auth = u.password ? `AUTH ${decodeURIComponent(u.password)}\r\n` : "";
			sock.write(`${auth}PING\r\n`);
		});
		sock.on("data", (buf) => {
			if (buf.toString().includes("+PONG")) done(true);
			else if (buf.toString().startsWith("-")) done(false);
		});
	});
}

const COLORS = { core: 36, edge: 35, setup: 33, start: 32, test: 34 };
const paint = (name, text) =>
	process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[${COLORS[name] ?? 37}m${text}\x1b[0m` : text;

/** Writes each line prefixed with the name of the process it came from. */
export const prefixedLog = (name, line) => process.stdout.write(`${paint(name, `${name.padEnd(5)} │`)} ${line}\n`);

/** Members of a process group that are still running (zombies count as gone). */
function groupAlive(pgid) {
	try {
		for (const pid of readdirSync("/proc")) {
			if (!/^\d+$/.test(pid)) continue;
			let stat;
			try {
				stat = readFileSync(`/proc/${pid}/stat`, "utf8");
			} catch {
				continue;
			}
			// Fields after the parenthesised command name: state ppid pgrp ...
			const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			if (Number(rest[2]) === pgid && rest[0] !== "Z") return true;
		}
		return false;
	} catch {
		try {
			process.kill(-pgid, 0);
			return true;
		} catch {
			return false;
		}
	}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Child processes, each the leader of its own process group so stopping it also stops what it
 * started (wrangler starts workerd). Groups are signalled in reverse start order.
 */
export class Processes {
	/** @type {{ name: string, child: import("node:child_process").ChildProcess, exited: Promise<{code: number|null, signal: string|null}>, expectedExit: boolean }[]} */
	#running = [];
	#log;
	#stopping = false;

	/** @param {{ log?: (name: string, line: string) => void }} [opts] */
	constructor(opts = {}) {
		this.#log = opts.log ?? prefixedLog;
		// Last resort if our process ends without stop(): never leave servers behind.
		process.on("exit", () => this.killNow());
	}

	get stopping() {
		return this.#stopping;
	}

	/** Starts a long-running process; returns its handle. */
	start(name, cmd, args, { env = toolEnv(), cwd = ROOT } = {}) {
		// A start racing a Ctrl-C would otherwise outlive the shutdown.
		if (this.#stopping) throw new Error(`not starting ${name}: shutting down`);
		const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
		for (const stream of [child.stdout, child.stderr]) {
			createInterface({ input: stream }).on("line", (line) => this.#log(name, line));
		}
		const exited = new Promise((resolve) => {
			child.once("error", (err) => {
				this.#log(name, `failed to start ${cmd}: ${err.message}`);
				resolve({ code: 127, signal: null });
			});
			child.once("exit", (code, signal) => resolve({ code, signal }));
		});
		const handle = { name, child, exited, expectedExit: false };
		this.#running.push(handle);
		exited.then(() => {
			// A finished leader may have left children in its group; they go with it.
			if (child.pid) this.#signalGroup(child.pid, "SIGKILL");
		});
		return handle;
	}

	/** Runs a command to completion with prefixed output; rejects on a non-zero exit. */
	async run(name, cmd, args, opts = {}) {
		const handle = this.start(name, cmd, args, opts);
		handle.expectedExit = true;
		const { code, signal } = await handle.exited;
		this.#running = this.#running.filter((h) => h !== handle);
		if (code !== 0) throw new Error(`${name}: \`${[cmd, ...args].join(" ")}\` failed (${signal ?? `exit ${code}`})`);
	}

	#signalGroup(pid, signal) {
		try {
			process.kill(-pid, signal);
		} catch {
			// ESRCH: the group is already gone.
		}
	}

	/** SIGTERM every group (newest first), then SIGKILL what is left after `graceMs`. */
	async stop(graceMs = 8000) {
		this.#stopping = true;
		for (const h of [...this.#running].reverse()) {
			if (h.child.pid) this.#signalGroup(h.child.pid, "SIGTERM");
		}
		const deadline = Date.now() + graceMs;
		for (const h of this.#running) {
			while (h.child.pid && groupAlive(h.child.pid) && Date.now() < deadline) await sleep(100);
		}
		this.killNow();
		// Forget groups that are gone: their ids may be reused by unrelated processes later.
		this.#running = this.#running.filter((h) => h.child.pid && groupAlive(h.child.pid));
	}

	killNow() {
		for (const h of this.#running) if (h.child.pid) this.#signalGroup(h.child.pid, "SIGKILL");
	}

	/** Resolves with the first long-running process that exits on its own. */
	firstUnexpectedExit() {
		return Promise.race(
			this.#running.filter((h) => !h.expectedExit).map((h) => h.exited.then((status) => ({ name: h.name, ...status }))),
		);
	}
}

/** Polls `url` until it answers 200, the process exits, or time runs out. */
export async function waitForHealthy(url, handle, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	let exited = false;
	handle.exited.then(() => {
		exited = true;
	});
	let last = "no answer yet";
	while (Date.now() < deadline) {
		if (exited) throw new Error(`${handle.name} exited before ${url} became healthy`);
		try {
			const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
			if (res.ok) return await res.json().catch(() => ({}));
			last = `HTTP ${res.status}`;
		} catch (err) {
			last = err instanceof Error ? err.message : String(err);
		}
		await sleep(250);
	}
	throw new Error(`${handle.name} was not healthy at ${url} within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

/**
 * Migrates and seeds the catalog, starts core and the Worker, and waits until both are healthy.
 *
 * @param {{
 *   processes: Processes,
 *   dataDir: string,             // core's DATA_DIR (catalog.db, images)
 *   persistDir: string,          // wrangler's local KV/R2/DO state
 *   envFile: string,             // secrets shared by edge (--env-file) and core (environment)
 *   corePort?: number,
 *   edgePort?: number,
 *   inspectorPort?: number,
 *   seedArgs?: string[],         // e.g. ["--if-empty"] or ["--products", "120"]
 *   databaseUrl?: string | null, // DATABASE_URL_CATALOG; null/unset: core's default under dataDir
 *   redisUrl?: string | null,   // null: no Redis even if REDIS_URL is set
 *   admin?: { email?: string, password: string }, // the core's ADMIN_EMAIL/ADMIN_PASSWORD (core only)
 *   coreEnv?: Record<string, string | undefined>, // more settings for the core only (e.g. a gateway's keys in a test)
 *   healthTimeoutMs?: number,
 * }} opts
 */
export async function startStack(opts) {
	const {
		processes,
		dataDir,
		persistDir,
		envFile,
		corePort = 4000,
		edgePort = 8787,
		inspectorPort,
		seedArgs = ["--if-empty"],
		databaseUrl = process.env.DATABASE_URL_CATALOG,
		redisUrl = process.env.REDIS_URL,
		admin,
		coreEnv: extraCoreEnv = {},
		healthTimeoutMs = 120_000,
	} = opts;
	mkdirSync(dataDir, { recursive: true });
	mkdirSync(persistDir, { recursive: true });
	const secrets = readEnvFile(envFile);
	const coreUrl = `http://${LOOPBACK}:${corePort}`;
	const edgeUrl = `http://${LOOPBACK}:${edgePort}`;
	const bun = join(BIN, "bun");

	const coreEnv = toolEnv({
		...secrets,
		// A local stack: development conveniences may be switched on (never in production).
		BAZAAR_ENV: "development",
		// The built-in sandbox gateway: pay with no keys on a local stack (never in production).
		PAYMENT_SANDBOX: "on",
		DATA_DIR: dataDir,
		DATABASE_URL_CATALOG: databaseUrl,
		CORE_PORT: corePort,
		EDGE_URL: edgeUrl,
		REDIS_URL: redisUrl,
		// The core's only: the Worker never sees an admin password.
		...(admin ? { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password } : {}),
		...extraCoreEnv,
	});
	await processes.run("setup", bun, ["core/src/cli.ts", "migrate"], { env: coreEnv });
	await processes.run("setup", bun, ["core/src/cli.ts", "seed", ...seedArgs], { env: coreEnv });

	const core = processes.start("core", bun, ["core/src/main.ts"], { env: coreEnv });
	await waitForHealthy(`${coreUrl}/healthz`, core, healthTimeoutMs);

	// The Worker serves partysocket to browsers from a generated module: current before wrangler bundles it.
	if (await ensurePartysocketBundle()) prefixedLog("setup", "rebuilt edge/src/support-widget/partysocket-bundle.ts");
	const wranglerArgs = [
		"dev",
		"--ip",
		LOOPBACK,
		"--port",
		String(edgePort),
		"--persist-to",
		persistDir,
		// An explicit env file replaces wrangler's .dev.vars lookup, so tests never pick up the developer's secrets.
		"--env-file",
		envFile,
		"--var",
		`CORE_URL:${coreUrl}`,
		// Local stacks read reset mails at /dev/mail; a deployed Worker never has this var.
		"--var",
		"DEV_MAILBOX:on",
		"--show-interactive-dev-session=false",
	];
	if (inspectorPort) wranglerArgs.push("--inspector-port", String(inspectorPort));
	const edge = processes.start("edge", join(BIN, "wrangler"), wranglerArgs, {
		env: toolEnv({
			WRANGLER_SEND_METRICS: "false",
			WRANGLER_SEND_ERROR_REPORTS: "false",
			// Miniflare otherwise downloads request.cf data on start; the defaults are fine offline.
			CLOUDFLARE_CF_FETCH_ENABLED: "false",
			REDIS_URL: undefined,
		}),
	});
	await waitForHealthy(`${edgeUrl}/healthz`, edge, healthTimeoutMs);
	return { coreUrl, edgeUrl, secrets };
}
