// Makes a fresh clone runnable: installs npm dependencies when they are missing or older than
// the lockfile, and with --browser also Debian's chromium for the browser tests.
// Runs on the system Node (20) because it is what installs Node 22 (the `node` devDependency).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const lockfile = join(root, "package-lock.json");
// npm rewrites this hidden lockfile after every successful install, so it dates the install.
const installed = join(root, "node_modules", ".package-lock.json");
// Binaries the scripts run; a half-finished install can leave the hidden lockfile without them.
const mustHave = ["node", "bun", "wrangler", "vitest", "biome", "tsc"].map((b) =>
	join(root, "node_modules", ".bin", b),
);

function mtime(path) {
	try {
		return statSync(path).mtimeMs;
	} catch {
		return -1;
	}
}

function run(cmd, args) {
	console.log(`[setup] ${cmd} ${args.join(" ")}`);
	const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
	if (res.error) throw res.error;
	return res.status === 0;
}

export function ensureNpmDeps() {
	const fresh = !existsSync(installed);
	const stale = !fresh && mtime(installed) < mtime(lockfile);
	const broken = mustHave.some((p) => !existsSync(p));
	if (!fresh && !stale && !broken) return;
	console.log(
		`[setup] ${fresh ? "node_modules is missing" : stale ? "package-lock.json changed since the last install" : "node_modules is incomplete"}; installing dependencies`,
	);
	// `npm ci` installs exactly the lockfile; on an existing tree `npm install` only adds what is missing.
	const ok = fresh ? run("npm", ["ci", "--no-audit", "--no-fund"]) : run("npm", ["install", "--no-audit", "--no-fund"]);
	if (!ok) {
		console.error("[setup] npm could not install the dependencies (see above).");
		process.exit(1);
	}
	const missing = mustHave.filter((p) => !existsSync(p));
	if (missing.length > 0) {
		console.error(`[setup] still missing after install: ${missing.join(", ")}`);
		process.exit(1);
	}
}

export const CHROMIUM = "/usr/bin/chromium";

/** Returns true when a browser is available; false (with a reason printed) when it cannot be. */
export function ensureChromium() {
	if (existsSync(CHROMIUM)) return true;
	const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
	const hasApt = existsSync("/usr/bin/apt-get");
	if (!isRoot || !hasApt) {
		console.warn(
			`[setup] ${CHROMIUM} is missing and ${isRoot ? "apt-get is not available" : "we are not root"}; browser tests will be skipped. Install Debian's chromium to run them.`,
		);
		return false;
	}
	console.log("[setup] installing Debian's chromium for the browser tests");
	const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
	const opts = { stdio: "inherit", env };
	const updated = spawnSync("apt-get", ["update"], opts).status === 0;
	const installedOk =
		updated && spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], opts).status === 0;
	if (!installedOk || !existsSync(CHROMIUM)) {
		console.warn("[setup] could not install chromium; browser tests will be skipped.");
		return false;
	}
	return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	ensureNpmDeps();
	if (process.argv.includes("--browser")) ensureChromium();
}
