import { PROBLEM_CONTENT_TYPE, problem, problemResponse, zodProblem } from "@bazaar/contracts";
import { type Caller, verify } from "@bazaar/signature";
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { type CachedBody, etagMatches } from "./cache";
import { isUniqueViolation, redactError, ServiceError, ValidationError } from "./errors";
import { MemoryReplayGuard, type ReplayGuard } from "./replay-guard";
import { bunSignatureCrypto } from "./signature-crypto";

// HTTP plumbing shared by every core module: who is calling (signature), what they may do
// (roles), how a body is read, how errors become RFC 9457 problems, how cached bytes are sent.

export type AppEnv = {
	Variables: {
		caller: Caller;
		/** The raw request body, already read (its hash is part of the signature). */
		body: Uint8Array;
	};
};

const EMPTY = new Uint8Array(0);

/** Path and query exactly as the client sent them: that is what the edge signed. */
export function signedPath(url: string): string {
	const start = url.indexOf("/", url.indexOf("//") + 2);
	return start === -1 ? "/" : url.slice(start);
}

/**
 * Public catalog reads answer the same bytes to anyone: sending one of those again gets nothing
 * the sender did not already have, so they skip the seen-set (and the hot read stays synchronous).
 */
export function isPublicCatalogRead(method: string, path: string): boolean {
	return (method === "GET" || method === "HEAD") && path.startsWith("/catalog/") && !path.startsWith("/catalog/admin");
}

const refused = (reason: string) =>
	problemResponse(problem(401, `The request is not signed correctly (${reason}).`), {
		"www-authenticate": 'Bazaar-HMAC realm="core"',
	});

/**
 * Refuses anything not signed by the edge with the shared secret (DESIGN.md flow 2): missing,
 * tampered with (method, path, query, body, caller, the headers the core acts on), outside the
 * clock skew, or a signature accepted before (a replay) → 401.
 */
export function requireSignature(
	secret: string,
	replay: ReplayGuard = new MemoryReplayGuard(),
): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const method = c.req.method;
		const body = method === "GET" || method === "HEAD" ? EMPTY : new Uint8Array(await c.req.arrayBuffer());
		const path = signedPath(c.req.url);
		const result = await verify({
			secret,
			method,
			path,
			headers: c.req.raw.headers,
			body,
			crypto: bunSignatureCrypto,
		});
		if (!result.ok) return refused(result.reason);
		if (!isPublicCatalogRead(method, path) && !(await replay.firstSeen(result.nonce, result.timestamp))) {
			return refused("replayed signature");
		}
		c.set("caller", result.caller);
		c.set("body", body);
		await next();
	};
}

export function requireRole(...roles: string[]): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const caller = c.get("caller");
		if (!caller.roles.some((r) => roles.includes(r))) {
			return problemResponse(problem(403, `This needs one of the roles: ${roles.join(", ")}.`));
		}
		await next();
	};
}

/**
 * Who a staff action is recorded as: the signed-in staff member, or — a call the edge signs for
 * itself, with no user — `fallback` (the module's name for the service caller).
 */
export function actorOf(c: { get(key: "caller"): { user: string } }, fallback = "service"): string {
	return c.get("caller").user || fallback;
}

/**
 * Staff areas where some roles only read (a support agent looks orders up but does not move
 * them): GET and HEAD need one of `read` or `write`, anything else one of `write`.
 */
export function requireReadWriteRoles(roles: { read: string[]; write: string[] }): MiddlewareHandler<AppEnv> {
	const reading = requireRole(...roles.read, ...roles.write);
	const writing = requireRole(...roles.write);
	return (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? reading(c, next) : writing(c, next));
}

/** Reads the (already verified) body as JSON and validates it; bad JSON is a 400, like bad fields. */
export function readJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> {
	const contentType = c.req.header("content-type");
	if (contentType && !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
		throw new ServiceError(415, "The body must be application/json.");
	}
	const raw = rawJson(c);
	return schema.parse(raw);
}

export function rawJson(c: Context<AppEnv>): unknown {
	const bytes = c.get("body");
	if (bytes.byteLength === 0) throw new ValidationError("The request needs a JSON body.");
	try {
		return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
	} catch {
		throw new ValidationError("The body is not valid JSON.");
	}
}

export function jsonResponse(value: unknown, status = 200, headers?: HeadersInit): Response {
	const h = new Headers(headers);
	h.set("content-type", "application/json; charset=utf-8");
	h.set("cache-control", "no-store");
	return new Response(JSON.stringify(value), { status, headers: h });
}

/** Sends cached bytes, or 304 when the client already holds them. */
export function cachedResponse(c: Context, entry: CachedBody & { source?: string }): Response {
	return cachedBytesResponse(c.req.header("if-none-match"), entry, entry.source);
}

// The 200 headers of a memory hit, built once per entry: Bun copies a Headers object faster
// than it builds one from a plain object on every response.
const memoryHitHeaders = new WeakMap<CachedBody, Headers>();

export function cachedBytesResponse(
	ifNoneMatch: string | null | undefined,
	entry: CachedBody,
	source?: string,
): Response {
	if (source === "memory" && !ifNoneMatch) {
		let prebuilt = memoryHitHeaders.get(entry);
		if (!prebuilt) {
			prebuilt = new Headers({
				etag: entry.etag,
				"cache-control": "no-cache",
				"x-cache": "memory",
				"content-type": "application/json; charset=utf-8",
			});
			memoryHitHeaders.set(entry, prebuilt);
		}
		return new Response(entry.body as Uint8Array<ArrayBuffer>, { status: 200, headers: prebuilt });
	}
	const headers: Record<string, string> = {
		etag: entry.etag,
		// The edge keys on the catalog version and revalidates with the ETag.
		"cache-control": "no-cache",
	};
	if (source) headers["x-cache"] = source;
	if (etagMatches(ifNoneMatch, entry.etag)) return new Response(null, { status: 304, headers });
	headers["content-type"] = "application/json; charset=utf-8";
	return new Response(entry.body as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

/** The one place errors become responses. */
export const onError: ErrorHandler = (err) => {
	if (err instanceof ServiceError) {
		return problemResponse(problem(err.status, err.message, err.errors ? { errors: err.errors } : {}), err.headers);
	}
	if (err instanceof z.ZodError) return problemResponse(zodProblem(err));
	if (err instanceof HTTPException) {
		return problemResponse(problem(err.status, err.message || undefined));
	}
	if (isUniqueViolation(err)) return problemResponse(problem(409, "That conflicts with an existing record."));
	console.error(`unhandled error: ${redactError(err)}`);
	return problemResponse(problem(500, "Something went wrong on our side."));
};

export const notFound: NotFoundHandler = (c) =>
	problemResponse(problem(404, `There is nothing at ${c.req.method} ${new URL(c.req.url).pathname}.`));

export function payloadTooLarge(maxBytes: number) {
	return () =>
		new Response(JSON.stringify(problem(413, `The body is larger than ${Math.round(maxBytes / 1024)} KiB.`)), {
			status: 413,
			headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store" },
		});
}
