import { copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { openCatalog } from "../../catalog/context";
import { openInventory } from "../../inventory/module";
import { SECRET, seededTemplate, tempDir } from "../../testing/harness";
import { seedInventoryFromCatalog } from "../stock-seed";
import { pickVariants } from "./journey";
import { SHOP } from "./stack";

// The real core process (`bun core/src/main.ts`) for the whole-core crash test: a temp DATA_DIR
// with the seeded catalog and its stock, a port of its own, the test's signing secret. Started,
// SIGKILLed and started again on the same data, as a crash and a restart would.

const BUN = resolve(import.meta.dir, "../../../../node_modules/.bin/bun");
const MAIN = resolve(import.meta.dir, "../../main.ts");

export interface CoreData {
	dir: string;
	/** Two physical variants with at least 10 units each. */
	variants: { id: string; sku: string }[];
}

/** A data directory as `npm start` leaves it: the seeded catalog and its stock. */
export async function prepareCoreData(): Promise<CoreData> {
	const dir = tempDir("bazaar-crash-");
	const template = await seededTemplate();
	copyFileSync(template.dbFile, join(dir, "catalog.db"));
	const catalog = await openCatalog({ url: `file:${join(dir, "catalog.db")}`, imagesDir: template.imagesDir });
	const inventory = await openInventory({ url: `file:${join(dir, "inventory.db")}` });
	try {
		await seedInventoryFromCatalog(catalog, inventory);
		return { dir, variants: await pickVariants(catalog, inventory, 2) };
	} finally {
		catalog.database.close();
		await inventory.stop();
	}
}

/** A port nothing listens on right now. */
export function freePort(): number {
	const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
	const port = probe.port as number;
	probe.stop(true);
	return port;
}

export class CoreProcess {
	readonly lines: string[] = [];
	private readonly reading: Promise<void>;

	constructor(
		readonly proc: Subprocess<"ignore", "pipe", "pipe">,
		readonly base: string,
	) {
		const read = async (stream: ReadableStream<Uint8Array>) => {
			const decoder = new TextDecoder();
			let buf = "";
			const reader = stream.getReader();
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				buf += decoder.decode(value, { stream: true });
				const parts = buf.split("\n");
				buf = parts.pop() ?? "";
				this.lines.push(...parts);
				if (process.env.BAZAAR_CRASH_LOGS) for (const p of parts) console.log(`core[${proc.pid}] ${p}`);
			}
		};
		this.reading = Promise.all([read(proc.stdout), read(proc.stderr)]).then(() => {});
	}

	/** Resolves once /healthz answers; throws if the process died first or it takes too long. */
	async ready(deadlineMs = 30_000): Promise<void> {
		const until = Date.now() + deadlineMs;
		while (Date.now() < until) {
			if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
				await this.reading;
				throw new Error(`core exited (${this.proc.exitCode ?? this.proc.signalCode}):\n${this.lines.join("\n")}`);
			}
			const ok = await fetch(`${this.base}/healthz`)
				.then((r) => r.ok)
				.catch(() => false);
			if (ok) return;
			await Bun.sleep(50);
		}
		throw new Error(`core not ready within ${deadlineMs} ms:\n${this.lines.join("\n")}`);
	}

	/** Waits for the process to end; its signal (e.g. "SIGKILL") or exit code. */
	async ended(deadlineMs = 30_000): Promise<string | number> {
		const timeout = Bun.sleep(deadlineMs).then(() => "timeout" as const);
		const result = await Promise.race([this.proc.exited, timeout]);
		if (result === "timeout") throw new Error(`core still running after ${deadlineMs} ms:\n${this.lines.join("\n")}`);
		await this.reading;
		return this.proc.signalCode ?? (this.proc.exitCode as number);
	}

	/** SIGKILL: a crash, or the cleanup of a test that failed half-way. */
	async kill(): Promise<string | number> {
		if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
		return this.ended();
	}

	/** Graceful stop (SIGTERM), as main.ts handles it. */
	async stop(): Promise<string | number> {
		if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGTERM");
		return this.ended();
	}
}

/** Starts `bun core/src/main.ts` on `dir`; `env` adds or overrides settings (REDIS_URL, crash point, …). */
export function startCore(dir: string, port: number, env: Record<string, string> = {}): CoreProcess {
	const base = `http://127.0.0.1:${port}`;
	// Nothing from the developer's environment may point this core at other data.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([k]) => !k.startsWith("DATABASE_URL_") && k !== "LIBSQL_URL" && k !== "REDIS_URL" && !k.startsWith("BAZAAR_"),
		),
	);
	const proc = Bun.spawn([BUN, MAIN], {
		env: {
			...inherited,
			BAZAAR_ENV: "test",
			DATA_DIR: dir,
			CORE_PORT: String(port),
			EDGE_URL: SHOP,
			EDGE_PUSH: "off",
			BAZAAR_SIGNING_SECRET: SECRET,
			ADMIN_PASSWORD: "crash-test-admin-password",
			PAYMENT_SANDBOX: "on",
			SANDBOX_PAGE_URL: `${base}/payment/sandbox/pay`,
			SANDBOX_WEBHOOK_URL: `${base}/payment/webhooks/sandbox`,
			...env,
		},
		stdin: "ignore",
		stdout: "pipe",
		stderr: "pipe",
	});
	return new CoreProcess(proc, base);
}
