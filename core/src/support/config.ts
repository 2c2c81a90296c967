import { resolve } from "node:path";
import { z } from "zod";

// The support module's settings (folded into core/src/config.ts). Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const SupportEnv = z.object({
	DATABASE_URL_SUPPORT: z.preprocess(blankIsUnset, z.string().optional()),
});

export interface SupportConfig {
	url: string;
}

export function loadSupportConfig(
	opts: { dataDir: string },
	env: Record<string, string | undefined> = process.env,
): SupportConfig {
	const e = SupportEnv.parse(env);
	return { url: e.DATABASE_URL_SUPPORT ?? `file:${resolve(opts.dataDir, "support.db")}` };
}
