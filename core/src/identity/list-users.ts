import { type UserList, UserListQuery } from "@bazaar/contracts/identity";
import { toPage } from "@bazaar/contracts/list";
import { and, desc, sql } from "drizzle-orm";
import { olderThan } from "../lib/keyset";
import { type Identity, toPublic } from "./context";
import { normalizeEmail } from "./password";
import { users } from "./schema";

// Staff: accounts newest first, one query per page (keyset on (created_at, id)), found by the
// start of their email, a part of their name, or a role they hold.

export async function listUsers(identity: Identity, query: Partial<UserListQuery> = {}): Promise<UserList> {
	const q = UserListQuery.parse(query);
	const text = q.q
		? sql`(${users.emailKey} LIKE ${`${escapeLike(normalizeEmail(q.q))}%`} ESCAPE '\\' OR ${users.name} LIKE ${`%${escapeLike(q.q)}%`} ESCAPE '\\')`
		: undefined;
	const role = q.role ? sql`EXISTS (SELECT 1 FROM json_each(${users.roles}) WHERE value = ${q.role})` : undefined;
	const rows = await identity.database.db
		.select()
		.from(users)
		.where(and(text, role, olderThan(q.cursor, sql`${users.createdAt}`, sql`${users.id}`)))
		.orderBy(desc(users.createdAt), desc(users.id))
		.limit(q.limit + 1);
	return toPage(rows, q.limit, (r) => [r.createdAt, r.id], toPublic);
}

/** What a user typed, matched literally: LIKE's own wildcards escaped. */
function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
