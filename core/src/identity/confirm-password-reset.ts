import type { PasswordResetConfirm, UserPublic } from "@bazaar/contracts/identity";
import { and, eq, gt, isNull } from "drizzle-orm";
import { ValidationError } from "../lib/errors";
import { accountKey, type Identity, nowIso, sha256Hex, toPublic, writeUser } from "./context";
import { assertPasswordPolicy } from "./password";
import { passwordResetTokens, users } from "./schema";

/** Unknown, used and expired tokens all get this one answer. */
export class InvalidResetTokenError extends ValidationError {
	constructor() {
		super("This password reset link is not valid any more. Ask for a new one.", [
			{ path: "token", message: "unknown, used or expired" },
		]);
	}
}

/** Sets the new password and ends every session. The token works once. */
export async function confirmPasswordReset(identity: Identity, input: PasswordResetConfirm): Promise<UserPublic> {
	const tokenHash = sha256Hex(input.token);
	// A read first, so the policy check (it needs the email) and the slow hash run outside the
	// write transaction; the transaction then claims the token with a compare-and-set.
	const [found] = await identity.database.db
		.select({ userId: passwordResetTokens.userId, email: users.email, emailKey: users.emailKey })
		.from(passwordResetTokens)
		.innerJoin(users, eq(users.id, passwordResetTokens.userId))
		.where(
			and(
				eq(passwordResetTokens.tokenHash, tokenHash),
				isNull(passwordResetTokens.usedAt),
				gt(passwordResetTokens.expiresAt, nowIso()),
			),
		)
		.limit(1);
	if (!found) throw new InvalidResetTokenError();
	assertPasswordPolicy(input.newPassword, found.email, "newPassword");
	const passwordHash = await identity.hasher.hash(input.newPassword);

	const row = await writeUser(
		identity,
		found.userId,
		async (tx) => {
			const now = nowIso();
			const claimed = await tx
				.update(passwordResetTokens)
				.set({ usedAt: now })
				.where(
					and(
						eq(passwordResetTokens.tokenHash, tokenHash),
						isNull(passwordResetTokens.usedAt),
						gt(passwordResetTokens.expiresAt, now),
					),
				)
				.returning({ userId: passwordResetTokens.userId });
			if (claimed.length !== 1) throw new InvalidResetTokenError();
			// Every other link of this user dies with this one.
			await tx
				.delete(passwordResetTokens)
				.where(and(eq(passwordResetTokens.userId, found.userId), isNull(passwordResetTokens.usedAt)));
			return { passwordHash };
		},
		{ bumpGeneration: true },
	);
	// Whoever can read the mailbox owns the account: lift a lock-out from failed logins.
	await identity.limiter.give(accountKey(found.emailKey), identity.limits.account, Number.POSITIVE_INFINITY);
	return toPublic(row);
}
