import type { LoginInput, UserPublic } from "@bazaar/contracts/identity";
import { and, eq, gt } from "drizzle-orm";
import { ServiceError } from "../lib/errors";
import { accountIpKey, accountKey, type Identity, identityWrite, ipKey, sha256Hex, toPublic } from "./context";
import { normalizeEmail } from "./password";
import { type BucketTake, RateLimitedError } from "./rate-limit";
import { loginKnownIps, type UserRow, users } from "./schema";

// Password guessing is throttled without handing an attacker a way to lock the owner out:
//  - per account and client IP (refused beyond it): a guesser shuts out only their own address;
//  - per client IP, whatever the account (refused beyond it): one address spraying many accounts;
//  - per account over every address (slowed down beyond it): a crowd of addresses guessing one
//    account waits in line for the account's tokens, while the addresses the owner signed in
//    from before go straight through.
// A caller without an IP (a local stack; never behind Cloudflare) gets no per-IP bucket: it is not
// lumped with every other such caller, and stays under the per-account bound.

/** The one answer for a wrong password and for an unknown email (same status, same body). */
export class InvalidCredentialsError extends ServiceError {
	constructor() {
		super(401, "The email address or the password is not correct.");
	}
}

export interface LoginContext {
	/** The shopper's IP as the edge saw it (from the header the edge signs). */
	ip?: string | null;
}

/** An address the account signed in from within this long counts as the owner's. */
const KNOWN_FOR_MS = 90 * 24 * 3_600_000;
/** A known address's last success is rewritten at most this often (one write per day, not per login). */
const REFRESH_KNOWN_MS = 24 * 3_600_000;

const tooMany = (retryAfterMs: number) => new RateLimitedError(Math.max(1, Math.ceil(retryAfterMs / 1000)));

export async function login(identity: Identity, input: LoginInput, context: LoginContext = {}): Promise<UserPublic> {
	const emailKey = normalizeEmail(input.email);
	const ip = context.ip ?? null;
	const limits = identity.limits;
	// Before the hash is checked: a limited caller gets no answer about the password and costs
	// no argon2 time.
	if (ip) {
		const taken = await identity.limiter.take([
			{ key: accountIpKey(emailKey, ip), rule: limits.accountIp },
			{ key: ipKey(ip), rule: limits.ip },
		]);
		if (!taken.ok) throw tooMany(taken.retryAfterMs);
	}
	const [user] = await identity.database.db.select().from(users).where(eq(users.emailKey, emailKey)).limit(1);
	const known = user && ip ? await knownSince(identity, user.id, ip) : null;
	const account: BucketTake = { key: accountKey(emailKey), rule: limits.account };
	const tookAccount = known === null ? await waitForToken(identity, account) : false;

	const ok = user
		? await identity.hasher.verify(input.password, user.passwordHash)
		: await identity.hasher.verifyDummy(input.password);
	if (!user || !ok) throw new InvalidCredentialsError();

	// Only failures count against the limits: a success gives the tokens back.
	await Promise.all([
		ip ? identity.limiter.give(accountIpKey(emailKey, ip), limits.accountIp, Number.POSITIVE_INFINITY) : undefined,
		ip ? identity.limiter.give(ipKey(ip), limits.ip, 1) : undefined,
		tookAccount ? identity.limiter.give(account.key, account.rule, 1) : undefined,
		ip ? rememberAddress(identity, user, ip, known) : undefined,
	]);
	return toPublic(user);
}

/**
 * Takes one of the account's tokens, waiting for the next one when the bucket is empty (the slow
 * down); a wait longer than `loginSlowDownMaxMs` is a 429. Parallel guessers queue on the bucket's
 * refill rate, however many addresses they use.
 */
async function waitForToken(identity: Identity, bucket: BucketTake): Promise<true> {
	const until = Date.now() + identity.loginSlowDownMaxMs;
	for (;;) {
		const taken = await identity.limiter.take([bucket]);
		if (taken.ok) return true;
		const left = until - Date.now();
		if (taken.retryAfterMs > left) throw tooMany(taken.retryAfterMs);
		await Bun.sleep(taken.retryAfterMs);
	}
}

/** When the account last signed in from this address (within KNOWN_FOR_MS), or null. */
async function knownSince(identity: Identity, userId: string, ip: string): Promise<number | null> {
	const [row] = await identity.database.db
		.select({ at: loginKnownIps.lastSuccessAt })
		.from(loginKnownIps)
		.where(
			and(
				eq(loginKnownIps.userId, userId),
				eq(loginKnownIps.ipHash, sha256Hex(ip)),
				gt(loginKnownIps.lastSuccessAt, new Date(Date.now() - KNOWN_FOR_MS).toISOString()),
			),
		)
		.limit(1);
	return row ? Date.parse(row.at) : null;
}

async function rememberAddress(identity: Identity, user: UserRow, ip: string, known: number | null): Promise<void> {
	const now = Date.now();
	if (known !== null && now - known < REFRESH_KNOWN_MS) return;
	const at = new Date(now).toISOString();
	await identityWrite(identity, (tx) =>
		tx
			.insert(loginKnownIps)
			.values({ userId: user.id, ipHash: sha256Hex(ip), lastSuccessAt: at })
			.onConflictDoUpdate({ target: [loginKnownIps.userId, loginKnownIps.ipHash], set: { lastSuccessAt: at } }),
	);
}
