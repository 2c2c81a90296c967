import { resolve } from "node:path";
import { z } from "zod";

// The flash module's settings. Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const FlashEnv = z.object({
	DATABASE_URL_FLASH: z.preprocess(blankIsUnset, z.string().optional()),
});

export interface FlashConfig {
	url: string;
}

export function loadFlashConfig(dataDir: string, env: Record<string, string | undefined> = process.env): FlashConfig {
	const e = FlashEnv.parse(env);
	return { url: e.DATABASE_URL_FLASH ?? `file:${resolve(dataDir, "flash.db")}` };
}
