import { newId } from "@bazaar/ids";
import { ConflictError, isUniqueViolation } from "../lib/errors";
import { type Identity, identityWrite, nowIso, toPublic } from "./context";
import type { RegisterInput, UserPublic } from "./contracts";
import { assertPasswordPolicy, normalizeEmail } from "./password";
import { assertNotReserved } from "./reserved-email";
import { type Role, users } from "./schema";

export async function register(
	identity: Identity,
	input: RegisterInput,
	roles: Role[] = ["customer"],
): Promise<UserPublic> {
	assertPasswordPolicy(input.password, input.email);
	await assertNotReserved(identity, normalizeEmail(input.email), null);
	const passwordHash = await identity.hasher.hash(input.password);
	const now = nowIso();
	try {
		const [row] = await identityWrite(identity, (tx) =>
			tx
				.insert(users)
				.values({
					id: newId("usr"),
					email: input.email.trim(),
					emailKey: normalizeEmail(input.email),
					name: input.name,
					passwordHash,
					roles,
					sessionGeneration: 1,
					createdAt: now,
					updatedAt: now,
				})
				.returning(),
		);
		if (!row) throw new Error("insert returned no row");
		return toPublic(row);
	} catch (err) {
		if (isUniqueViolation(err)) throw new ConflictError("An account with this email address already exists.");
		throw err;
	}
}
