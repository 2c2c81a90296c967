import type { ProfilePatch, UserPublic } from "@bazaar/contracts/identity";
import { ConflictError, isUniqueViolation, ServiceError, ValidationError } from "../lib/errors";
import { findUser, type Identity, toPublic, writeUser } from "./context";
import { normalizeEmail } from "./password";
import { assertNotReserved } from "./reserved-email";

export class WrongPasswordError extends ServiceError {
	constructor() {
		super(403, "The current password is not correct.");
	}
}

/**
 * Name freely; the email (the login, and where reset links go) only with the current password,
 * and changing it ends every session (the returned generation lets the edge carry on the one
 * that asked): whoever else was signed in must prove they know the account again.
 */
export async function updateProfile(identity: Identity, userId: string, patch: ProfilePatch): Promise<UserPublic> {
	const user = await findUser(identity, userId);
	const emailChanges = patch.email !== undefined && patch.email.trim() !== user.email;
	if (emailChanges) {
		if (patch.currentPassword === undefined) {
			throw new ValidationError("Changing the email address needs the current password.", [
				{ path: "currentPassword", message: "required to change the email address" },
			]);
		}
		if (!(await identity.hasher.verify(patch.currentPassword, user.passwordHash))) throw new WrongPasswordError();
		await assertNotReserved(identity, normalizeEmail(patch.email as string), userId);
	}
	try {
		const row = await writeUser(
			identity,
			userId,
			async () => ({
				...(patch.name !== undefined ? { name: patch.name } : {}),
				...(emailChanges && patch.email !== undefined
					? { email: patch.email.trim(), emailKey: normalizeEmail(patch.email) }
					: {}),
			}),
			{ bumpGeneration: emailChanges },
		);
		return toPublic(row);
	} catch (err) {
		if (isUniqueViolation(err)) throw new ConflictError("An account with this email address already exists.");
		throw err;
	}
}
