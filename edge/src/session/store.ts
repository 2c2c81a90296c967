import { randomToken } from "@bazaar/ids";
import { z } from "zod";
import { sha256Hex, utf8 } from "../lib/bytes";

// Sessions live in the SESSIONS KV under the sha-256 of their id, so whoever can list or read
// the namespace still holds no usable cookie. KV is eventually consistent and takes about one
// write per key per second: an entry is written at login, rewritten at most every
// REFRESH_AFTER_MS to slide its expiry, and deleted at logout. Revocation is not done through KV
// (a deleted entry lingers at other locations): the core says on every request whether the
// session is still good, by its generation and its own revocation (see check.ts).

export const SESSION_TTL_SECONDS = 14 * 24 * 3600;
/** A sliding refresh rewrites KV at most this often per session. */
export const REFRESH_AFTER_MS = 5 * 60 * 1000;

export const StoredSession = z.object({
	userId: z.string().min(1).max(40),
	roles: z.array(z.string().max(40)).max(10),
	generation: z.number().int().min(0),
	/** Epoch ms; KV's own TTL removes the entry around then too. */
	expiresAt: z.number().int(),
	/** The per-session CSRF token every form of a signed-in shopper carries. */
	csrf: z.string().min(32).max(64),
});
export type StoredSession = z.infer<typeof StoredSession>;

export type ActiveSession = StoredSession & { id: string };

/** 256 random bits, base64url: 43 characters. Anything else in the cookie is not ours. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** What the core knows a session by (check, revoke): the SHA-256 of its id, hex. */
export function sessionHash(id: string): Promise<string> {
	return sha256Hex(utf8(id));
}

async function kvKey(id: string): Promise<string> {
	return `session:${await sessionHash(id)}`;
}

export async function createSession(
	kv: KVNamespace,
	user: { userId: string; roles: string[]; generation: number },
	now = Date.now(),
): Promise<ActiveSession> {
	const id = randomToken(32);
	const session: StoredSession = { ...user, expiresAt: now + SESSION_TTL_SECONDS * 1000, csrf: randomToken(32) };
	await kv.put(await kvKey(id), JSON.stringify(session), { expirationTtl: SESSION_TTL_SECONDS });
	return { ...session, id };
}

export async function readSession(kv: KVNamespace, id: string, now = Date.now()): Promise<ActiveSession | null> {
	if (!SESSION_ID.test(id)) return null;
	const raw = await kv.get(await kvKey(id), "json").catch(() => null);
	const parsed = StoredSession.safeParse(raw);
	if (!parsed.success || parsed.data.expiresAt <= now) return null;
	return { ...parsed.data, id };
}

/** Whether the sliding expiry is due for a rewrite (the last write was REFRESH_AFTER_MS ago). */
export function needsRefresh(session: StoredSession, now = Date.now()): boolean {
	return session.expiresAt - now < SESSION_TTL_SECONDS * 1000 - REFRESH_AFTER_MS;
}

export async function refreshSession(
	kv: KVNamespace,
	session: ActiveSession,
	now = Date.now(),
): Promise<ActiveSession> {
	const { id, ...stored } = session;
	const next: StoredSession = { ...stored, expiresAt: now + SESSION_TTL_SECONDS * 1000 };
	await kv.put(await kvKey(id), JSON.stringify(next), { expirationTtl: SESSION_TTL_SECONDS });
	return { ...next, id };
}

export async function deleteSession(kv: KVNamespace, id: string): Promise<void> {
	if (!SESSION_ID.test(id)) return;
	await kv.delete(await kvKey(id));
}
