import { Problem } from "@bazaar/contracts";
import type { Caller } from "@bazaar/signature";
import { z } from "zod";
import { coreClient } from "./core";

// The edge's calls to the core's identity module. The response shapes mirror
// core/src/identity/contracts.ts (UserPublic) until they move to @bazaar/contracts.

export const AccountUser = z.object({
	id: z.string(),
	email: z.string(),
	name: z.string(),
	roles: z.array(z.string()),
	sessionGeneration: z.number().int(),
});
export type AccountUser = z.infer<typeof AccountUser>;

export type CoreAnswer<T> =
	| { ok: true; value: T }
	| { ok: false; status: number; problem: Problem; retryAfter?: string };

/** The shopper's address as Cloudflare reports it; local dev and tests have none. */
export function clientIp(request: Request): string {
	return request.headers.get("cf-connecting-ip") ?? "127.0.0.1";
}

export function anonymousCaller(request: Request): Caller {
	return { user: "", roles: [], ip: clientIp(request) };
}

async function call<T>(
	env: Env,
	schema: z.ZodType<T>,
	method: string,
	path: string,
	caller: Caller,
	body?: unknown,
): Promise<CoreAnswer<T>> {
	const res = await coreClient(env).request(method, path, {
		caller,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (res.ok) return { ok: true, value: schema.parse(JSON.parse(text)) };
	let problem: Problem;
	try {
		problem = Problem.parse(JSON.parse(text));
	} catch {
		problem = { type: "about:blank", title: "Upstream error", status: res.status };
	}
	return { ok: false, status: res.status, problem, retryAfter: res.headers.get("retry-after") ?? undefined };
}

export const identity = {
	register: (env: Env, caller: Caller, input: { email: string; password: string; name: string }) =>
		call(env, AccountUser, "POST", "/identity/register", caller, input),
	login: (env: Env, caller: Caller, input: { email: string; password: string }) =>
		call(env, AccountUser, "POST", "/identity/login", caller, input),
	me: (env: Env, caller: Caller) => call(env, AccountUser, "GET", "/identity/me", caller),
	logoutEverywhere: (env: Env, caller: Caller) =>
		call(env, AccountUser, "POST", "/identity/me/logout-everywhere", caller),
};
