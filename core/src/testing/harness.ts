import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import type { Hono } from "hono";
import { createApp } from "../app";
import { openCatalog } from "../catalog/context";
import { type CatalogModule, type CatalogModuleOptions, createCatalogModule } from "../catalog/module";
import type { AppEnv } from "../lib/http";
import { seedCatalog } from "../seed/catalog-seed";
import { signedInit } from "./signed-init";

// Test fixtures on real parts: a temporary libSQL file per test suite, the real app and
// signatures. Seeding 600 products is done once per `bun test` process and copied per suite.

export const SECRET = "test-signing-secret-0123456789abcdef";
export const ADMIN: Caller = { user: "admin", roles: ["admin"] };
export const SHOPPER: Caller = { user: "usr_1", roles: ["customer"] };
export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

const dirs: string[] = [];
export function tempDir(prefix = "bazaar-core-"): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	dirs.push(dir);
	return dir;
}
/** Called once after the whole run (bunfig.toml preloads testing/cleanup.ts). */
export function removeTempDirs(): void {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

interface Template {
	dir: string;
	dbFile: string;
	imagesDir: string;
}
let template: Promise<Template> | null = null;

/** A catalog seeded with the default 600 products, built once and shared read-only. */
export function seededTemplate(): Promise<Template> {
	template ??= (async () => {
		const dir = tempDir("bazaar-seed-");
		const dbFile = join(dir, "catalog.db");
		const imagesDir = join(dir, "images");
		const catalog = await openCatalog({ url: `file:${dbFile}`, imagesDir });
		await seedCatalog(catalog, { products: 600 });
		// Closing the last connection folds the WAL into the main file, so a plain copy is complete.
		await catalog.database.close();
		return { dir, dbFile, imagesDir };
	})();
	return template;
}

export interface Harness {
	dir: string;
	dbUrl: string;
	mod: CatalogModule;
	app: Hono<AppEnv>;
	/** A signed request through the real app (as the edge would send it). */
	call(
		method: string,
		path: string,
		init?: { body?: unknown; caller?: Caller; headers?: Record<string, string> },
	): Promise<Response>;
	close(): Promise<void>;
}

export async function harness(
	options: { seeded?: boolean; module?: Partial<CatalogModuleOptions>; dbUrl?: string } = {},
): Promise<Harness> {
	const dir = tempDir();
	let dbUrl = options.dbUrl ?? `file:${join(dir, "catalog.db")}`;
	let imagesDir = join(dir, "images");
	if (options.seeded && !options.dbUrl) {
		const t = await seededTemplate();
		copyFileSync(t.dbFile, join(dir, "catalog.db"));
		dbUrl = `file:${join(dir, "catalog.db")}`;
		imagesDir = t.imagesDir;
	}
	const mod = await createCatalogModule({ dbUrl, imagesDir, ...options.module });
	const app = createApp({ secret: SECRET, catalog: mod });
	return {
		dir,
		dbUrl,
		mod,
		app,
		async call(method, path, init = {}) {
			return app.request(path, await signedInit(method, path, init, SHOPPER));
		},
		async close() {
			await mod.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export async function json<T = unknown>(res: Response): Promise<T> {
	const text = await res.text();
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
	}
}

/** Is Redis reachable? Tests that need it skip (with a message) when it is not. */
export async function redisAvailable(url = REDIS_URL): Promise<boolean> {
	const { Redis } = await import("ioredis");
	const redis = new Redis(url, {
		lazyConnect: true,
		maxRetriesPerRequest: 0,
		connectTimeout: 500,
		retryStrategy: () => null,
	});
	redis.on("error", () => {});
	try {
		await redis.connect();
		return (await redis.ping()) === "PONG";
	} catch {
		return false;
	} finally {
		redis.disconnect();
	}
}
