// Starts a private copy of the whole stack for the browser tests: its own temp data dir,
// catalog, wrangler state, secrets and free ports, so it never touches `npm start`'s data.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, newAdminPassword, newSecrets, Processes, startStack } from "../../scripts/lib/stack.mjs";

export type TestStack = {
	edgeUrl: string;
	coreUrl: string;
	/** The stack's admin account (its core was started with this ADMIN_EMAIL / ADMIN_PASSWORD). */
	adminLogin: { email: string; password: string };
	/** Signs the admin in (POST /api/session) and returns the token for `Authorization: Bearer`. */
	adminBearer(): Promise<string>;
	/** The last lines the processes printed, for failure messages. */
	logTail(lines?: number): string;
	stop(): Promise<void>;
};

export async function startTestStack({
	products = 120,
	coreEnv = {},
}: {
	products?: number;
	/** More settings for the core only (a payment gateway's keys pointed at a local fake). */
	coreEnv?: Record<string, string>;
} = {}): Promise<TestStack> {
	const dir = mkdtempSync(join(tmpdir(), "bazaar-e2e-"));
	const secrets = newSecrets();
	const adminLogin = { email: "admin@e2e.example", password: newAdminPassword() };
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
			admin: adminLogin,
			coreEnv,
		});
		const adminBearer = async () => {
			const res = await fetch(`${edgeUrl}/api/session`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify(adminLogin),
			});
			if (res.status !== 201) throw new Error(`admin sign-in failed: ${res.status} ${await res.text()}`);
			return ((await res.json()) as { token: string }).token;
		};
		return { edgeUrl, coreUrl, adminLogin, adminBearer, logTail, stop };
	} catch (err) {
		await stop();
		throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- stack output ---\n${logTail()}`);
	}
}
