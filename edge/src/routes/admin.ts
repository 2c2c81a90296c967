import { Hono } from "hono";
import type { AppEnv } from "../env";
import { coreClient } from "../lib/core";
import { apiProblem } from "../lib/problems";
import { requireAdmin } from "../middleware/admin-auth";
import { bufferBody } from "../middleware/body";

// Admin catalog API: a thin, authenticated proxy to the core's /catalog/admin/*. The core owns
// validation and answers with problem JSON; its status and body come back unchanged.

const ADMIN = { user: "admin", roles: ["admin"] };
/** ImageInput allows 8 MB of base64 plus the JSON around it. */
const MAX_BODY = 9 * 1024 * 1024;
const PREFIX = "/api/admin/catalog";

export const admin = new Hono<AppEnv>().all(`${PREFIX}/*`, requireAdmin, bufferBody(MAX_BODY), async (c) => {
	const url = new URL(c.req.url);
	// Dot segments are already resolved by the URL parser; encoded separators would let a path
	// reach past /catalog/admin on a server that decodes before routing, so refuse them.
	if (/%2f|%5c|%2e/i.test(url.pathname)) return apiProblem(400, "Encoded separators are not allowed in admin paths.");
	const corePath = `/catalog/admin${url.pathname.slice(PREFIX.length)}${url.search}`;
	const body = c.get("body");
	const hasBody = body.byteLength > 0 && c.req.method !== "GET" && c.req.method !== "HEAD";
	let res: Response;
	try {
		res = await coreClient(c.env).request(c.req.method, corePath, {
			body: hasBody ? body : undefined,
			caller: ADMIN,
			headers: hasBody ? { "content-type": c.req.header("content-type") ?? "application/json" } : undefined,
		});
	} catch {
		return apiProblem(503, "The catalog service is unreachable; try again shortly.");
	}
	// The core refusing our signature is a configuration fault at the edge, not the caller's.
	if (res.status === 401) return apiProblem(502, "The catalog service refused the edge's signature.");
	return new Response(res.body, {
		status: res.status,
		headers: {
			"content-type": res.headers.get("content-type") ?? "application/json",
			"cache-control": "no-store",
			...(res.headers.get("location") ? { location: res.headers.get("location") as string } : {}),
		},
	});
});
