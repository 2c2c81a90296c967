import { ApiSession, ApiSessionInfo, LoginInput, type UserPublic } from "@bazaar/contracts/identity";
import { createRoute } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { mergeGuestCart } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, callerOf } from "../lib/core-call";
import { identity } from "../lib/identity";
import { apiProblem } from "../lib/problems";
import { SIGN_IN_CHALLENGE } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { apiRouter, body, csrfProblems, json, problem, SESSION, tooLarge } from "../openapi/route-kit";
import { endSession, endStoredSession, loadSession } from "../session/middleware";
import { type ActiveSession, createSession } from "../session/store";

// Sign-in for API clients (the admin API, scripts, the bench): the same login as the
// /account/login form — the core checks the password and the rate limits — and the same KV
// session, but handed back as a token for `Authorization: Bearer <token>` instead of a cookie.

const SAME_ANSWER = "The email address or the password is not correct.";
const MAX_BODY = 16 * 1024;

export const apiSession = apiRouter();

apiSession.use("*", loadSession);
apiSession.use("*", async (c, next) => {
	await next();
	c.res.headers.set("cache-control", "no-store");
});

const signIn = createRoute({
	method: "post",
	path: "/",
	tags: ["session"],
	operationId: "signIn",
	summary: "Sign in",
	description:
		"The same login as the storefront's form. Rate limits: per account and client address, and per address (429 with `Retry-After`); an account under a guessing attack slows down addresses it was never signed in from, never the ones it was. Answers a token to send as `Authorization: Bearer <token>`; no cookie is set. A wrong password and an unknown email get the same 401.",
	// Signing in is a write too: a cross-site page must not sign a browser into someone's account.
	middleware: [apiWriteGuard, bufferBody(MAX_BODY)] as const,
	request: { body: body(LoginInput, { email: "shopper@example.com", password: "correct horse battery staple" }) },
	responses: {
		201: json(ApiSession, "Signed in."),
		400: problem("The body is not JSON or not `{email, password}`."),
		401: problem("The email address or the password is not correct."),
		...csrfProblems,
		...tooLarge("16 KB"),
		429: problem("Too many attempts; `Retry-After` says when to try again."),
		502: problem("Signing in failed on our side."),
		503: problem("The core service is unreachable; try again shortly."),
	},
});

apiSession.openapi(signIn, async (c) => {
	const result = await identity.login(c.env, anonymousCaller(c.req.raw), c.req.valid("json"));
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
	const answer: ApiSession = { token: session.id, ...describe(session, user) };
	return c.json(answer, 201);
});

const currentSession = createRoute({
	method: "get",
	path: "/",
	tags: ["session"],
	operationId: "currentSession",
	summary: "The current session",
	security: SESSION,
	responses: {
		200: json(ApiSessionInfo, "Who is signed in, and until when."),
		401: problem("No session, or it has ended (signed out, expired, logged out everywhere)."),
		502: problem("The core service failed."),
		503: problem("The core service is unreachable; try again shortly."),
	},
});

apiSession.openapi(currentSession, async (c) => {
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
	const answer: ApiSessionInfo = describe(session, me.value);
	return c.json(answer, 200);
});

const signedIn = createMiddleware<AppEnv>(async (c, next) => (c.get("session") ? next() : signInFirst()));

const signOut = createRoute({
	method: "delete",
	path: "/",
	tags: ["session"],
	operationId: "signOut",
	summary: "Sign out",
	description: "Ends this session only. With the cookie it needs a same-site request with a JSON content type.",
	security: SESSION,
	middleware: [signedIn, apiWriteGuard] as const,
	responses: {
		204: { description: "Signed out; the token no longer works." },
		401: problem("No session."),
		403: problem("Cookie session, sent from another site."),
		415: problem("Cookie session, without `content-type: application/json`."),
	},
});

apiSession.openapi(signOut, async (c) => {
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
