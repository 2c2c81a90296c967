import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";
import { checkSession, revokeSession } from "./check";
import { clearCookie, readCookie, writeCookie } from "./cookie";
import {
	type ActiveSession,
	createSession,
	deleteSession,
	needsRefresh,
	readSession,
	refreshSession,
	SESSION_TTL_SECONDS,
} from "./store";

export const SESSION_COOKIE = "bazaar_session";

/**
 * Loads the shopper's session into `c.var.session` (null when anonymous), asking the core whether
 * it is still good on every request (check.ts). A cookie that names no live session (forged,
 * expired, logged out, or from an older generation) is cleared and the request goes on as
 * anonymous.
 */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
	// Loaded once per request: the app-wide bearer check may have done it already.
	if (c.get("sessionLoaded")) return next();
	c.set("sessionLoaded", true);
	c.set("session", null);
	const authorization = c.req.header("authorization");
	c.set("authVia", authorization === undefined ? "cookie" : "bearer");
	if (authorization !== undefined) {
		// API clients hold the same session id as a bearer token (POST /api/session). No cookie
		// is involved, so there is nothing to clear, slide or protect against CSRF. A credential
		// that is not a live session (revoked, expired, unknown, malformed) is refused outright:
		// going on as anonymous would answer a client that believes it is signed in.
		const bearer = bearerToken(authorization);
		const stored = bearer ? await readSession(c.env.SESSIONS, bearer) : null;
		const check = stored ? await checkSession(c.env, stored) : null;
		if (!stored || !check?.valid) return invalidToken();
		c.set("session", { ...stored, roles: check.roles });
		return next();
	}
	const id = readCookie(c, SESSION_COOKIE);
	if (id) {
		const stored = await readSession(c.env.SESSIONS, id);
		const check = stored ? await checkSession(c.env, stored) : null;
		if (!stored || !check?.valid) {
			if (stored) c.executionCtx.waitUntil(deleteSession(c.env.SESSIONS, id));
			clearCookie(c, SESSION_COOKIE);
		} else {
			let session: ActiveSession = { ...stored, roles: check.roles };
			if (needsRefresh(session)) {
				// Sliding expiry: the KV rewrite and the renewed cookie go together, once per window.
				session = await refreshSession(c.env.SESSIONS, session);
				writeCookie(c, SESSION_COOKIE, session.id, SESSION_TTL_SECONDS);
			}
			c.set("session", session);
		}
	}
	await next();
});

function bearerToken(authorization: string): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
	return match?.[1] ?? null;
}

/** RFC 6750's answer to a bad token: 401 with `error="invalid_token"`, as problem JSON. */
function invalidToken(): Response {
	return apiProblem(
		401,
		"The bearer token is not a live session (signed out, expired or unknown). Sign in again: POST /api/session.",
		{},
		{ "www-authenticate": 'Bearer realm="bazaar", error="invalid_token"', "cache-control": "no-store" },
	);
}

/**
 * Every request that carries an `Authorization` header gets it checked, whatever the route (a
 * catalog read included): a revoked, expired or unknown token is a 401 everywhere, never an
 * anonymous answer. The machine routes (webhooks, the core's pushes) carry their own signatures
 * and are left to them.
 */
export const refuseBadCredentials = createMiddleware<AppEnv>(async (c, next) => {
	if (c.req.header("authorization") === undefined) return next();
	const path = c.req.path;
	if (path.startsWith("/webhooks/") || path.startsWith("/internal/")) return next();
	return loadSession(c, next);
});

/** Starts a fresh session (a new id, so a planted cookie can never become a signed-in one); the current one ends. */
export async function startSession(
	c: Context<AppEnv>,
	user: { id: string; roles: string[]; sessionGeneration: number },
): Promise<ActiveSession> {
	await dropCurrent(c);
	const session = await createSession(c.env.SESSIONS, {
		userId: user.id,
		roles: user.roles,
		generation: user.sessionGeneration,
	});
	writeCookie(c, SESSION_COOKIE, session.id, SESSION_TTL_SECONDS);
	c.set("session", session);
	return session;
}

/** Ends the current session: revoked at the core (so at every location at once), then its KV entry and cookie. */
export async function endSession(c: Context<AppEnv>): Promise<void> {
	await dropCurrent(c);
	clearCookie(c, SESSION_COOKIE);
}

async function dropCurrent(c: Context<AppEnv>): Promise<void> {
	const session = c.get("session");
	if (session) await endStoredSession(c.env, session);
	else {
		// A cookie that named no live session: nothing to revoke, only a stale KV entry to drop.
		const id = readCookie(c, SESSION_COOKIE);
		if (id) await deleteSession(c.env.SESSIONS, id);
	}
	c.set("session", null);
}

/**
 * Revokes a live session at the core, then deletes its KV entry. Throws 503 when the core cannot
 * be told: a session that other locations would still accept must not look ended.
 */
export async function endStoredSession(env: Env, session: ActiveSession): Promise<void> {
	if (!(await revokeSession(env, session))) {
		throw new HTTPException(503, { message: "We could not sign you out right now. Try again shortly." });
	}
	await deleteSession(env.SESSIONS, session.id);
}
