import type { SessionCheck } from "@bazaar/contracts/identity";
import { eq, lt, sql } from "drizzle-orm";
import { type Identity, identityWrite } from "./context";
import { revokedSessions, users } from "./schema";

// The authoritative answer to "is this edge session still good?" (DESIGN.md flow 2), asked by the
// edge on every request that carries a session. KV at the edge is eventually consistent (a
// deleted session can be read for a minute or more at other locations) and the Cache API is per
// location, so neither can end a session at once; this can, because it reads the identity
// database itself, not a cache: a session is good while its generation is the user's ("log out
// everywhere", a password or email change bump it) and it was not logged out on its own. One
// indexed statement; no per-process cache, so every core process answers the same at once.

/** A revoked session's row outlives the longest an edge session can live unrefreshed (14 days). */
const REVOKED_KEPT_MS = 15 * 24 * 3_600_000;

export async function checkSession(
	identity: Identity,
	userId: string,
	generation: number,
	sessionHash: string,
): Promise<SessionCheck> {
	const [row] = await identity.database.db
		.select({
			generation: users.sessionGeneration,
			roles: users.roles,
			revoked: sql<number>`EXISTS (SELECT 1 FROM ${revokedSessions} WHERE ${revokedSessions.sessionHash} = ${sessionHash})`,
		})
		.from(users)
		.where(eq(users.id, userId))
		.limit(1);
	if (!row) return { valid: false, roles: [], sessionGeneration: 0 };
	return {
		valid: row.generation === generation && !row.revoked,
		roles: row.roles,
		sessionGeneration: row.generation,
	};
}

/** Ends one session (log out): answered after the commit, so the next check anywhere says so. */
export async function revokeSession(identity: Identity, userId: string, sessionHash: string): Promise<void> {
	const now = Date.now();
	await identityWrite(identity, async (tx) => {
		await tx.delete(revokedSessions).where(lt(revokedSessions.expiresAt, new Date(now).toISOString()));
		await tx
			.insert(revokedSessions)
			.values({ sessionHash, userId, expiresAt: new Date(now + REVOKED_KEPT_MS).toISOString() })
			.onConflictDoNothing();
	});
}
