import { resolve } from "node:path";
import { z } from "zod";

// The review module's settings (folded into core/src/config.ts). Every one has a default.

const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);

export const ReviewEnv = z.object({
	DATABASE_URL_REVIEW: z.preprocess(blankIsUnset, z.string().optional()),
});

export interface ReviewConfig {
	url: string;
}

export function loadReviewConfig(
	opts: { dataDir: string },
	env: Record<string, string | undefined> = process.env,
): ReviewConfig {
	const e = ReviewEnv.parse(env);
	return { url: e.DATABASE_URL_REVIEW ?? `file:${resolve(opts.dataDir, "review.db")}` };
}
