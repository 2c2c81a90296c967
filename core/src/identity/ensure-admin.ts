import type { UserPublic } from "@bazaar/contracts/identity";
import { Email } from "@bazaar/contracts/identity";
import { newId, randomToken } from "@bazaar/ids";
import { eq, sql } from "drizzle-orm";
import { isUniqueViolation } from "../lib/errors";
import { type Identity, identityWrite, nowIso, toPublic } from "./context";
import { normalizeEmail } from "./password";
import { bootstrapSteps, users } from "./schema";

// The first admin account, made once in the life of the identity database. The first start
// creates ADMIN_EMAIL as a new account holding the admin role and records that it did, in one
// transaction; every later start does nothing. It never grants the role to an account that
// already exists: once the admin has changed their address, anyone could register the old one,
// and a restart must not make them an admin.

const FIRST_ADMIN = "first_admin";

export interface EnsureAdminOptions {
	/**
	 * The password the new admin account gets (ADMIN_PASSWORD), so tools and tests can sign in
	 * without reading a file. Unset: a random one.
	 */
	password?: string | null;
	name?: string;
}

export type EnsuredAdmin =
	/** Made now. `password`: the generated one, to hand to the operator once (null when configured). */
	| { created: true; user: UserPublic; password: string | null }
	/** Made before (by an earlier start, or another instance starting at the same moment). */
	| { created: false };

/** ADMIN_EMAIL belongs to an account that is not an admin, on a database that never had one. */
export class AdminEmailTakenError extends Error {
	constructor() {
		super(
			"ADMIN_EMAIL names an existing account that is not an admin; the first admin is only ever created as a new account. Set ADMIN_EMAIL to an address no account uses.",
		);
	}
}

export async function ensureAdmin(
	identity: Identity,
	email: string,
	options: EnsureAdminOptions = {},
): Promise<EnsuredAdmin> {
	const address = Email.parse(email);
	if (await firstAdminMade(identity)) return { created: false };
	// A database from before this step was recorded: whoever holds the role now was made then.
	const admin = await anyAdmin(identity);
	if (admin) {
		await identityWrite(identity, (tx) =>
			tx.insert(bootstrapSteps).values({ step: FIRST_ADMIN, userId: admin.id, doneAt: nowIso() }).onConflictDoNothing(),
		);
		return { created: false };
	}
	const emailKey = normalizeEmail(address);
	const [taken] = await identity.database.db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.emailKey, emailKey))
		.limit(1);
	if (taken) {
		// Another instance starting at the same moment made it between our first look and this one.
		if (await firstAdminMade(identity)) return { created: false };
		throw new AdminEmailTakenError();
	}

	const configured = options.password ?? null;
	const password = configured ?? randomToken(18);
	const passwordHash = await identity.hasher.hash(password);
	const now = nowIso();
	const id = newId("usr");
	try {
		const row = await identityWrite(identity, async (tx) => {
			const [created] = await tx
				.insert(users)
				.values({
					id,
					email: address,
					emailKey,
					name: options.name ?? "Administrator",
					passwordHash,
					roles: ["admin"],
					sessionGeneration: 1,
					createdAt: now,
					updatedAt: now,
				})
				.returning();
			await tx.insert(bootstrapSteps).values({ step: FIRST_ADMIN, userId: id, doneAt: now });
			return created;
		});
		if (!row) throw new Error("insert returned no row");
		// A configured password is the operator's own: never hand it back for display.
		return { created: true, user: toPublic(row), password: configured === null ? password : null };
	} catch (err) {
		// Another instance starting at the same moment made it (or took the address) first.
		if (isUniqueViolation(err) && (await firstAdminMade(identity))) return { created: false };
		throw err;
	}
}

/** The user id of the first admin, when one was made (it may hold the reserved address again). */
export async function firstAdminId(identity: Pick<Identity, "database">): Promise<string | null> {
	const [row] = await identity.database.db
		.select({ userId: bootstrapSteps.userId })
		.from(bootstrapSteps)
		.where(eq(bootstrapSteps.step, FIRST_ADMIN))
		.limit(1);
	return row?.userId ?? null;
}

async function firstAdminMade(identity: Identity): Promise<boolean> {
	const [row] = await identity.database.db
		.select({ step: bootstrapSteps.step })
		.from(bootstrapSteps)
		.where(eq(bootstrapSteps.step, FIRST_ADMIN))
		.limit(1);
	return row !== undefined;
}

async function anyAdmin(identity: Identity): Promise<{ id: string } | null> {
	const [row] = await identity.database.db
		.select({ id: users.id })
		.from(users)
		.where(sql`EXISTS (SELECT 1 FROM json_each(${users.roles}) WHERE json_each.value = 'admin')`)
		.limit(1);
	return row ?? null;
}
