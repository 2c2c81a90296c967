import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { clearCookie, readCookie, writeCookie } from "./cookie";
import { forgetChecks, verifyGeneration } from "./generation";
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
 * Loads the shopper's session into `c.var.session` (null when anonymous). A cookie that names no
 * live session (forged, expired, logged out, or from an older generation) is cleared and the
 * request goes on as anonymous. POSTs check the generation with the core every time.
 */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
	c.set("session", null);
	const bearer = bearerToken(c);
	c.set("authVia", bearer ? "bearer" : "cookie");
	if (bearer) {
		// API clients hold the same session id as a bearer token (POST /api/session). No cookie
		// is involved, so there is nothing to clear, slide or protect against CSRF.
		const stored = await readSession(c.env.SESSIONS, bearer);
		const check = stored ? await verifyGeneration(c.env, stored, { fresh: c.req.method !== "GET" }) : null;
		if (stored && check?.valid) c.set("session", { ...stored, roles: check.roles });
		return next();
	}
	const id = readCookie(c, SESSION_COOKIE);
	if (id) {
		const stored = await readSession(c.env.SESSIONS, id);
		const check = stored ? await verifyGeneration(c.env, stored, { fresh: c.req.method !== "GET" }) : null;
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

function bearerToken(c: Context<AppEnv>): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
	return match?.[1] ?? null;
}

/** Starts a fresh session (a new id, so a planted cookie can never become a signed-in one). */
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

/** Deletes the current session (KV entry, this isolate's check, the cookie). */
export async function endSession(c: Context<AppEnv>): Promise<void> {
	await dropCurrent(c);
	clearCookie(c, SESSION_COOKIE);
}

async function dropCurrent(c: Context<AppEnv>): Promise<void> {
	const id = c.get("session")?.id ?? readCookie(c, SESSION_COOKIE);
	if (id) {
		forgetChecks({ sessionId: id });
		await deleteSession(c.env.SESSIONS, id);
	}
	c.set("session", null);
}
