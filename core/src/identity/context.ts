import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { UserPublic } from "@bazaar/contracts/identity";
import { eq, sql } from "drizzle-orm";
import type { Database, TxDb } from "../lib/db";
import { NotFoundError } from "../lib/errors";
import type { MailOutbox } from "./mail-outbox";
import type { PasswordHasher } from "./password";
import type { RateLimiter, RateRule } from "./rate-limit";
import { type IdentitySchema, type UserRow, users } from "./schema";

export const IDENTITY_MIGRATIONS = resolve(import.meta.dir, "migrations");

export interface RateLimits {
	/**
	 * Failed logins per account from one client IP: beyond it that IP is refused for that account
	 * (429). Only that pair: an attacker cannot shut the owner out from the owner's own address.
	 */
	accountIp: RateRule;
	/**
	 * Failed logins per account from every address together (keyed by the email, so unknown
	 * emails are limited alike). Beyond it, logins from addresses that never signed in to the
	 * account are slowed down (each waits for the bucket's next token, up to
	 * `loginSlowDownMaxMs`); addresses the account signed in from go on as usual.
	 */
	account: RateRule;
	/** Failed logins per client IP, whatever the account. */
	ip: RateRule;
	/** Reset mails per account (beyond it the request is still answered, but nothing is sent). */
	resetMail: RateRule;
	/**
	 * Sign-ups per client IP, and for the whole core. Each costs an argon2id hash (~60 ms of CPU
	 * here), so without a global bound a crowd of addresses could keep the core's cores busy.
	 */
	signupIp: RateRule;
	signupGlobal: RateRule;
	/** Sign-up mails per address (confirmation links or "someone tried" notices): no mail bombing. */
	signupMail: RateRule;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
	accountIp: { capacity: 5, windowMs: 15 * 60_000 },
	account: { capacity: 10, windowMs: 15 * 60_000 },
	ip: { capacity: 30, windowMs: 10 * 60_000 },
	resetMail: { capacity: 3, windowMs: 60 * 60_000 },
	signupIp: { capacity: 10, windowMs: 10 * 60_000 },
	// SIGNUP_GLOBAL_PER_MINUTE's default (180): bursts of 30, then 3 a second, at most a fifth
	// of one core on hashing sign-ups.
	signupGlobal: { capacity: 30, windowMs: 10_000 },
	signupMail: { capacity: 3, windowMs: 60 * 60_000 },
};

/** Everything an identity verb needs. */
export interface Identity {
	database: Database<IdentitySchema>;
	hasher: PasswordHasher;
	limiter: RateLimiter;
	limits: RateLimits;
	mail: MailOutbox;
	/** Where reset links point (the storefront). */
	edgeUrl: string;
	resetTokenTtlMs: number;
	/** How long a sign-up's confirmation link works. */
	signupTokenTtlMs: number;
	/** The longest a login from an unfamiliar address waits on an account under attack before a 429. */
	loginSlowDownMaxMs: number;
	/** Who may read the dev mailbox: anyone signed by the edge (`local`) or admins only. */
	devMailbox: "local" | "admin";
	/** Normalized addresses only the first admin may hold (ADMIN_EMAIL). */
	reservedEmailKeys: ReadonlySet<string>;
}

export const nowIso = () => new Date().toISOString();

/** A write transaction on the identity database, queued behind this process's other writes. */
export function identityWrite<T>(identity: Pick<Identity, "database">, fn: (tx: TxDb) => T | Promise<T>): Promise<T> {
	return identity.database.write(fn);
}

export function sha256Hex(text: string): string {
	return createHash("sha256").update(text).digest("hex");
}

/** Bucket keys never hold an email in clear (they are stored, and may sit in Redis). */
export const accountKey = (emailKey: string) => `login:acct:${sha256Hex(emailKey)}`;
export const accountIpKey = (emailKey: string, ip: string) => `login:pair:${sha256Hex(`${emailKey}\n${ip}`)}`;
export const ipKey = (ip: string) => `login:ip:${ip}`;
/** Guessing the current password through a signed-in session (its own bucket: a login attack must not block it). */
export const passwordChangeKey = (userId: string) => `password-change:${userId}`;
export const resetKey = (emailKey: string) => `reset:acct:${sha256Hex(emailKey)}`;
export const signupIpKey = (ip: string) => `signup:ip:${ip}`;
export const SIGNUP_GLOBAL_KEY = "signup:global";
export const signupMailKey = (emailKey: string) => `signup:mail:${sha256Hex(emailKey)}`;

export function toPublic(row: UserRow): UserPublic {
	return {
		id: row.id,
		email: row.email,
		name: row.name,
		roles: row.roles,
		sessionGeneration: row.sessionGeneration,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
	};
}

export async function findUser(identity: Identity, userId: string): Promise<UserRow> {
	const [row] = await identity.database.db.select().from(users).where(eq(users.id, userId)).limit(1);
	if (!row) throw new NotFoundError("The user");
	return row;
}

/**
 * The one way a user row changes when sessions must end: the change and a generation bump in
 * one transaction. The edge checks the generation on every request (check-session.ts), so the
 * sessions end with the commit.
 */
export async function writeUser(
	identity: Identity,
	userId: string,
	fn: (tx: TxDb) => Promise<Partial<typeof users.$inferInsert>>,
	options: { bumpGeneration: boolean },
): Promise<UserRow> {
	const row = await identityWrite(identity, async (tx) => {
		const changes = await fn(tx);
		const [updated] = await tx
			.update(users)
			.set({
				...changes,
				...(options.bumpGeneration ? { sessionGeneration: sql`${users.sessionGeneration} + 1` } : {}),
				updatedAt: nowIso(),
			})
			.where(eq(users.id, userId))
			.returning();
		if (!updated) throw new NotFoundError("The user");
		return updated;
	});
	return row;
}
