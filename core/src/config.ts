import { resolve } from "node:path";
import { z } from "zod";

// Every setting has a default so `npm start` works on a fresh clone with nothing set.
const REPO_ROOT = resolve(import.meta.dir, "../..");

const Port = z.coerce.number().int().min(0).max(65_535);
const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const ConfigSchema = z.object({
	CORE_PORT: z.preprocess(blankIsUnset, Port.default(4000)),
	DATA_DIR: z.preprocess(blankIsUnset, z.string().default(resolve(REPO_ROOT, "data"))),
	DATABASE_URL_CATALOG: z.preprocess(blankIsUnset, z.string().optional()),
	EDGE_URL: z.preprocess(blankIsUnset, z.url().default("http://127.0.0.1:8787")),
	REDIS_URL: z.preprocess(blankIsUnset, z.string().optional()),
	BAZAAR_SIGNING_SECRET: z.preprocess(blankIsUnset, z.string().min(16).default("dev-only-bazaar-signing-secret")),
	SEED_PRODUCTS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(100_000).default(600)),
	/** Disables the push to the edge (e.g. a core run without a Worker). */
	EDGE_PUSH: z.preprocess(blankIsUnset, z.enum(["on", "off"]).default("on")),
});

export interface Config {
	port: number;
	dataDir: string;
	catalogDbUrl: string;
	imagesDir: string;
	edgeUrl: string | null;
	redisUrl: string | null;
	signingSecret: string;
	seedProducts: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const parsed = ConfigSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
		throw new Error(`invalid core configuration:\n${lines.join("\n")}`);
	}
	const e = parsed.data;
	const dataDir = resolve(e.DATA_DIR);
	return {
		port: e.CORE_PORT,
		dataDir,
		catalogDbUrl: e.DATABASE_URL_CATALOG ?? `file:${resolve(dataDir, "catalog.db")}`,
		imagesDir: resolve(dataDir, "images"),
		edgeUrl: e.EDGE_PUSH === "off" ? null : e.EDGE_URL,
		redisUrl: e.REDIS_URL ?? null,
		signingSecret: e.BAZAAR_SIGNING_SECRET,
		seedProducts: e.SEED_PRODUCTS,
	};
}
