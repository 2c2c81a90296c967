import {
	ACCOUNT_CREATED,
	type AccountCreated,
	type RegisterInput,
	type SignupConfirm,
	type UserPublic,
} from "@bazaar/contracts/identity";
import { newId, randomToken, ulid } from "@bazaar/ids";
import { and, eq, gt, lt } from "drizzle-orm";
import { emit } from "../bus/emit";
import { emailHash } from "../lib/email-key";
import { isUniqueViolation, ValidationError } from "../lib/errors";
import {
	type Identity,
	identityWrite,
	nowIso,
	SIGNUP_GLOBAL_KEY,
	sha256Hex,
	signupIpKey,
	signupMailKey,
	toPublic,
} from "./context";
import { escapeHtml } from "./mail-html";
import { assertPasswordPolicy, normalizeEmail } from "./password";
import { RateLimitedError } from "./rate-limit";
import { assertNotReserved } from "./reserved-email";
import { pendingSignups, users } from "./schema";

// Sign-up in two steps, so it never tells whether an address has an account. `register` answers
// the same `{accepted: true}` either way and does the same work (one argon2id hash, one write
// with one mail): a new address gets a confirmation link, an existing account's owner gets a
// notice that someone tried. The account exists once the link is opened (`confirmSignup`), so
// nobody can hold an address they cannot read mail at.

export interface RegisterContext {
	/** The shopper's IP as the edge saw it (signed); without one only the global limit applies. */
	ip?: string | null;
}

export async function register(
	identity: Identity,
	input: RegisterInput,
	context: RegisterContext = {},
): Promise<{ accepted: true }> {
	assertPasswordPolicy(input.password, input.email);
	const emailKey = normalizeEmail(input.email);
	await assertNotReserved(identity, emailKey, null);
	const { signupIp, signupGlobal, signupMail } = identity.limits;
	const buckets = [{ key: SIGNUP_GLOBAL_KEY, rule: signupGlobal }];
	if (context.ip) buckets.push({ key: signupIpKey(context.ip), rule: signupIp });
	// Before the hash: a limited caller costs no argon2 time.
	const taken = await identity.limiter.take(buckets);
	if (!taken.ok) throw new RateLimitedError(Math.max(1, Math.ceil(taken.retryAfterMs / 1000)));

	// Hashed whether or not the address is taken: the answer takes as long either way.
	const passwordHash = await identity.hasher.hash(input.password);
	const [owner] = await identity.database.db
		.select({ email: users.email, name: users.name })
		.from(users)
		.where(eq(users.emailKey, emailKey))
		.limit(1);
	const mailTaken = await identity.limiter.take([{ key: signupMailKey(emailKey), rule: signupMail }]);

	const now = Date.now();
	await identityWrite(identity, async (tx) => {
		await tx.delete(pendingSignups).where(lt(pendingSignups.expiresAt, new Date(now).toISOString()));
		if (!mailTaken.ok) return;
		const id = `mail_${ulid(now)}`;
		if (owner) {
			await identity.mail.enqueue(tx, { id, ...someoneTriedMail(identity, owner) });
			return;
		}
		const token = randomToken(32);
		await tx.insert(pendingSignups).values({
			tokenHash: sha256Hex(token),
			email: input.email.trim(),
			emailKey,
			name: input.name,
			passwordHash,
			expiresAt: new Date(now + identity.signupTokenTtlMs).toISOString(),
			createdAt: new Date(now).toISOString(),
		});
		await identity.mail.enqueue(tx, { id, ...confirmationMail(identity, input, token) });
	});
	return { accepted: true };
}

/** Unknown, used and expired links, and an address taken since, all get this one answer. */
export class InvalidSignupTokenError extends ValidationError {
	constructor() {
		super("This sign-up link is not valid any more. Sign up again.", [
			{ path: "token", message: "unknown, used or expired" },
		]);
	}
}

/** Creates the account the link was mailed for; the link works once, and ends its siblings. */
export async function confirmSignup(identity: Identity, input: SignupConfirm): Promise<UserPublic> {
	const tokenHash = sha256Hex(input.token);
	const now = nowIso();
	const [pending] = await identity.database.db
		.select({ emailKey: pendingSignups.emailKey })
		.from(pendingSignups)
		.where(and(eq(pendingSignups.tokenHash, tokenHash), gt(pendingSignups.expiresAt, now)))
		.limit(1);
	if (!pending) throw new InvalidSignupTokenError();
	// ADMIN_EMAIL may have become reserved since the link went out.
	await assertNotReserved(identity, pending.emailKey, null);
	try {
		const row = await identityWrite(identity, async (tx) => {
			const [claimed] = await tx
				.delete(pendingSignups)
				.where(and(eq(pendingSignups.tokenHash, tokenHash), gt(pendingSignups.expiresAt, now)))
				.returning();
			if (!claimed) throw new InvalidSignupTokenError();
			await tx.delete(pendingSignups).where(eq(pendingSignups.emailKey, claimed.emailKey));
			const [created] = await tx
				.insert(users)
				.values({
					id: newId("usr"),
					email: claimed.email,
					emailKey: claimed.emailKey,
					name: claimed.name,
					passwordHash: claimed.passwordHash,
					roles: ["customer"],
					sessionGeneration: 1,
					createdAt: now,
					updatedAt: now,
				})
				.returning();
			// The address was just proven (the link reached it): its guest orders may join the account.
			if (created) {
				await emit(tx, {
					type: ACCOUNT_CREATED,
					source: "identity",
					key: created.id,
					data: { userId: created.id, emailHash: emailHash(created.email) } satisfies AccountCreated,
				});
			}
			return created;
		});
		if (!row) throw new Error("insert returned no row");
		return toPublic(row);
	} catch (err) {
		// Another account took the address after the link went out (an email change).
		if (isUniqueViolation(err)) throw new InvalidSignupTokenError();
		throw err;
	}
}

function confirmationMail(identity: Identity, input: RegisterInput, token: string) {
	const link = new URL("/account/signup/confirm", identity.edgeUrl);
	link.searchParams.set("token", token);
	if (input.next) link.searchParams.set("next", input.next);
	const hours = Math.round(identity.signupTokenTtlMs / 3_600_000);
	return {
		to: input.email.trim(),
		subject: "Confirm your Bazaar account",
		text: [
			`Hello ${input.name},`,
			"",
			"Someone (hopefully you) signed up at Bazaar with this address.",
			`Open this link within ${hours} hours to finish creating your account:`,
			"",
			link.toString(),
			"",
			"If it was not you, ignore this message: no account is created.",
		].join("\n"),
		html: [
			`<p>Hello ${escapeHtml(input.name)},</p>`,
			"<p>Someone (hopefully you) signed up at Bazaar with this address.</p>",
			`<p><a href="${escapeHtml(link.toString())}">Finish creating your account</a> (valid for ${hours} hours, once).</p>`,
			"<p>If it was not you, ignore this message: no account is created.</p>",
		].join("\n"),
	};
}

function someoneTriedMail(identity: Identity, owner: { email: string; name: string }) {
	const login = new URL("/account/login", identity.edgeUrl).toString();
	const reset = new URL("/account/reset", identity.edgeUrl).toString();
	return {
		to: owner.email,
		subject: "Someone tried to sign up with your address",
		text: [
			`Hello ${owner.name},`,
			"",
			"Someone tried to create a Bazaar account with your email address, which already has one.",
			"Nothing was changed. If it was you, log in instead:",
			"",
			login,
			"",
			`Forgot your password? Choose a new one at ${reset}`,
		].join("\n"),
		html: [
			`<p>Hello ${escapeHtml(owner.name)},</p>`,
			"<p>Someone tried to create a Bazaar account with your email address, which already has one. Nothing was changed.</p>",
			`<p>If it was you, <a href="${escapeHtml(login)}">log in</a> instead, or <a href="${escapeHtml(reset)}">choose a new password</a>.</p>`,
		].join("\n"),
	};
}
