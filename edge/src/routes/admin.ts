import { Problem } from "@bazaar/contracts";
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { armShards } from "../flash/arm";
import { coreClient } from "../lib/core";
import { callerOf } from "../lib/core-call";
import { apiProblem } from "../lib/problems";
import { requireStaff } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { loadSession } from "../session/middleware";

// The admin API: /api/admin/<area>/* is a thin proxy to the core's <module>/admin/*, signed as
// the signed-in staff member (user and roles). The edge only checks that the caller is staff;
// the core owns the role rules and the validation, and its status and body come back unchanged.

const AREAS: Record<string, { corePrefix: string; maxBody: number }> = {
	/** ImageInput allows 8 MB of base64 plus the JSON around it. */
	catalog: { corePrefix: "/catalog/admin", maxBody: 9 * 1024 * 1024 },
	orders: { corePrefix: "/orders/admin", maxBody: 64 * 1024 },
	inventory: { corePrefix: "/inventory/admin", maxBody: 64 * 1024 },
	identity: { corePrefix: "/identity/admin", maxBody: 64 * 1024 },
	fulfillment: { corePrefix: "/fulfillment/admin", maxBody: 64 * 1024 },
	/** Which gateway and reference paid an order, refunded amounts, reconciliation runs. */
	payment: { corePrefix: "/payment/admin", maxBody: 64 * 1024 },
	/** Sale activities, their rules, coupons and redemptions. */
	promotions: { corePrefix: "/promotion/admin", maxBody: 256 * 1024 },
	/** The message bus's dead letters (events a consumer gave up on), and replaying one. */
	bus: { corePrefix: "/bus/admin", maxBody: 64 * 1024 },
	/** Flash-sale items; arming one also arms its shards here (flash/arm.ts). */
	flash: { corePrefix: "/flash/admin", maxBody: 64 * 1024 },
	/** The review moderation queue, decisions and the merchant's replies (admin or moderator). */
	reviews: { corePrefix: "/reviews/admin", maxBody: 64 * 1024 },
	/** Live support: the knowledge base, past conversations, tickets and their answers (admin or support_agent). */
	support: { corePrefix: "/support/admin", maxBody: 64 * 1024 },
	/** Digital goods: download files (the upload below) and licence-key pools (10,000 keys a request). */
	delivery: { corePrefix: "/delivery/admin", maxBody: 2.5 * 1024 * 1024 },
};
export const ADMIN_AREAS = Object.keys(AREAS);

const PASSED_HEADERS = ["content-type", "location", "retry-after", "etag", "idempotent-replayed"];
/** Request headers the core acts on besides the body (a refund's Idempotency-Key). */
const FORWARDED_HEADERS = ["idempotency-key"];

export const admin = new Hono<AppEnv>();

// Credentials before anything else, so an anonymous caller learns nothing about the paths. (A
// download file's upload is the edge's own route, routes/admin-downloads.ts, mounted in api.ts.)
admin.use("/api/admin/*", loadSession, requireStaff, apiWriteGuard);

admin.all("/api/admin/:area/*", async (c, next) => {
	const area = AREAS[c.req.param("area")];
	if (!area) return apiProblem(404, `There is no admin area here; the areas are: ${ADMIN_AREAS.join(", ")}.`);
	return bufferBody(area.maxBody)(c, next);
});

admin.all("/api/admin/:area/*", async (c) => {
	const url = new URL(c.req.url);
	// Dot segments are already resolved by the URL parser; encoded separators would let a path
	// reach past <module>/admin on a server that decodes before routing, so refuse them.
	if (/%2f|%5c|%2e/i.test(url.pathname)) return apiProblem(400, "Encoded separators are not allowed in admin paths.");
	const body = c.get("body");
	const hasBody = body.byteLength > 0 && c.req.method !== "GET" && c.req.method !== "HEAD";
	const headers: Record<string, string> = {};
	if (hasBody) headers["content-type"] = c.req.header("content-type") ?? "application/json";
	for (const name of FORWARDED_HEADERS) {
		const value = c.req.header(name);
		if (value !== undefined) headers[name] = value;
	}
	const path = `${url.pathname.slice("/api/admin".length)}${url.search}`;
	return forwardAdmin(c, c.req.method, path, { body: hasBody ? body : undefined, headers });
});

/**
 * One admin API call, as the signed-in staff member: `path` is what follows /api/admin
 * (`/orders/ord_…/refund?…`). The HTTP route above and the console (routes/console*.tsx) both
 * come through here, so a page can do nothing that curl with the same session could not.
 */
export async function forwardAdmin(
	c: AppContext,
	method: string,
	path: string,
	options: { body?: Uint8Array | undefined; headers?: Record<string, string> } = {},
): Promise<Response> {
	const match = /^\/([a-z]+)(\/[^?#]*)?(\?.*)?$/.exec(path);
	const areaName = match?.[1] ?? "";
	const area = AREAS[areaName];
	if (!match || !area) return apiProblem(404, `There is no admin area here; the areas are: ${ADMIN_AREAS.join(", ")}.`);
	const rest = match[2] ?? "";
	const corePath = `${area.corePrefix}${rest}${match[3] ?? ""}`;
	let res: Response;
	try {
		res = await coreClient(c.env).request(method, corePath, {
			body: options.body,
			caller: callerOf(c),
			headers: options.headers ?? {},
		});
	} catch {
		return apiProblem(503, "The shop's core service is unreachable; try again shortly.");
	}
	if (res.status === 401) {
		// The core refusing our signature is a configuration fault at the edge, not the caller's.
		const text = await res.text();
		const parsed = Problem.safeParse(safeJson(text));
		if (!parsed.success || /sign/i.test(parsed.data.detail ?? "")) {
			return apiProblem(502, "The core service refused the edge's signature.");
		}
		return new Response(text, { status: 401, headers: passHeaders(res, areaName) });
	}
	if (areaName === "flash" && method === "POST" && /^\/items\/[^/]+\/arm$/.test(rest) && res.ok) {
		return armShards(c.env, await res.text(), passHeaders(res, areaName));
	}
	return new Response(res.body, { status: res.status, headers: passHeaders(res, areaName) });
}

function passHeaders(res: Response, areaName: string): Headers {
	const out = new Headers({ "cache-control": "no-store" });
	for (const name of PASSED_HEADERS) {
		const value = res.headers.get(name);
		if (value !== null) out.set(name, value);
	}
	// A Location the core gives names its own path (<module>/admin/…); the caller can only follow
	// the edge's, /api/admin/<area>/….
	const corePrefix = AREAS[areaName]?.corePrefix;
	const location = out.get("location");
	if (corePrefix && location?.startsWith(`${corePrefix}/`)) {
		out.set("location", `/api/admin/${areaName}${location.slice(corePrefix.length)}`);
	}
	if (!out.has("content-type")) out.set("content-type", "application/json");
	return out;
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}
