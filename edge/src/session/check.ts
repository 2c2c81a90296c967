import { SessionCheck } from "@bazaar/contracts/identity";
import { HTTPException } from "hono/http-exception";
import { coreClient } from "../lib/core";
import type { ActiveSession } from "./store";
import { sessionHash } from "./store";

// Whether a session is still good is the core's to say, on every request that carries one.
// KV is eventually consistent (a deleted entry can still be read for a minute or more at other
// locations) and the Cache API is per location, so neither can end a session everywhere at once;
// the core's identity database can (core/src/identity/check-session.ts). So there is no local
// memory of a good answer, on GET or anything else: "log out" and "log out everywhere" take
// effect on the very next request, at every location. The cost is one small signed call per
// personal request; catalog pages carry no session and stay cacheable (personal bits come from
// /api/me).

export type CheckResult = { valid: true; roles: string[] } | { valid: false };

export async function checkSession(env: Env, session: ActiveSession): Promise<CheckResult> {
	const hash = await sessionHash(session.id);
	const res = await coreClient(env)
		.request("GET", `/identity/me/session?generation=${session.generation}&session=${hash}`, {
			caller: { user: session.userId, roles: session.roles },
		})
		.catch(() => null);
	// A user the core no longer knows (401/404) has no session; the core being down is not the
	// shopper's fault and must not log anyone out, but neither can we vouch for the session.
	if (res && (res.status === 401 || res.status === 404)) return { valid: false };
	if (!res?.ok) throw new HTTPException(503, { message: "We cannot check your sign-in right now. Try again shortly." });
	const body = SessionCheck.parse(await res.json());
	return body.valid ? { valid: true, roles: body.roles } : { valid: false };
}

/**
 * Ends one session at the core (log out), before its KV entry and cookie go: from then on every
 * location refuses it, whatever its KV still holds. False when the core could not be told.
 */
export async function revokeSession(env: Env, session: ActiveSession): Promise<boolean> {
	const res = await coreClient(env)
		.request("POST", "/identity/me/sessions/revoke", {
			caller: { user: session.userId, roles: session.roles },
			body: JSON.stringify({ session: await sessionHash(session.id) }),
		})
		.catch(() => null);
	// 401/404: the user is gone, so is the session.
	return res !== null && (res.ok || res.status === 401 || res.status === 404);
}
