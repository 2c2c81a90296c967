import type { UserList, UserListQuery } from "@bazaar/contracts/identity";
import { and, asc, gt, like, type SQL } from "drizzle-orm";
import { type Identity, toPublic } from "./context";
import { normalizeEmail } from "./password";
import { users } from "./schema";

/** Admin: users by creation (ids are time-sortable), a page at a time, optionally by email prefix. */
export async function listUsers(identity: Identity, query: UserListQuery): Promise<UserList> {
	const filters: SQL[] = [];
	if (query.after) filters.push(gt(users.id, query.after));
	if (query.email) filters.push(like(users.emailKey, `${escapeLike(normalizeEmail(query.email))}%`));
	const rows = await identity.database.db
		.select()
		.from(users)
		.where(filters.length ? and(...filters) : undefined)
		.orderBy(asc(users.id))
		.limit(query.limit + 1);
	const page = rows.slice(0, query.limit);
	return {
		items: page.map(toPublic),
		nextAfter: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
	};
}

/** LIKE without an ESCAPE clause: % and _ cannot be escaped, so they are matched by dropping the wildcard meaning. */
function escapeLike(text: string): string {
	return text.replace(/[%_]/g, "");
}
