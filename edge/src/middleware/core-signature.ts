import { verify } from "@bazaar/signature";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";

/**
 * Accepts only calls the core signed (same HMAC scheme as edge → core) for a caller holding
 * `role`. Needs `bufferBody` before it: the signature covers the body's hash.
 */
export const requireCoreSignature = (role: string) =>
	createMiddleware<AppEnv>(async (c, next) => {
		const secret = c.env.BAZAAR_SIGNING_SECRET ?? "";
		if (secret === "") return apiProblem(503, "The signing secret is not configured.");
		const url = new URL(c.req.url);
		const result = await verify({
			secret,
			method: c.req.method,
			path: url.pathname + url.search,
			headers: c.req.raw.headers,
			body: c.get("body"),
		});
		if (!result.ok) return apiProblem(401, `Signature refused: ${result.reason}.`);
		if (!result.caller.roles.includes(role)) return apiProblem(403, `This call needs the ${role} role.`);
		await next();
	});
