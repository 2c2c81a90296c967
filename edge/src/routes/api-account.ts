import { problemResponse, zodProblem } from "@bazaar/contracts";
import {
	type AccountUpdated,
	AddressId,
	AddressInput,
	AddressPatch,
	type ApiSession,
	ChangePasswordInput,
	PasswordResetConfirm,
	PasswordResetRequest,
	ProfilePatch,
	RegisterInput,
	SignupConfirm,
	type UserPublic,
} from "@bazaar/contracts/identity";
import { Hono } from "hono";
import type { z } from "zod";
import { mergeGuestCart } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, type CoreAnswer, callerOf } from "../lib/core-call";
import { identity } from "../lib/identity";
import { apiProblem, relayProblem } from "../lib/problems";
import { SIGN_IN_CHALLENGE } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import { endSession, endStoredSession, loadSession, startSession } from "../session/middleware";
import { type ActiveSession, createSession } from "../session/store";

// The account flows of the HTML forms (/account/*) as JSON, for other storefronts and apps: sign
// up (POST /api/customers, then the mailed token), password reset, the profile, the password and
// the address book; a customer's orders are /api/orders. Each calls the same core verb as its
// form, so the core's rules and rate limits (per client IP, which the edge signs) hold alike, and
// writes keep the API's CSRF rule (middleware/api-write.ts): a bearer token, or same-site JSON.

const MAX_BODY = 16 * 1024;

/** A router with the API's session, CSRF rule and body limit; personal answers are never cached. */
function accountRouter(): Hono<AppEnv> {
	const router = new Hono<AppEnv>();
	router.use("*", loadSession, apiWriteGuard, bufferBody(MAX_BODY));
	router.use("*", async (c, next) => {
		await next();
		c.res.headers.set("cache-control", "no-store");
		c.res.headers.append("vary", "Cookie, Authorization");
	});
	return router;
}

/** Mounted at /api/customers. */
export const apiCustomers = accountRouter();
/** Mounted at /api/password-reset. */
export const apiPasswordReset = accountRouter();
/** Mounted at /api/account. */
export const apiAccount = accountRouter();

/** The request's JSON body checked against `schema`, or the 400 problem to answer. */
function bodyOf<S extends z.ZodType>(c: AppContext, schema: S, what: string): z.infer<S> | Response {
	let raw: unknown;
	try {
		raw = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(c.get("body")));
	} catch {
		return apiProblem(400, "The body is not valid JSON.");
	}
	const parsed = schema.safeParse(raw);
	return parsed.success ? parsed.data : problemResponse(zodProblem(parsed.error, `The ${what} is not valid.`));
}

function signedIn(c: AppContext): ActiveSession | Response {
	return (
		c.get("session") ??
		apiProblem(
			401,
			"Sign in first: POST /api/session, then send `Authorization: Bearer <token>`.",
			{},
			SIGN_IN_CHALLENGE,
		)
	);
}

/** A session for `user` the way this request authenticates: a new cookie, or a new bearer token to hand back. */
async function freshSession(c: AppContext, user: UserPublic): Promise<string | null> {
	if (c.get("authVia") === "cookie") {
		await startSession(c, user);
		return null;
	}
	const session = await createSession(c.env.SESSIONS, {
		userId: user.id,
		roles: user.roles,
		generation: user.sessionGeneration,
	});
	return session.id;
}

const answer = <T>(c: AppContext, result: CoreAnswer<T>, status = 200) =>
	result.ok ? c.json(result.value as object, status as 200) : relayProblem(result);

// ---- signing up and resetting a password (anonymous) -------------------------------------------

// The same answer whether or not the address has an account: the mail tells its owner which.
apiCustomers.post("/", async (c) => {
	const input = bodyOf(c, RegisterInput, "sign-up");
	if (input instanceof Response) return input;
	return answer(c, await identity.register(c.env, anonymousCaller(c.req.raw), input), 202);
});

// The mailed token makes the account; the answer signs the new customer in, as POST /api/session does.
apiCustomers.post("/confirm", async (c) => {
	const input = bodyOf(c, SignupConfirm, "confirmation");
	if (input instanceof Response) return input;
	const result = await identity.confirmSignup(c.env, anonymousCaller(c.req.raw), input);
	if (!result.ok) return relayProblem(result);
	const session = await createSession(c.env.SESSIONS, {
		userId: result.value.id,
		roles: result.value.roles,
		generation: result.value.sessionGeneration,
	});
	await mergeGuestCart(c, session);
	const user = result.value;
	const body: ApiSession = {
		token: session.id,
		expiresAt: new Date(session.expiresAt).toISOString(),
		user: { id: user.id, name: user.name, email: user.email, roles: user.roles },
	};
	return c.json(body, 201);
});

apiPasswordReset.post("/", async (c) => {
	const input = bodyOf(c, PasswordResetRequest, "reset request");
	if (input instanceof Response) return input;
	return answer(c, await identity.requestPasswordReset(c.env, anonymousCaller(c.req.raw), input), 202);
});

// A new password ends every session of the account, this one too if it is signed in.
apiPasswordReset.post("/confirm", async (c) => {
	const input = bodyOf(c, PasswordResetConfirm, "new password");
	if (input instanceof Response) return input;
	const result = await identity.confirmPasswordReset(c.env, anonymousCaller(c.req.raw), input);
	if (!result.ok) return relayProblem(result);
	const session = c.get("session");
	if (session && session.userId === result.value.id) {
		if (c.get("authVia") === "cookie") await endSession(c);
		else await endStoredSession(c.env, session);
	}
	return c.body(null, 204);
});

// ---- the signed-in customer --------------------------------------------------------------------

apiAccount.get("/profile", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	return answer(c, await identity.me(c.env, callerOf(c, session)));
});

/**
 * A changed email or password ends every session of the account (the core moves its generation):
 * the answer carries a new bearer token then (`token`), or sets a new cookie for a browser.
 */
async function updated(c: AppContext, session: ActiveSession, result: CoreAnswer<UserPublic>) {
	if (!result.ok) return relayProblem(result);
	const token = result.value.sessionGeneration === session.generation ? null : await freshSession(c, result.value);
	const body: AccountUpdated = { user: result.value, token };
	return c.json(body);
}

apiAccount.patch("/profile", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const patch = bodyOf(c, ProfilePatch, "profile change");
	if (patch instanceof Response) return patch;
	return updated(c, session, await identity.updateProfile(c.env, callerOf(c, session), patch));
});

apiAccount.post("/password", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const input = bodyOf(c, ChangePasswordInput, "password change");
	if (input instanceof Response) return input;
	return updated(c, session, await identity.changePassword(c.env, callerOf(c, session), input));
});

apiAccount.get("/addresses", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	return answer(c, await identity.addresses(c.env, callerOf(c, session)));
});

apiAccount.post("/addresses", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const input = bodyOf(c, AddressInput, "address");
	if (input instanceof Response) return input;
	return answer(c, await identity.addAddress(c.env, callerOf(c, session), input), 201);
});

const NO_SUCH_ADDRESS = "There is no such address in your account.";
const addressIdOf = (c: AppContext) => {
	const id = c.req.param("id") ?? "";
	return AddressId.safeParse(id).success ? id : null;
};

apiAccount.get("/addresses/:id", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = addressIdOf(c);
	if (!id) return apiProblem(404, NO_SUCH_ADDRESS);
	return answer(c, await identity.address(c.env, callerOf(c, session), id));
});

apiAccount.patch("/addresses/:id", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = addressIdOf(c);
	if (!id) return apiProblem(404, NO_SUCH_ADDRESS);
	const patch = bodyOf(c, AddressPatch, "address change");
	if (patch instanceof Response) return patch;
	return answer(c, await identity.updateAddress(c.env, callerOf(c, session), id, patch));
});

apiAccount.delete("/addresses/:id", async (c) => {
	const session = signedIn(c);
	if (session instanceof Response) return session;
	const id = addressIdOf(c);
	if (!id) return apiProblem(404, NO_SUCH_ADDRESS);
	const result = await identity.deleteAddress(c.env, callerOf(c, session), id);
	return result.ok ? c.body(null, 204) : relayProblem(result);
});
