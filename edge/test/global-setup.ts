import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { ensurePartysocketBundle } from "../../scripts/lib/partysocket-bundle.mjs";
import { freePort, waitForHealthy } from "../../scripts/lib/stack.mjs";

// Runs in Node before the workerd tests: a real core on a temporary catalog, on a free port,
// with a secret made for this run. Nothing here is mocked; the edge talks HTTP to this process.

const repo = fileURLToPath(new URL("../..", import.meta.url));
const bun = join(repo, "node_modules/.bin/bun");
const ADMIN_EMAIL = "admin@shop.example";

export default async function setup(project: TestProject) {
	// The Worker serves partysocket from a generated module (scripts/lib/partysocket-bundle.mjs).
	await ensurePartysocketBundle();
	const dataDir = mkdtempSync(join(tmpdir(), "bazaar-edge-test-"));
	const port = await freePort();
	const secret = randomBytes(32).toString("hex");
	// The admin account the core makes on start gets this password, so tests sign in as staff
	// through POST /api/session like any admin tool.
	const adminPassword = randomBytes(18).toString("base64url");
	const env: NodeJS.ProcessEnv = {
		...process.env,
		BAZAAR_ENV: "test",
		// The checkout tests pay with the built-in sandbox gateway (off unless switched on).
		PAYMENT_SANDBOX: "on",
		DATA_DIR: dataDir,
		// Payment return URLs must be on the storefront the tests call (helpers.ts ORIGIN).
		EDGE_URL: "https://shop.example",
		CORE_PORT: String(port),
		BAZAAR_SIGNING_SECRET: secret,
		ADMIN_EMAIL: ADMIN_EMAIL,
		ADMIN_PASSWORD: adminPassword,
		// The Worker under test has no socket the core could reach; the tests push catalog events
		// themselves, signed exactly as the core signs them.
		EDGE_PUSH: "off",
		// Every test signs up its own shoppers, faster than a shop's crowd would.
		SIGNUP_GLOBAL_PER_MINUTE: "60000",
		// One JSON line per request, with its request id and trace: the trace-header test reads them.
		LOG_FORMAT: "json",
		LOG_REQUESTS: "on",
	};
	// A shared Redis would mix this temporary catalog's cache with other runs'.
	delete env.REDIS_URL;
	delete env.DATABASE_URL_CATALOG;
	delete env.LIBSQL_URL;

	execFileSync(bun, ["core/src/cli.ts", "migrate"], { cwd: repo, env, stdio: "inherit" });
	execFileSync(bun, ["core/src/cli.ts", "seed", "--products", "60"], { cwd: repo, env, stdio: "inherit" });
	// The core's log goes to a file so it does not interleave with test output; it is printed
	// if the core fails to start. BAZAAR_TEST_CORE_LOG=inherit shows it live.
	const logPath = join(dataDir, "core.log");
	const log = process.env.BAZAAR_TEST_CORE_LOG === "inherit" ? "inherit" : openSync(logPath, "a");
	const core = spawn(bun, ["core/src/main.ts"], { cwd: repo, env, stdio: ["ignore", log, log] });
	const coreUrl = `http://127.0.0.1:${port}`;
	try {
		const exited = new Promise((resolve) => core.once("exit", resolve));
		await waitForHealthy(`${coreUrl}/healthz`, { name: "core", exited }, 30_000);
	} catch (err) {
		core.kill("SIGKILL");
		if (typeof log === "number") console.error(readFileSync(logPath, "utf8").slice(-4000));
		throw err;
	}

	// The core's log lines of one request, for the tests in workerd (which cannot read files).
	const logServer = createServer((req, res) => {
		const requestId = new URL(req.url ?? "/", "http://x").searchParams.get("requestId");
		const text = typeof log === "number" ? readFileSync(logPath, "utf8") : "";
		const lines = text.split("\n").flatMap((line) => {
			try {
				const record = JSON.parse(line) as { requestId?: string };
				return record.requestId === requestId ? [record] : [];
			} catch {
				return [];
			}
		});
		res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(lines));
	});
	const logPort = await freePort();
	await new Promise<void>((resolve) => logServer.listen(logPort, "127.0.0.1", resolve));

	project.provide("coreUrl", coreUrl);
	project.provide("coreLogUrl", `http://127.0.0.1:${logPort}/lines`);
	project.provide("signingSecret", secret);
	project.provide("adminEmail", ADMIN_EMAIL);
	project.provide("adminPassword", adminPassword);

	return async () => {
		logServer.close();
		if (core.exitCode === null) {
			const exited = new Promise((r) => core.once("exit", r));
			core.kill("SIGTERM");
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
			if (core.exitCode === null) core.kill("SIGKILL");
		}
		if (typeof log === "number") closeSync(log);
		rmSync(dataDir, { recursive: true, force: true });
	};
}
