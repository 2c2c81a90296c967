import type { ChangePasswordInput, UserPublic } from "@bazaar/contracts/identity";
import { eq } from "drizzle-orm";
import { findUser, type Identity, passwordChangeKey, toPublic, writeUser } from "./context";
import { assertPasswordPolicy } from "./password";
import { RateLimitedError } from "./rate-limit";
import { passwordResetTokens } from "./schema";
import { WrongPasswordError } from "./update-profile";

/**
 * Needs the current password. Bumps the session generation, so every other session ends; the
 * returned generation lets the edge carry on the session that asked.
 */
export async function changePassword(
	identity: Identity,
	userId: string,
	input: ChangePasswordInput,
): Promise<UserPublic> {
	const user = await findUser(identity, userId);
	// Guessing the current password through this door is limited like logging in.
	const key = passwordChangeKey(userId);
	const taken = await identity.limiter.take([{ key, rule: identity.limits.accountIp }]);
	if (!taken.ok) throw new RateLimitedError(Math.max(1, Math.ceil(taken.retryAfterMs / 1000)));
	if (!(await identity.hasher.verify(input.currentPassword, user.passwordHash))) throw new WrongPasswordError();
	await identity.limiter.give(key, identity.limits.accountIp, Number.POSITIVE_INFINITY);
	assertPasswordPolicy(input.newPassword, user.email, "newPassword");
	const passwordHash = await identity.hasher.hash(input.newPassword);
	const row = await writeUser(
		identity,
		userId,
		async (tx) => {
			// A reset link mailed before the change must not undo it.
			await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId));
			return { passwordHash };
		},
		{ bumpGeneration: true },
	);
	return toPublic(row);
}
