import type { PasswordResetRequest } from "@bazaar/contracts/identity";
import { randomToken, ulid } from "@bazaar/ids";
import { eq } from "drizzle-orm";
import { type Identity, identityWrite, nowIso, resetKey, sha256Hex } from "./context";
import { escapeHtml } from "./mail-html";
import { normalizeEmail } from "./password";
import { passwordResetTokens, users } from "./schema";

/**
 * Always the same answer, so it does not tell whether the email has an account. When it does,
 * a one-time link goes out through the mail outbox; only the token's SHA-256 is kept.
 */
export async function requestPasswordReset(
	identity: Identity,
	input: PasswordResetRequest,
): Promise<{ accepted: true }> {
	const emailKey = normalizeEmail(input.email);
	const [user] = await identity.database.db
		.select({ id: users.id, email: users.email, name: users.name })
		.from(users)
		.where(eq(users.emailKey, emailKey))
		.limit(1);
	// Limited for unknown emails too, so the work done does not depend on the account existing;
	// beyond the limit nothing is sent (no mail bombing through this form).
	const taken = await identity.limiter.take([{ key: resetKey(emailKey), rule: identity.limits.resetMail }]);
	if (!user || !taken.ok) return { accepted: true };

	const token = randomToken(32);
	const link = new URL("/account/reset", identity.edgeUrl);
	link.searchParams.set("token", token);
	const minutes = Math.round(identity.resetTokenTtlMs / 60_000);
	const now = Date.now();
	await identityWrite(identity, async (tx) => {
		await tx.insert(passwordResetTokens).values({
			tokenHash: sha256Hex(token),
			userId: user.id,
			expiresAt: new Date(now + identity.resetTokenTtlMs).toISOString(),
			createdAt: nowIso(),
		});
		await identity.mail.enqueue(tx, {
			id: `mail_${ulid(now)}`,
			to: user.email,
			subject: "Reset your Bazaar password",
			text: [
				`Hello ${user.name},`,
				"",
				"Someone (hopefully you) asked to reset the password of your Bazaar account.",
				`Open this link within ${minutes} minutes to choose a new password:`,
				"",
				link.toString(),
				"",
				"The link works once. If you did not ask for it, ignore this message: your password stays as it is.",
			].join("\n"),
			html: [
				`<p>Hello ${escapeHtml(user.name)},</p>`,
				"<p>Someone (hopefully you) asked to reset the password of your Bazaar account.</p>",
				`<p><a href="${escapeHtml(link.toString())}">Choose a new password</a> (valid for ${minutes} minutes, once).</p>`,
				"<p>If you did not ask for it, ignore this message: your password stays as it is.</p>",
			].join("\n"),
		});
	});
	return { accepted: true };
}
