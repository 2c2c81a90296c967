import type { Redis } from "ioredis";
import { migrateDatabase, openDatabase } from "../lib/db";
import { closeRedis, connectRedis } from "../lib/redis";
import { addAddress } from "./add-address";
import { changePassword } from "./change-password";
import { checkSession, revokeSession } from "./check-session";
import { confirmPasswordReset } from "./confirm-password-reset";
import { DEFAULT_RATE_LIMITS, IDENTITY_MIGRATIONS, type Identity, type RateLimits } from "./context";
import { deleteAddress } from "./delete-address";
import { ensureAdmin } from "./ensure-admin";
import { getAddress } from "./get-address";
import { getProfile } from "./get-profile";
import { listAddresses } from "./list-addresses";
import { getMail, listMail } from "./list-mail";
import { listUsers } from "./list-users";
import { login } from "./login";
import { logoutEverywhere } from "./logout-everywhere";
import { MailOutbox } from "./mail-outbox";
import { type MailTransport, mailTransportFromEnv } from "./mail-transport";
import { DEFAULT_PASSWORD_COST, normalizeEmail, type PasswordCost, PasswordHasher } from "./password";
import { queueMail } from "./queue-mail";
import { FallbackRateLimiter, type RateLimiter, type RateRule, RedisRateLimiter, SqlRateLimiter } from "./rate-limit";
import { confirmSignup, register } from "./register";
import { requestPasswordReset } from "./request-password-reset";
import { identitySchema } from "./schema";
import { setRoles } from "./set-roles";
import { shippingContacts } from "./shipping-contacts";
import { updateAddress } from "./update-address";
import { updateProfile } from "./update-profile";

// Wires the identity module: its database, password hashing, rate limits and the mail outbox,
// and exposes the verbs bound to them.

export interface IdentityOptions {
	/** `DATABASE_URL_IDENTITY`, default `file:<DATA_DIR>/identity.db`. */
	dbUrl: string;
	/** The storefront's public URL: reset links point there (`EDGE_URL`). */
	edgeUrl: string;
	redisUrl?: string | null;
	/** `SMTP_URL`: deliver mail over SMTP; without it the dev outbox is the mailbox. */
	smtpUrl?: string | null;
	/** The From of outgoing mail (`MAIL_FROM`). */
	mailFrom?: string;
	/** Overrides the transport chosen from smtpUrl. */
	mailTransport?: MailTransport;
	migrate?: boolean;
	passwordCost?: PasswordCost;
	rateLimits?: Partial<RateLimits>;
	resetTokenTtlMs?: number;
	signupTokenTtlMs?: number;
	/** See `account` in RateLimits (default 10 s). */
	loginSlowDownMaxMs?: number;
	/**
	 * Who may read the dev mailbox (the outbox while no SMTP is set; it holds live reset links):
	 * `local` (a local stack or a test: anyone the edge signs for, like its DEV_MAILBOX page) or
	 * `admin` (the default: a production core shows it to admins only).
	 */
	devMailbox?: "local" | "admin";
	/**
	 * Addresses nobody may sign up with or change to (ADMIN_EMAIL): the first admin account
	 * may hold one, no other account.
	 */
	reservedEmails?: string[];
}

/** SIGNUP_GLOBAL_PER_MINUTE as a token bucket: a sixth of a minute's worth at once, refilled over 10 s. */
export function signupGlobalRule(perMinute: number): RateRule {
	return { capacity: Math.max(1, Math.ceil(perMinute / 6)), windowMs: 10_000 };
}

export async function openIdentity(options: IdentityOptions) {
	// Addresses → users: SQLite enforces foreign keys only when asked.
	const database = await openDatabase(options.dbUrl, identitySchema, { foreignKeys: true });
	if (options.migrate !== false) await migrateDatabase(database, IDENTITY_MIGRATIONS);

	const redis: Redis | null = options.redisUrl ? connectRedis(options.redisUrl, "identity") : null;
	const sqlLimiter = new SqlRateLimiter(database);
	const limiter: RateLimiter = redis ? new FallbackRateLimiter(new RedisRateLimiter(redis), sqlLimiter) : sqlLimiter;
	const transport = options.mailTransport ?? mailTransportFromEnv({ smtpUrl: options.smtpUrl, from: options.mailFrom });
	const mail = new MailOutbox(database, transport);
	const hasher = new PasswordHasher(options.passwordCost ?? DEFAULT_PASSWORD_COST);

	const identity: Identity = {
		database,
		hasher,
		limiter,
		limits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
		mail,
		edgeUrl: options.edgeUrl,
		resetTokenTtlMs: options.resetTokenTtlMs ?? 30 * 60_000,
		signupTokenTtlMs: options.signupTokenTtlMs ?? 24 * 3_600_000,
		loginSlowDownMaxMs: options.loginSlowDownMaxMs ?? 10_000,
		devMailbox: options.devMailbox ?? "admin",
		reservedEmailKeys: new Set((options.reservedEmails ?? []).map(normalizeEmail)),
	};
	// The dummy hash for unknown emails is made now, so the first such login is not the slow one.
	await hasher.verifyDummy("warm-up");

	type Rest<F> = F extends (identity: Identity, ...rest: infer R) => infer T ? (...rest: R) => T : never;
	const bind = <F extends (identity: Identity, ...rest: never[]) => unknown>(fn: F) =>
		((...rest: unknown[]) => (fn as unknown as (...a: unknown[]) => unknown)(identity, ...rest)) as Rest<F>;

	return {
		identity,
		register: bind(register),
		confirmSignup: bind(confirmSignup),
		login: bind(login),
		getProfile: bind(getProfile),
		updateProfile: bind(updateProfile),
		changePassword: bind(changePassword),
		requestPasswordReset: bind(requestPasswordReset),
		confirmPasswordReset: bind(confirmPasswordReset),
		logoutEverywhere: bind(logoutEverywhere),
		checkSession: bind(checkSession),
		revokeSession: bind(revokeSession),
		listAddresses: bind(listAddresses),
		getAddress: bind(getAddress),
		shippingContacts: bind(shippingContacts),
		addAddress: bind(addAddress),
		updateAddress: bind(updateAddress),
		deleteAddress: bind(deleteAddress),
		listUsers: bind(listUsers),
		setRoles: bind(setRoles),
		ensureAdmin: bind(ensureAdmin),
		listMail: bind(listMail),
		getMail: bind(getMail),
		queueMail: bind(queueMail),
		/** Nothing runs in the background: mail goes out through the bus (workflows: the mailer). */
		start() {},
		async stop() {
			await mail.close();
			await limiter.close();
			if (redis) await closeRedis(redis);
			await database.close();
		},
	};
}

export type IdentityModule = Awaited<ReturnType<typeof openIdentity>>;
