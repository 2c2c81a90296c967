import {
	AccountUpdated,
	Address,
	AddressId,
	AddressInput,
	AddressList,
	AddressPatch,
	ApiSession,
	ChangePasswordInput,
	PasswordResetAccepted,
	PasswordResetConfirm,
	PasswordResetRequest,
	ProfilePatch,
	RegisterInput,
	SignupAccepted,
	SignupConfirm,
	UserPublic,
} from "@bazaar/contracts/identity";
import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { mergeGuestCart } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, type CoreAnswer, callerOf } from "../lib/core-call";
import { identity } from "../lib/identity";
import { apiProblem, relayProblem } from "../lib/problems";
import { SIGN_IN_CHALLENGE } from "../middleware/admin-auth";
import { apiWriteGuard } from "../middleware/api-write";
import { bufferBody } from "../middleware/body";
import {
	apiRouter,
	body,
	COOKIE_WRITE_RULE,
	coreTrouble,
	csrfProblems,
	json,
	problem,
	SESSION,
	SESSION_OR_NONE,
	tooLarge,
} from "../openapi/route-kit";
import { endSession, endStoredSession, loadSession, startSession } from "../session/middleware";
import { type ActiveSession, createSession } from "../session/store";

// The account flows of the HTML forms (/account/*) as JSON, for other storefronts and apps: sign
// up (POST /api/customers, then the mailed token), password reset, the profile, the password and
// the address book; a customer's orders are /api/orders. Each calls the same core verb as its
// form, so the core's rules and rate limits (per client IP, which the edge signs) hold alike, and
// writes keep the API's CSRF rule (middleware/api-write.ts): a bearer token, or same-site JSON.

const MAX_BODY = 16 * 1024;

/** A router with the API's session, CSRF rule and body limit; personal answers are never cached. */
function accountRouter(): OpenAPIHono<AppEnv> {
	const router = apiRouter();
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

/** Before the body is read: a request without a live session is a 401 whatever it sends. */
const signedIn = createMiddleware<AppEnv>(async (c, next) => {
	if (c.get("session")) return next();
	return apiProblem(
		401,
		"Sign in first: POST /api/session, then send `Authorization: Bearer <token>`.",
		{},
		SIGN_IN_CHALLENGE,
	);
});
const sessionOf = (c: AppContext) => c.get("session") as ActiveSession;

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

// ---- route definitions ---------------------------------------------------------------------------

const badBody = (what: string) => ({ 400: problem(`The body is not JSON or not a valid ${what}.`) });
const signIn = { 401: problem("Not signed in, or the session has ended (`WWW-Authenticate: Bearer`).") };
const limited = { 429: problem("Too many attempts; `Retry-After` says when to try again.") };
const noAddress = { 404: problem("No such address in your account.") };
const addressParams = z.object({
	id: AddressId.meta({ param: { description: "Address id." }, example: "adr_01J00000000000000000000000" }),
});
const EXAMPLE_PASSWORD = "correct horse battery staple";

/** A write: the CSRF rule in its description, its refusals and the core's trouble in its answers. */
function write<R extends RouteConfig>(route: R): R {
	return {
		...route,
		description: `${route.description ?? ""} ${COOKIE_WRITE_RULE}`.trim(),
		responses: { ...route.responses, ...csrfProblems, ...tooLarge("16 KB"), ...coreTrouble },
	};
}
/** The signed-in customer's own: 401 without a session, checked before the body is read. */
function personal<R extends RouteConfig>(route: R, writes: boolean): R {
	const base = {
		...route,
		tags: ["account"],
		security: SESSION,
		middleware: [signedIn],
		responses: { ...route.responses, ...signIn, ...coreTrouble },
	};
	return writes ? write(base) : base;
}

const register = createRoute(
	write({
		method: "post",
		path: "/",
		tags: ["account"],
		operationId: "register",
		summary: "Sign up",
		description:
			"Mails a confirmation link (`/account/signup/confirm?token=…`) to the address; the same 202 when the address already has an account (that mail says so). Rate limits as the form's: per client address and for the whole shop.",
		security: SESSION_OR_NONE,
		request: {
			body: body(RegisterInput, { email: "new.shopper@example.com", password: EXAMPLE_PASSWORD, name: "Ada Shopper" }),
		},
		responses: { 202: json(SignupAccepted, "The mail is on its way."), ...badBody("sign-up"), ...limited },
	}),
);

const confirmSignup = createRoute(
	write({
		method: "post",
		path: "/confirm",
		tags: ["account"],
		operationId: "confirmSignup",
		summary: "Confirm a sign-up",
		description:
			"The mailed token makes the account and signs it in: the answer is a session, as from POST /api/session.",
		security: SESSION_OR_NONE,
		request: { body: body(SignupConfirm, { token: "the-token-from-the-mailed-link" }) },
		responses: {
			201: json(ApiSession, "The account exists and is signed in."),
			...badBody("token, or it is unknown, used or expired"),
			...limited,
		},
	}),
);

const requestPasswordReset = createRoute(
	write({
		method: "post",
		path: "/",
		tags: ["account"],
		operationId: "requestPasswordReset",
		summary: "Ask for a password reset",
		description:
			"Mails a reset link (`/account/reset?token=…`); the same 202 for an address without an account. At most three mails an hour per address: beyond that nothing is sent, with the same answer.",
		security: SESSION_OR_NONE,
		request: { body: body(PasswordResetRequest, { email: "shopper@example.com" }) },
		responses: { 202: json(PasswordResetAccepted, "Accepted."), ...badBody("email address"), ...limited },
	}),
);

const confirmPasswordReset = createRoute(
	write({
		method: "post",
		path: "/confirm",
		tags: ["account"],
		operationId: "confirmPasswordReset",
		summary: "Set a new password with the mailed token",
		description: "Every session of the account ends, this one too; sign in again with the new password.",
		security: SESSION_OR_NONE,
		request: {
			body: body(PasswordResetConfirm, { token: "the-token-from-the-mailed-link", newPassword: EXAMPLE_PASSWORD }),
		},
		responses: {
			204: { description: "The password is changed." },
			...badBody("token and new password, or the token is unknown, used or expired"),
			...limited,
		},
	}),
);

const profile = createRoute(
	personal(
		{
			method: "get",
			path: "/profile",
			operationId: "profile",
			summary: "Your profile",
			responses: { 200: json(UserPublic, "The account.") },
		},
		false,
	),
);

const updateProfile = createRoute(
	personal(
		{
			method: "patch",
			path: "/profile",
			operationId: "updateProfile",
			summary: "Change your name or email",
			description:
				"A new email needs `currentPassword` and ends every session: the answer's `token` is this client's new one (a cookie session gets a new cookie).",
			request: { body: body(ProfilePatch, { name: "Ada Lovelace" }) },
			responses: {
				200: json(AccountUpdated, "Changed."),
				...badBody("change, or the password is wrong"),
				...limited,
				409: problem("The email belongs to another account."),
			},
		},
		true,
	),
);

const changePassword = createRoute(
	personal(
		{
			method: "post",
			path: "/password",
			operationId: "changePassword",
			summary: "Change your password",
			description: "Ends every other session; the answer's `token` is this client's new one.",
			request: {
				body: body(ChangePasswordInput, {
					currentPassword: "the password you have now",
					newPassword: EXAMPLE_PASSWORD,
				}),
			},
			responses: {
				200: json(AccountUpdated, "Changed."),
				...badBody("change, or the current password is wrong"),
				...limited,
			},
		},
		true,
	),
);

const addresses = createRoute(
	personal(
		{
			method: "get",
			path: "/addresses",
			operationId: "addresses",
			summary: "Your address book",
			responses: { 200: json(AddressList, "Your addresses.") },
		},
		false,
	),
);

const addAddress = createRoute(
	personal(
		{
			method: "post",
			path: "/addresses",
			operationId: "addAddress",
			summary: "Add an address",
			request: {
				body: body(AddressInput, {
					label: "Home",
					recipient: "Ada Shopper",
					line1: "12 Example Street",
					city: "London",
					postalCode: "N1 9GU",
					country: "GB",
					defaultShipping: true,
				}),
			},
			responses: { 201: json(Address, "Added."), ...badBody("address") },
		},
		true,
	),
);

const address = createRoute(
	personal(
		{
			method: "get",
			path: "/addresses/{id}",
			operationId: "address",
			summary: "One of your addresses",
			request: { params: addressParams },
			responses: { 200: json(Address, "The address."), ...noAddress },
		},
		false,
	),
);

const updateAddress = createRoute(
	personal(
		{
			method: "patch",
			path: "/addresses/{id}",
			operationId: "updateAddress",
			summary: "Change an address",
			request: { params: addressParams, body: body(AddressPatch, { label: "Work" }) },
			responses: { 200: json(Address, "Changed."), ...badBody("change"), ...noAddress },
		},
		true,
	),
);

const deleteAddress = createRoute(
	personal(
		{
			method: "delete",
			path: "/addresses/{id}",
			operationId: "deleteAddress",
			summary: "Delete an address",
			request: { params: addressParams },
			responses: { 204: { description: "Deleted." }, ...noAddress },
		},
		true,
	),
);

// ---- signing up and resetting a password (anonymous) -------------------------------------------

// The same answer whether or not the address has an account: the mail tells its owner which.
apiCustomers.openapi(register, async (c) =>
	answer(c, await identity.register(c.env, anonymousCaller(c.req.raw), c.req.valid("json")), 202),
);

// The mailed token makes the account; the answer signs the new customer in, as POST /api/session does.
apiCustomers.openapi(confirmSignup, async (c) => {
	const result = await identity.confirmSignup(c.env, anonymousCaller(c.req.raw), c.req.valid("json"));
	if (!result.ok) return relayProblem(result);
	const session = await createSession(c.env.SESSIONS, {
		userId: result.value.id,
		roles: result.value.roles,
		generation: result.value.sessionGeneration,
	});
	await mergeGuestCart(c, session);
	const user = result.value;
	const signedUp: ApiSession = {
		token: session.id,
		expiresAt: new Date(session.expiresAt).toISOString(),
		user: { id: user.id, name: user.name, email: user.email, roles: user.roles },
	};
	return c.json(signedUp, 201);
});

apiPasswordReset.openapi(requestPasswordReset, async (c) =>
	answer(c, await identity.requestPasswordReset(c.env, anonymousCaller(c.req.raw), c.req.valid("json")), 202),
);

// A new password ends every session of the account, this one too if it is signed in.
apiPasswordReset.openapi(confirmPasswordReset, async (c) => {
	const result = await identity.confirmPasswordReset(c.env, anonymousCaller(c.req.raw), c.req.valid("json"));
	if (!result.ok) return relayProblem(result);
	const session = c.get("session");
	if (session && session.userId === result.value.id) {
		if (c.get("authVia") === "cookie") await endSession(c);
		else await endStoredSession(c.env, session);
	}
	return c.body(null, 204);
});

// ---- the signed-in customer --------------------------------------------------------------------

apiAccount.openapi(profile, async (c) => answer(c, await identity.me(c.env, callerOf(c, sessionOf(c)))));

/**
 * A changed email or password ends every session of the account (the core moves its generation):
 * the answer carries a new bearer token then (`token`), or sets a new cookie for a browser.
 */
async function updated(c: AppContext, session: ActiveSession, result: CoreAnswer<UserPublic>) {
	if (!result.ok) return relayProblem(result);
	const token = result.value.sessionGeneration === session.generation ? null : await freshSession(c, result.value);
	const changed: AccountUpdated = { user: result.value, token };
	return c.json(changed);
}

apiAccount.openapi(updateProfile, async (c) => {
	const session = sessionOf(c);
	return updated(c, session, await identity.updateProfile(c.env, callerOf(c, session), c.req.valid("json")));
});

apiAccount.openapi(changePassword, async (c) => {
	const session = sessionOf(c);
	return updated(c, session, await identity.changePassword(c.env, callerOf(c, session), c.req.valid("json")));
});

apiAccount.openapi(addresses, async (c) => answer(c, await identity.addresses(c.env, callerOf(c, sessionOf(c)))));

apiAccount.openapi(addAddress, async (c) =>
	answer(c, await identity.addAddress(c.env, callerOf(c, sessionOf(c)), c.req.valid("json")), 201),
);

apiAccount.openapi(address, async (c) =>
	answer(c, await identity.address(c.env, callerOf(c, sessionOf(c)), c.req.valid("param").id)),
);

apiAccount.openapi(updateAddress, async (c) =>
	answer(
		c,
		await identity.updateAddress(c.env, callerOf(c, sessionOf(c)), c.req.valid("param").id, c.req.valid("json")),
	),
);

apiAccount.openapi(deleteAddress, async (c) => {
	const result = await identity.deleteAddress(c.env, callerOf(c, sessionOf(c)), c.req.valid("param").id);
	return result.ok ? c.body(null, 204) : relayProblem(result);
});
