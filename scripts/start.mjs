// `npm start`: the whole shop on this machine. Core (Bun) on :4000, the Worker (edge + chat rooms)
// under `wrangler dev` on :8787, data under data/. Ctrl-C stops everything.
import { join } from "node:path";
import {
	ensureSecretsFile,
	Processes,
	portInUse,
	prefixedLog,
	ROOT,
	readEnvFile,
	redactUrl,
	redisReachable,
	startStack,
} from "./lib/stack.mjs";

const say = (line) => prefixedLog("start", line);

const [major] = process.versions.node.split(".").map(Number);
if ((major ?? 0) < 22) {
	console.error(
		`scripts/start.mjs needs Node 22 (wrangler does); this is ${process.version}. Run it through \`npm start\`, which uses node_modules/.bin/node.`,
	);
	process.exit(1);
}

const corePort = Number(process.env.CORE_PORT ?? 4000);
const edgePort = Number(process.env.EDGE_PORT ?? 8787);
const dataDir = process.env.DATA_DIR ?? join(ROOT, "data");
// The core's Prometheus /metrics (its own port, loopback only); METRICS_PORT=0 picks a free one.
const metricsPort = process.env.METRICS_PORT || "9464";
const envFile = join(ROOT, ".dev.vars");

for (const [what, port] of [
	["core", corePort],
	["edge", edgePort],
]) {
	if (await portInUse(port)) {
		console.error(`Port ${port} (${what}) is already in use. Is another \`npm start\` running? Stop it first.`);
		process.exit(1);
	}
}

const { created } = ensureSecretsFile(envFile);
say(
	created.length > 0
		? `generated ${created.join(" and ")} into .dev.vars (kept for later runs)`
		: "using the secrets in .dev.vars",
);

let redisUrl = process.env.REDIS_URL;
if (redisUrl && !(await redisReachable(redisUrl))) {
	say(`REDIS_URL (${redactUrl(redisUrl)}) does not answer; core may log connection errors`);
} else if (!redisUrl) {
	say("REDIS_URL not set: core caches in process only");
	redisUrl = undefined;
}

// The core says where it wrote the admin password once, when it creates the account; the summary repeats it.
let adminLogin = null;
let metricsUrl = null;
const processes = new Processes({
	log: (name, line) => {
		const login = name === "core" ? /admin login: (.+)$/.exec(line) : null;
		if (login) adminLogin = login[1];
		const metrics = name === "core" ? /core metrics on (\S+)/.exec(line) : null;
		if (metrics) metricsUrl = metrics[1];
		prefixedLog(name, line);
	},
});
let shuttingDown = false;
async function shutdown(reason, code) {
	if (shuttingDown) return;
	shuttingDown = true;
	say(`${reason}: stopping core and wrangler…`);
	await processes.stop();
	say("stopped.");
	process.exit(code);
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => shutdown(sig, 0));

try {
	const { coreUrl, edgeUrl } = await startStack({
		processes,
		dataDir,
		persistDir: join(dataDir, "wrangler"),
		envFile,
		corePort,
		edgePort,
		seedArgs: ["--if-empty"],
		redisUrl,
		// A `[req <id>] POST /checkout … → 201` line per core request, so the flow can be followed.
		coreEnv: { METRICS_PORT: metricsPort, LOG_REQUESTS: process.env.LOG_REQUESTS || "on" },
	});
	const adminEmail = process.env.ADMIN_EMAIL || readEnvFile(envFile).ADMIN_EMAIL || "admin@bazaar.local";
	const admin =
		adminLogin ??
		`${adminEmail} (password in ${join(dataDir, "admin-password.txt")} when the core created the account, unless deleted since; forgot it? reset it at ${edgeUrl}/account/reset and open the mail at ${edgeUrl}/dev/mail)`;
	const lines = [
		"",
		"Bazaar is running.",
		`  Storefront      ${edgeUrl}/   (cart ${edgeUrl}/cart, account ${edgeUrl}/account/signup)`,
		`  Dev mailbox     ${edgeUrl}/dev/mail   (sign-up and password-reset mails while SMTP_URL is unset)`,
		`  API reference   ${edgeUrl}/docs   (OpenAPI: ${edgeUrl}/openapi.json)`,
		`  Catalog API     ${edgeUrl}/api/catalog/products`,
		`  Chat echo room  ${edgeUrl.replace(/^http/, "ws")}/parties/echo-room/<room>`,
		`  Core (signed)   ${coreUrl}   (healthz: ${coreUrl}/healthz, readyz: ${coreUrl}/readyz)`,
		`  Core metrics    ${metricsUrl ?? `http://127.0.0.1:${metricsPort}/metrics`}   (Prometheus text)`,
		`  Admin login     ${admin}`,
		`  Admin API       ${edgeUrl}/api/admin/{catalog,orders,inventory,identity,fulfillment,payment,bus}/...  with  Authorization: Bearer <token from POST ${edgeUrl}/api/session>`,
		`  Data            ${dataDir}`,
		"Press Ctrl-C to stop.",
		"",
	];
	for (const line of lines) say(line);
} catch (err) {
	if (!shuttingDown) {
		say(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
		await shutdown("startup failed", 1);
	}
}

if (!shuttingDown) {
	const { name, code, signal } = await processes.firstUnexpectedExit();
	if (!shuttingDown) await shutdown(`${name} exited (${signal ?? `code ${code}`})`, 1);
}
