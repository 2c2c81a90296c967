// `npm test`: every suite, each with its normal output, then one line summing them all:
// core (`bun test`), edge and realtime (vitest inside workerd), the browser journey (vitest under Node),
// and the deploy checks (the Worker bundles with `wrangler deploy --dry-run`; the Dockerfile is sound).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM, ensureChromium } from "./ensure-deps.mjs";
import { dockerfileProblems } from "./lib/deploy-checks.mjs";
import { ensurePartysocketBundle } from "./lib/partysocket-bundle.mjs";
import { BIN, prefixedLog, ROOT, redisReachable, toolEnv } from "./lib/stack.mjs";

const say = (line) => prefixedLog("test", line);

const [major] = process.versions.node.split(".").map(Number);
if ((major ?? 0) < 22) {
	console.error(
		`scripts/test.mjs needs Node 22 (wrangler and workerd tests do); this is ${process.version}. Use \`npm test\`.`,
	);
	process.exit(1);
}

const reports = mkdtempSync(join(tmpdir(), "bazaar-test-"));
const env = { ...toolEnv(), FORCE_COLOR: process.stdout.isTTY ? "1" : "0" };

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
if (await redisReachable(redisUrl)) {
	env.REDIS_URL = redisUrl;
	say(`Redis answers at ${redisUrl}; suites that use it will run`);
} else {
	delete env.REDIS_URL;
	say(`no Redis at ${redisUrl}; suites that need it skip`);
}

const browser = ensureChromium();
if (!browser) env.BAZAAR_BROWSER_UNAVAILABLE = `${CHROMIUM} is not installed and could not be installed here`;

function run(cmd, args, extraEnv = {}) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, {
			cwd: ROOT,
			env: { ...env, ...extraEnv },
			stdio: ["ignore", "inherit", "inherit"],
		});
		let interrupted = false;
		const forward = (sig) => {
			interrupted = true;
			child.kill(sig);
		};
		process.once("SIGINT", forward);
		process.once("SIGTERM", forward);
		child.once("error", (err) => {
			console.error(`${cmd}: ${err.message}`);
			resolve({ code: 127, interrupted });
		});
		child.once("exit", (code, signal) => {
			process.off("SIGINT", forward);
			process.off("SIGTERM", forward);
			resolve({ code: code ?? (signal ? 128 : 1), interrupted });
		});
	});
}

/** Counts from bun's JUnit file. Skipped includes todo. */
function junitCounts(file) {
	const head = readFileSync(file, "utf8").match(/<testsuites\b[^>]*>/)?.[0] ?? "";
	const attr = (name) => Number(head.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
	const failed = attr("failures") + attr("errors");
	const skipped = attr("skipped");
	return { passed: attr("tests") - failed - skipped, failed, skipped };
}

/**
 * Counts from vitest's JSON reporter (Jest-compatible shape). A file that failed without a failing
 * test (an import error, a failing beforeAll) counts as one failure, and its tests that never ran
 * are not reported as skipped.
 */
function vitestCounts(file) {
	const r = JSON.parse(readFileSync(file, "utf8"));
	const total = { passed: 0, failed: 0, skipped: 0 };
	for (const f of r.testResults ?? []) {
		const c = { passed: 0, failed: 0, skipped: 0 };
		for (const a of f.assertionResults ?? []) {
			if (a.status === "passed") c.passed++;
			else if (a.status === "failed") c.failed++;
			else c.skipped++;
		}
		if (f.status === "failed" && c.failed === 0) {
			c.failed = 1;
			c.skipped = 0;
		}
		total.passed += c.passed;
		total.failed += c.failed;
		total.skipped += c.skipped;
	}
	return total;
}

const suites = [
	{
		name: "core (bun test)",
		needs: "core",
		async run() {
			const out = join(reports, "core.xml");
			// 20 s, not bun's 5 s: hooks start and stop servers and fsync files, which on a busy shared
			// machine can take seconds; a real hang still fails.
			const { code, interrupted } = await run(join(BIN, "bun"), [
				"test",
				"--timeout=20000",
				"--reporter=junit",
				`--reporter-outfile=${out}`,
			]);
			return { code, interrupted, counts: existsSync(out) ? junitCounts(out) : undefined };
		},
	},
	...[
		["edge (vitest in workerd)", "edge/vitest.config.ts"],
		["realtime (vitest in workerd)", "realtime/vitest.config.ts"],
		["browser (vitest + Chromium)", "edge/e2e/vitest.config.ts"],
	].map(([name, config]) => ({
		name,
		needs: config,
		async run() {
			const out = join(reports, `${config.replaceAll("/", "_")}.json`);
			const { code, interrupted } = await run(join(BIN, "vitest"), [
				"run",
				"--config",
				config,
				"--reporter=default",
				"--reporter=json",
				`--outputFile.json=${out}`,
			]);
			return { code, interrupted, counts: existsSync(out) ? vitestCounts(out) : undefined };
		},
	})),
];

suites.push({
	name: "deploy (wrangler dry-run, Dockerfile)",
	needs: "wrangler.toml",
	async run() {
		const c = { passed: 0, failed: 0, skipped: 0 };
		// The Worker as `wrangler deploy` would upload it, bundled offline; nothing is deployed.
		const outdir = join(reports, "worker-bundle");
		// The partysocket the Worker serves browsers is the installed one (a generated module).
		if (await ensurePartysocketBundle()) say("note rebuilt edge/src/support-widget/partysocket-bundle.ts (commit it)");
		const dry = await run(join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
			CI: "true",
			WRANGLER_SEND_METRICS: "false",
		});
		if (dry.interrupted) return { code: 130, interrupted: true, counts: c };
		const bundled = dry.code === 0 && existsSync(join(outdir, "index.js"));
		say(
			bundled
				? "ok   wrangler deploy --dry-run: the Worker bundles"
				: `FAIL wrangler deploy --dry-run (exit ${dry.code})`,
		);
		c[bundled ? "passed" : "failed"]++;
		const problems = dockerfileProblems(ROOT);
		for (const p of problems) say(`FAIL ${p}`);
		if (problems.length === 0) say("ok   Dockerfile: COPY sources exist, Bun as pinned, non-root, HEALTHCHECK");
		c[problems.length === 0 ? "passed" : "failed"]++;
		return { code: c.failed === 0 ? 0 : 1, interrupted: false, counts: c };
	},
});

const total = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (const suite of suites) {
	console.log(`\n${"━".repeat(20)} ${suite.name} ${"━".repeat(Math.max(0, 58 - suite.name.length))}`);
	if (!existsSync(join(ROOT, suite.needs))) {
		// A suite that should exist but does not is a failure, not a silent pass.
		say(`${suite.needs} not found; counting the suite as failed`);
		total.failed += 1;
		lines.push(`${suite.name}: missing (${suite.needs})`);
		continue;
	}
	const { code, interrupted, counts } = await suite.run();
	if (interrupted) {
		say("interrupted");
		process.exit(130);
	}
	const c = counts ?? { passed: 0, failed: 0, skipped: 0 };
	// A runner that exits non-zero without reporting a failing test still failed (load error, crash).
	if (code !== 0 && c.failed === 0) c.failed = 1;
	total.passed += c.passed;
	total.failed += c.failed;
	total.skipped += c.skipped;
	lines.push(
		`${suite.name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${counts ? "" : " (no report; runner error)"}`,
	);
}

rmSync(reports, { recursive: true, force: true });
console.log(`\n${"━".repeat(80)}`);
for (const line of lines) say(line);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
