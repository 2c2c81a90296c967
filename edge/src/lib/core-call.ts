import { Problem } from "@bazaar/contracts";
import type { Caller } from "@bazaar/signature";
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env";
import type { ActiveSession } from "../session/store";
import { coreClient } from "./core";

// One way for the edge's personal routes to call the core: signed for the caller, the answer
// validated against its contract, and a refusal handed back as data (status + problem) so each
// route decides whether it becomes a form message, a redirect or a problem JSON.

export type CoreAnswer<T> =
	| { ok: true; value: T; status: number; headers: Headers }
	| { ok: false; status: number; problem: Problem; retryAfter?: string };

/**
 * The shopper's address as Cloudflare reports it. Cloudflare always sets it; a local stack or a
 * test may not, and then there is none: making one up ("127.0.0.1") would put every such client
 * in one rate-limit bucket, where one of them could shut the others out.
 */
export function clientIp(request: Request): string | undefined {
	return request.headers.get("cf-connecting-ip") ?? undefined;
}

export function anonymousCaller(request: Request): Caller {
	return withIp({ user: "", roles: [] }, request);
}

/** The signed caller for a request: the session's user and roles, or anonymous. */
export function callerOf(c: Context<AppEnv>, session: ActiveSession | null = c.get("session") ?? null): Caller {
	if (!session) return anonymousCaller(c.req.raw);
	return withIp({ user: session.userId, roles: session.roles }, c.req.raw);
}

function withIp(caller: Caller, request: Request): Caller {
	const ip = clientIp(request);
	return ip === undefined ? caller : { ...caller, ip };
}

export interface CallOptions {
	body?: unknown;
	/** Extra headers, e.g. the guest cart token or an Idempotency-Key. */
	headers?: Record<string, string>;
}

export async function callCore<S extends z.ZodType>(
	env: Env,
	schema: S,
	method: string,
	path: string,
	caller: Caller,
	options: CallOptions = {},
): Promise<CoreAnswer<z.infer<S>>> {
	let res: Response;
	try {
		res = await coreClient(env).request(method, path, {
			caller,
			body: options.body === undefined ? undefined : JSON.stringify(options.body),
			headers: options.headers,
		});
	} catch {
		return { ok: false, status: 503, problem: unreachable };
	}
	return answerOf(res, schema);
}

/** A core (or admin API) response as a CoreAnswer: the body validated on success, the problem otherwise. */
export async function answerOf<S extends z.ZodType>(res: Response, schema: S): Promise<CoreAnswer<z.infer<S>>> {
	const text = await res.text();
	if (res.ok)
		return {
			ok: true,
			value: schema.parse(text === "" ? null : JSON.parse(text)),
			status: res.status,
			headers: res.headers,
		};
	let problem: Problem;
	try {
		problem = Problem.parse(JSON.parse(text));
	} catch {
		problem = { type: "about:blank", title: "Upstream error", status: res.status };
	}
	// The core refusing our own signature is the edge's misconfiguration, not the caller's fault.
	if (res.status === 401 && /signature/i.test(problem.detail ?? "")) {
		return {
			ok: false,
			status: 502,
			problem: { ...problem, status: 502, detail: "The shop refused the edge's signature." },
		};
	}
	return { ok: false, status: res.status, problem, retryAfter: res.headers.get("retry-after") ?? undefined };
}

const unreachable: Problem = {
	type: "about:blank",
	title: "Service Unavailable",
	status: 503,
	detail: "The shop could not be reached. Try again shortly.",
};
