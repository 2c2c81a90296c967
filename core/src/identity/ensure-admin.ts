import type { UserPublic } from "@bazaar/contracts/identity";
import { Email } from "@bazaar/contracts/identity";
import { randomToken } from "@bazaar/ids";
import { eq } from "drizzle-orm";
import { ConflictError } from "../lib/errors";
import { type Identity, toPublic, writeUser } from "./context";
import { normalizeEmail } from "./password";
import { register } from "./register";
import { users } from "./schema";

export interface EnsureAdminOptions {
	/**
	 * The password a new admin account gets (ADMIN_PASSWORD), so tools and tests can sign in
	 * without reading the log. Unset: a random one. An existing account keeps its own.
	 */
	password?: string | null;
	name?: string;
}

export interface EnsuredAdmin {
	user: UserPublic;
	/** Whether the account was created now (it did not exist before this start). */
	created: boolean;
	/** The generated password, only when the account was created now: print it once, store it nowhere. */
	password: string | null;
}

/**
 * On start: makes sure `email` is an admin. A new account gets the configured password or a
 * random one (returned so the caller can show it once); an existing account keeps its password
 * and gains the role.
 */
export async function ensureAdmin(
	identity: Identity,
	email: string,
	options: EnsureAdminOptions = {},
): Promise<EnsuredAdmin> {
	const address = Email.parse(email);
	const existing = await findByEmail(identity, address);
	if (existing) return { user: await grantAdmin(identity, existing), created: false, password: null };
	const configured = options.password ?? null;
	const password = configured ?? randomToken(18);
	try {
		const user = await register(identity, { email: address, password, name: options.name ?? "Administrator" }, [
			"admin",
		]);
		// A configured password is the operator's own: never echo it into a log.
		return { user, created: true, password: configured === null ? password : null };
	} catch (err) {
		// Another instance starting at the same moment created it first.
		if (!(err instanceof ConflictError)) throw err;
		const raced = await findByEmail(identity, address);
		if (!raced) throw err;
		return { user: await grantAdmin(identity, raced), created: false, password: null };
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
