import type { Role } from "@bazaar/contracts/identity";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { busInbox, busOutbox } from "../bus/schema";
import type { MailAttachment } from "./mail-transport";

// The identity module's own database. Timestamps are ISO-8601 UTC strings (same width, so they
// sort as text). Secrets are never stored in a usable form: passwords as argon2id hashes, reset
// tokens as their SHA-256.

export { ROLES, type Role } from "@bazaar/contracts/identity";

export const users = sqliteTable(
	"users",
	{
		id: text("id").primaryKey(),
		/** As typed (for display); `emailKey` is what uniqueness and lookups use. */
		email: text("email").notNull(),
		/** Lower-cased, trimmed email: unique, so "Ann@x.io" and "ann@x.io" are one account. */
		emailKey: text("email_key").notNull(),
		name: text("name").notNull(),
		passwordHash: text("password_hash").notNull(),
		roles: text("roles", { mode: "json" }).$type<Role[]>().notNull(),
		/** Bumped to end every session at once (password change, reset, "log out everywhere"). */
		sessionGeneration: integer("session_generation").notNull().default(1),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [uniqueIndex("users_email_key_uq").on(t.emailKey), index("users_created_idx").on(t.createdAt, t.id)],
);

export const addresses = sqliteTable(
	"addresses",
	{
		id: text("id").primaryKey(),
		userId: text("user_id")
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		label: text("label"),
		recipient: text("recipient").notNull(),
		line1: text("line1").notNull(),
		line2: text("line2"),
		city: text("city").notNull(),
		region: text("region"),
		postalCode: text("postal_code"),
		/** ISO 3166-1 alpha-2, upper case. */
		country: text("country").notNull(),
		phone: text("phone"),
		defaultShipping: integer("default_shipping", { mode: "boolean" }).notNull().default(false),
		defaultBilling: integer("default_billing", { mode: "boolean" }).notNull().default(false),
		createdAt: text("created_at").notNull(),
		updatedAt: text("updated_at").notNull(),
	},
	(t) => [index("addresses_user_idx").on(t.userId, t.createdAt)],
);

export const passwordResetTokens = sqliteTable(
	"password_reset_tokens",
	{
		/** SHA-256 (hex) of the token mailed to the user; the token itself is never stored. */
		tokenHash: text("token_hash").primaryKey(),
		userId: text("user_id")
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		expiresAt: text("expires_at").notNull(),
		usedAt: text("used_at"),
		createdAt: text("created_at").notNull(),
	},
	(t) => [index("password_reset_tokens_user_idx").on(t.userId)],
);

/**
 * A sign-up waiting for its address to be confirmed: the account exists only once the link
 * mailed to that address is opened, so signing up never tells whether an address is taken.
 * Only the token's SHA-256 is kept; the password only as its argon2id hash.
 */
export const pendingSignups = sqliteTable(
	"pending_signups",
	{
		tokenHash: text("token_hash").primaryKey(),
		email: text("email").notNull(),
		emailKey: text("email_key").notNull(),
		name: text("name").notNull(),
		passwordHash: text("password_hash").notNull(),
		expiresAt: text("expires_at").notNull(),
		createdAt: text("created_at").notNull(),
	},
	(t) => [index("pending_signups_email_idx").on(t.emailKey), index("pending_signups_expiry_idx").on(t.expiresAt)],
);

/**
 * Every mail the module sends, written in the same transaction as its cause (a reset token) with
 * its identity.mail_queued event; the bus's mailer hands it to the transport and retries it. In
 * dev the table *is* the mailbox (`/dev/mail` reads it).
 */
export const mailOutbox = sqliteTable(
	"mail_outbox",
	{
		id: text("id").primaryKey(),
		to: text("to").notNull(),
		subject: text("subject").notNull(),
		text: text("text").notNull(),
		html: text("html"),
		/** MailAttachment[] as JSON (a booking's calendar invitation), or NULL. */
		attachments: text("attachments", { mode: "json" }).$type<MailAttachment[]>(),
		createdAt: text("created_at").notNull(),
		sentAt: text("sent_at"),
		attempts: integer("attempts").notNull().default(0),
		lastError: text("last_error"),
	},
	(t) => [index("mail_outbox_to_idx").on(t.to)],
);

/**
 * The addresses each account signed in from (the SHA-256 of the IP): while the account is under
 * a password-guessing attack, logins from these are not slowed down, so the owner gets in.
 */
export const loginKnownIps = sqliteTable(
	"login_known_ips",
	{
		userId: text("user_id")
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		ipHash: text("ip_hash").notNull(),
		lastSuccessAt: text("last_success_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.userId, t.ipHash] })],
);

/**
 * Sessions ended one at a time (log out), by the SHA-256 of the session id (the edge's KV key):
 * the edge asks on every request, so a session ends everywhere at once, without waiting for KV
 * to forget it. A row outlives the longest a session can live unrefreshed, then goes.
 */
export const revokedSessions = sqliteTable(
	"revoked_sessions",
	{
		sessionHash: text("session_hash").primaryKey(),
		userId: text("user_id")
			.notNull()
			.references(() => users.id, { onDelete: "cascade" }),
		expiresAt: text("expires_at").notNull(),
	},
	(t) => [index("revoked_sessions_expiry_idx").on(t.expiresAt)],
);

/** Token buckets for login rate limits (per account and per IP) when Redis is not configured. */
export const rateLimitBuckets = sqliteTable("rate_limit_buckets", {
	key: text("key").primaryKey(),
	tokens: real("tokens").notNull(),
	updatedMs: integer("updated_ms").notNull(),
});

/**
 * Things done once in the life of this database, by name. `first_admin`: the admin account the
 * first start created (ADMIN_EMAIL); its presence means no later start creates or grants one.
 */
export const bootstrapSteps = sqliteTable("bootstrap_steps", {
	step: text("step").primaryKey(),
	userId: text("user_id"),
	doneAt: text("done_at").notNull(),
});

// Its outbox and inbox (core/src/bus): a queued mail's event commits with the mail's row.
export { busInbox, busOutbox };

export const identitySchema = {
	users,
	addresses,
	passwordResetTokens,
	pendingSignups,
	mailOutbox,
	rateLimitBuckets,
	loginKnownIps,
	revokedSessions,
	bootstrapSteps,
	busOutbox,
	busInbox,
};
export type IdentitySchema = typeof identitySchema;
export type UserRow = typeof users.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;
