import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { readBodyLimited } from "../lib/bytes";
import { apiProblem } from "../lib/problems";

/** Reads the body once, refusing more than `limit` bytes with 413 before anyone parses it. */
export const bufferBody = (limit: number) =>
	createMiddleware<AppEnv>(async (c, next) => {
		const body = await readBodyLimited(c.req.raw, limit);
		if (body === null) return apiProblem(413, `The body is larger than ${limit} bytes.`);
		c.set("body", body);
		await next();
	});
