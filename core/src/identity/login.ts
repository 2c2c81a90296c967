import type { LoginInput, UserPublic } from "@bazaar/contracts/identity";
import { eq } from "drizzle-orm";
import { ServiceError } from "../lib/errors";
import { accountKey, type Identity, ipKey, toPublic } from "./context";
import { normalizeEmail } from "./password";
import { RateLimitedError } from "./rate-limit";
import { users } from "./schema";

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

export async function login(identity: Identity, input: LoginInput, context: LoginContext = {}): Promise<UserPublic> {
	const emailKey = normalizeEmail(input.email);
	const { account, ip } = identity.limits;
	const buckets = [{ key: accountKey(emailKey), rule: account }];
	if (context.ip) buckets.push({ key: ipKey(context.ip), rule: ip });
	// Before the hash is checked: a limited caller gets no answer about the password and costs
	// no argon2 time.
	const taken = await identity.limiter.take(buckets);
	if (!taken.ok) throw new RateLimitedError(Math.max(1, Math.ceil(taken.retryAfterMs / 1000)));

	const [user] = await identity.database.db.select().from(users).where(eq(users.emailKey, emailKey)).limit(1);
	const ok = user
		? await identity.hasher.verify(input.password, user.passwordHash)
		: await identity.hasher.verifyDummy(input.password);
	if (!user || !ok) throw new InvalidCredentialsError();

	// Only failures count against the limits: a success gives the tokens back.
	await Promise.all([
		identity.limiter.give(accountKey(emailKey), account, Number.POSITIVE_INFINITY),
		context.ip ? identity.limiter.give(ipKey(context.ip), ip, 1) : undefined,
	]);
	return toPublic(user);
}
