// Starts a private copy of the whole stack for the browser tests: its own temp data dir,
// catalog, wrangler state, secrets and free ports, so it never touches `npm start`'s data.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, newSecrets, Processes, startStack } from "../../scripts/lib/stack.mjs";

export type TestStack = {
	edgeUrl: string;
	coreUrl: string;
	adminToken: string;
	/** The last lines the processes printed, for failure messages. */
	logTail(lines?: number): string;
	stop(): Promise<void>;
};

export async function startTestStack({ products = 120 } = {}): Promise<TestStack> {
	const dir = mkdtempSync(join(tmpdir(), "bazaar-e2e-"));
	const secrets = newSecrets();
	const envFile = join(dir, "secrets.env");
	writeFileSync(
		envFile,
		`${Object.entries(secrets)
			.map(([k, v]) => `${k}=${v}`)
			.join("\n")}\n`,
		{ mode: 0o600 },
	);
	const logs: string[] = [];
	const verbose = Boolean(process.env.BAZAAR_E2E_LOGS);
	const processes = new Processes({
		log: (name, line) => {
			logs.push(`${name} │ ${line}`);
			if (logs.length > 2000) logs.splice(0, logs.length - 2000);
			if (verbose) process.stdout.write(`${name} │ ${line}\n`);
		},
	});
	const logTail = (n = 60) => logs.slice(-n).join("\n");
	const stop = async () => {
		await processes.stop();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		const dataDir = join(dir, "data");
		const { edgeUrl, coreUrl } = await startStack({
			processes,
			dataDir,
			persistDir: join(dir, "wrangler"),
			envFile,
			corePort: await freePort(),
			edgePort: await freePort(),
			inspectorPort: await freePort(),
			seedArgs: ["--products", String(products)],
			databaseUrl: `file:${join(dataDir, "catalog.db")}`,
			// A Redis shared with `npm start` would mix two catalogs' cache entries.
			redisUrl: null,
		});
		return { edgeUrl, coreUrl, adminToken: secrets.ADMIN_TOKEN, logTail, stop };
	} catch (err) {
		await stop();
		throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- stack output ---\n${logTail()}`);
	}
}
