import { randomToken } from "@bazaar/ids";
import { eq } from "drizzle-orm";
import { ConflictError } from "../lib/errors";
import { type Identity, toPublic, writeUser } from "./context";
import type { UserPublic } from "./contracts";
import { Email } from "./contracts";
import { normalizeEmail } from "./password";
import { register } from "./register";
import { users } from "./schema";

export interface EnsuredAdmin {
	user: UserPublic;
	/** The generated password, only when the account was created now: print it once, store it nowhere. */
	password: string | null;
}

/**
 * On start: makes sure `email` is an admin. A new account gets a random password, returned so
 * the caller can show it once; an existing account keeps its password and gains the role.
 */
export async function ensureAdmin(identity: Identity, email: string, name = "Administrator"): Promise<EnsuredAdmin> {
	const address = Email.parse(email);
	const existing = await findByEmail(identity, address);
	if (existing) return { user: await grantAdmin(identity, existing), password: null };
	const password = randomToken(18);
	try {
		return { user: await register(identity, { email: address, password, name }, ["admin"]), password };
	} catch (err) {
		// Another instance starting at the same moment created it first.
		if (!(err instanceof ConflictError)) throw err;
		const raced = await findByEmail(identity, address);
		if (!raced) throw err;
		return { user: await grantAdmin(identity, raced), password: null };
	}
}

async function findByEmail(identity: Identity, email: string) {
	const [row] = await identity.database.db
		.select()
		.from(users)
		.where(eq(users.emailKey, normalizeEmail(email)))
		.limit(1);
	return row ?? null;
}

async function grantAdmin(identity: Identity, row: typeof users.$inferSelect): Promise<UserPublic> {
	if (row.roles.includes("admin")) return toPublic(row);
	const roles = [...row.roles, "admin" as const].sort();
	return toPublic(await writeUser(identity, row.id, async () => ({ roles }), { bumpGeneration: false }));
}
