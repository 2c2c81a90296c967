import type { SetRolesInput, UserPublic } from "@bazaar/contracts/identity";
import { sql } from "drizzle-orm";
import { ConflictError } from "../lib/errors";
import { type Identity, toPublic, writeUser } from "./context";
import { users } from "./schema";

/**
 * Admin only (checked by the route). Sessions carry on: the edge takes roles from the session
 * check, which this invalidates. The last admin cannot be demoted, so the shop is never locked.
 */
export async function setRoles(identity: Identity, userId: string, input: SetRolesInput): Promise<UserPublic> {
	const roles = [...input.roles].sort();
	const row = await writeUser(
		identity,
		userId,
		async (tx) => {
			if (!roles.includes("admin")) {
				const [others] = await tx.all<{ n: number }>(
					sql`SELECT count(*) AS n FROM ${users} WHERE ${users.id} <> ${userId}
						AND EXISTS (SELECT 1 FROM json_each(${users.roles}) WHERE value = 'admin')`,
				);
				const [self] = await tx.all<{ n: number }>(
					sql`SELECT count(*) AS n FROM ${users} WHERE ${users.id} = ${userId}
						AND EXISTS (SELECT 1 FROM json_each(${users.roles}) WHERE value = 'admin')`,
				);
				if ((self?.n ?? 0) > 0 && (others?.n ?? 0) === 0) {
					throw new ConflictError("This is the last admin: make someone else admin first.");
				}
			}
			return { roles };
		},
		{ bumpGeneration: false },
	);
	return toPublic(row);
}
