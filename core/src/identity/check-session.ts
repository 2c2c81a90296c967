import type { SessionCheck } from "@bazaar/contracts/identity";
import { eq } from "drizzle-orm";
import type { Identity } from "./context";
import { users } from "./schema";
import type { SessionState } from "./session-cache";

/**
 * Is an edge session made at `generation` still good? Answered from the session cache (a map
 * lookup when hot); a bump clears the user's entry, so the next check sees it at once.
 */
export async function checkSession(identity: Identity, userId: string, generation: number): Promise<SessionCheck> {
	const state = await identity.sessions.get(userId);
	if (!state) return { valid: false, roles: [], sessionGeneration: 0 };
	return { valid: state.generation === generation, roles: state.roles, sessionGeneration: state.generation };
}

export async function loadSessionState(
	identity: Pick<Identity, "database">,
	userId: string,
): Promise<SessionState | null> {
	const [row] = await identity.database.db
		.select({ generation: users.sessionGeneration, roles: users.roles })
		.from(users)
		.where(eq(users.id, userId))
		.limit(1);
	return row ?? null;
}
