import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import type { CoreAnswer } from "../lib/core-call";
import { callerOf } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { identity } from "../lib/identity";
import { coreTrouble, personalPage as page, seeOther } from "../lib/personal-page";
import { endSession, startSession } from "../session/middleware";
import type { ActiveSession } from "../session/store";
import { AccountPage, type AccountPageProps, type FormMessage } from "../views/account-pages";

// The account page itself: the profile (name, email) and the password. Mounted under /account
// by account.tsx, which has already loaded the session.
//
// A password change bumps the user's session generation in the core, which ends every session
// made before it. The shopper who changed it stays signed in: this browser gets a brand-new
// session (new id, new CSRF token) at the new generation, and every other device is logged out.

export const accountProfile = new Hono<AppEnv>();

const DONE: Record<string, string> = {
	profile: "Your profile was saved.",
	password: "Your password was changed. Every other device has been signed out.",
};

export const profileDone = (c: AppContext) => DONE[c.req.query("done") ?? ""];

accountProfile.get("/", async (c) => {
	const session = c.get("session");
	if (!session) return seeOther(c, "/account/login");
	return renderAccount(c, session, 200, { done: profileDone(c) });
});

/** The account page with the profile read fresh from the core (a stale session ends here). */
async function renderAccount(
	c: AppContext,
	session: ActiveSession,
	status: number,
	extra: Partial<AccountPageProps>,
	headers: Record<string, string> = {},
) {
	const me = await identity.me(c.env, callerOf(c, session));
	// The profile carries the authoritative generation: a "log out everywhere" from any device
	// ends this session here at once, whatever the isolate's check cache says.
	if (!me.ok && (me.status === 401 || me.status === 404)) return signedOut(c);
	if (!me.ok) return coreTrouble(c, me.status);
	if (me.value.sessionGeneration !== session.generation) return signedOut(c);
	return page(
		c,
		status,
		<AccountPage csrf={session.csrf} name={me.value.name} email={me.value.email} {...extra} />,
		headers,
	);
}

async function signedOut(c: AppContext) {
	await endSession(c);
	return seeOther(c, "/account/login");
}

/**
 * The core's refusal of a form as the page shows it: bad fields are 422 next to the form, a
 * wrong current password too (it is a field of this form), a taken email 409, a lock-out 429.
 * Null when the refusal is not the shopper's to fix.
 */
function formRefusal(
	answer: Extract<CoreAnswer<unknown>, { ok: false }>,
): { status: number; message: FormMessage } | null {
	const p = answer.problem;
	switch (answer.status) {
		case 400:
		case 422:
			return { status: 422, message: { text: p.detail ?? p.title, errors: p.errors } };
		case 403:
			return {
				status: 422,
				message: {
					text: "The current password is not correct.",
					errors: [{ path: "currentPassword", message: "not correct" }],
				},
			};
		case 409:
			return { status: 409, message: { text: p.detail ?? "That conflicts with another account." } };
		case 429:
			return { status: 429, message: { text: "Too many attempts. Wait a little and try again." } };
		default:
			return null;
	}
}

accountProfile.post("/profile", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = c.get("session");
	if (!session) return seeOther(c, "/account/login");
	const name = fields.name ?? "";
	const email = fields.email ?? "";
	const patch = {
		name,
		email,
		...(fields.currentPassword ? { currentPassword: fields.currentPassword } : {}),
	};
	const result = await identity.updateProfile(c.env, callerOf(c, session), patch);
	if (result.ok) {
		// A new email ends every session (the generation moved): this browser carries on in a fresh one.
		if (result.value.sessionGeneration !== session.generation) await startSession(c, result.value);
		return seeOther(c, "/account?done=profile");
	}
	if (result.status === 401 || result.status === 404) return signedOut(c);
	const refusal = formRefusal(result);
	if (!refusal) return coreTrouble(c, result.status);
	return renderAccount(c, session, refusal.status, { profile: { message: refusal.message, name, email } });
});

accountProfile.post("/password", async (c) => {
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const session = c.get("session");
	if (!session) return seeOther(c, "/account/login");
	const input = { currentPassword: fields.currentPassword ?? "", newPassword: fields.newPassword ?? "" };
	const result = await identity.changePassword(c.env, callerOf(c, session), input);
	if (result.ok) {
		await startSession(c, result.value);
		return seeOther(c, "/account?done=password");
	}
	if (result.status === 401 || result.status === 404) return signedOut(c);
	const refusal = formRefusal(result);
	if (!refusal) return coreTrouble(c, result.status);
	const headers: Record<string, string> =
		refusal.status === 429 && result.retryAfter ? { "retry-after": result.retryAfter } : {};
	return renderAccount(c, session, refusal.status, { password: refusal.message }, headers);
});
