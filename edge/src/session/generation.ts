import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { coreClient } from "../lib/core";
import type { ActiveSession } from "./store";

// The core is authoritative for a user's session generation: "log out everywhere" bumps it, and
// a session made at an older generation is dead. Asking on every request would put a core round
// trip on every page, so each isolate remembers a good answer for CHECK_EVERY_MS. Requests that
// change something (every POST) and the pages that read the profile (which carries the
// generation) check for real, so revocation is immediate where it matters and at most
// CHECK_EVERY_MS late for a plain page view in another isolate.

export const CHECK_EVERY_MS = 30_000;
const MAX_ENTRIES = 10_000;

const SessionCheck = z.object({ valid: z.boolean(), roles: z.array(z.string()), sessionGeneration: z.number() });

type Checked = { at: number; userId: string; roles: string[] };
const checked = new Map<string, Checked>();

export type GenerationResult = { valid: true; roles: string[] } | { valid: false };

export async function verifyGeneration(
	env: Env,
	session: ActiveSession,
	opts: { fresh?: boolean; now?: number } = {},
): Promise<GenerationResult> {
	const now = opts.now ?? Date.now();
	const hit = checked.get(session.id);
	if (!opts.fresh && hit && now - hit.at < CHECK_EVERY_MS) return { valid: true, roles: hit.roles };

	const res = await coreClient(env)
		.request("GET", `/identity/me/session?generation=${session.generation}`, {
			caller: { user: session.userId, roles: session.roles },
		})
		.catch(() => null);
	// A user the core no longer knows (401/404) has no session; the core being down is not the
	// shopper's fault and must not log anyone out, but neither can we vouch for the session.
	if (res && (res.status === 401 || res.status === 404)) return forget(session.id);
	if (!res?.ok) throw new HTTPException(503, { message: "We cannot check your sign-in right now. Try again shortly." });
	const body = SessionCheck.parse(await res.json());
	if (!body.valid) return forget(session.id);

	checked.delete(session.id);
	if (checked.size >= MAX_ENTRIES) {
		const oldest = checked.keys().next().value;
		if (oldest !== undefined) checked.delete(oldest);
	}
	checked.set(session.id, { at: now, userId: session.userId, roles: body.roles });
	return { valid: true, roles: body.roles };
}

function forget(sessionId: string): GenerationResult {
	checked.delete(sessionId);
	return { valid: false };
}

/** Drops this isolate's remembered answers for a session, or for every session of a user. */
export function forgetChecks(by: { sessionId?: string; userId?: string }): void {
	if (by.sessionId) checked.delete(by.sessionId);
	if (by.userId) for (const [id, entry] of checked) if (entry.userId === by.userId) checked.delete(id);
}
