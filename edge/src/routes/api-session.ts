import { problemResponse, zodProblem } from "@bazaar/contracts";
import { type ApiSession, type ApiSessionInfo, LoginInput, type UserPublic } from "@bazaar/contracts/identity";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { mergeGuestCart } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, callerOf } from "../lib/core-call";
import { identity } from "../lib/identity";
import { apiProblem } from "../lib/problems";
import { SIGN_IN_CHALLENGE } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { endSession, endStoredSession, loadSession } from "../session/middleware";
import { type ActiveSession, createSession } from "../session/store";

// Sign-in for API clients (the admin API, scripts, the bench): the same login as the
// /account/login form — the core checks the password and the rate limits — and the same KV
// session, but handed back as a token for `Authorization: Bearer <token>` instead of a cookie.

const SAME_ANSWER = "The email address or the password is not correct.";
const MAX_BODY = 16 * 1024;

export const apiSession = new Hono<AppEnv>();

apiSession.use("*", loadSession);
apiSession.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
});

// Signing in is a write too: a cross-site page must not sign a browser into someone's account.
apiSession.post("/", apiWriteGuard, bufferBody(MAX_BODY), async (c) => {
	let raw: unknown;
	try {
		raw = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(c.get("body")));
	} catch {
		return apiProblem(400, "The body is not valid JSON.");
	}
	const input = LoginInput.safeParse(raw);
	if (!input.success) return problemResponse(zodProblem(input.error, "Send {email, password}."));

	const result = await identity.login(c.env, anonymousCaller(c.req.raw), input.data);
	if (!result.ok) {
		if (result.status === 429) {
			const retry = result.retryAfter ? { "retry-after": result.retryAfter } : undefined;
			return apiProblem(429, "Too many sign-in attempts. Wait a little and try again.", {}, retry);
		}
		// Wrong password and unknown email are one answer (the core already makes them one).
		if (result.status === 400 || result.status === 401) return apiProblem(401, SAME_ANSWER, {}, SIGN_IN_CHALLENGE);
		return apiProblem(result.status >= 500 ? result.status : 502, "Signing in failed on our side; try again shortly.");
	}
	const user = result.value;
	const session = await createSession(c.env.SESSIONS, {
		userId: user.id,
		roles: user.roles,
		generation: user.sessionGeneration,
	});
	// A browser script signing in with its guest cart cookie keeps that cart, as the form does.
	await mergeGuestCart(c, session);
	const body: ApiSession = { token: session.id, ...describe(session, user) };
	return c.json(body, 201);
});

apiSession.get("/", async (c) => {
	const session = c.get("session");
	if (!session) return signInFirst();
	const me = await identity.me(c.env, callerOf(c, session));
	// The profile carries the authoritative generation ("log out everywhere" ends this at once).
	if (
		(!me.ok && (me.status === 401 || me.status === 404)) ||
		(me.ok && me.value.sessionGeneration !== session.generation)
	) {
		await end(c, session);
		return signInFirst();
	}
	if (!me.ok) return apiProblem(me.status >= 500 ? me.status : 502, "We cannot read your account right now.");
	const body: ApiSessionInfo = describe(session, me.value);
	return c.json(body);
});

const signedIn = createMiddleware<AppEnv>(async (c, next) => (c.get("session") ? next() : signInFirst()));

apiSession.delete("/", signedIn, apiWriteGuard, async (c) => {
	await end(c, c.get("session") as ActiveSession);
	return c.body(null, 204);
});

function describe(session: ActiveSession, user: UserPublic): ApiSessionInfo {
	return {
		expiresAt: new Date(session.expiresAt).toISOString(),
		user: { id: user.id, name: user.name, email: user.email, roles: user.roles },
	};
}

/** Ends the session that made this request: revoked at the core, its KV entry, and the cookie if it came in one. */
async function end(c: AppContext, session: ActiveSession): Promise<void> {
	if (c.get("authVia") === "cookie") return endSession(c);
	await endStoredSession(c.env, session);
}

function signInFirst(): Response {
	return apiProblem(
		401,
		"Sign in first: POST /api/session, then send `Authorization: Bearer <token>`.",
		{},
		SIGN_IN_CHALLENGE,
	);
}
