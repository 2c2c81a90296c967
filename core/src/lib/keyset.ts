import { cursorKey } from "@bazaar/contracts/list";
import { type SQL, sql } from "drizzle-orm";
import { ValidationError } from "./errors";

// The SQL half of the shared list shape (packages/contracts/src/list.ts): every staff list is
// ordered by (time desc, id desc) with an index led by its filter and ending in those two, so a
// page is one range scan wherever it starts.

/** The key (`parts` strings, (time, id) by default) to resume after, or null on a first page; a cursor we did not give out is a 400. */
export function resumeAfter(cursor: string | undefined, parts = 2): string[] | null {
	if (!cursor) return null;
	const key = cursorKey(cursor, parts);
	if (!key) {
		throw new ValidationError("The cursor is not valid for this list.", [
			{ path: "cursor", message: "not a cursor this list gave out" },
		]);
	}
	return key;
}

/** `(time, id) < (cursor's time, cursor's id)`: the rows after the cursor, newest first. */
export function olderThan(cursor: string | undefined, time: SQL, id: SQL): SQL | undefined {
	const key = resumeAfter(cursor);
	return key ? sql`(${time}, ${id}) < (${key[0]}, ${key[1]})` : undefined;
}

/** `WHERE a AND b …` of the conditions given (undefined ones skipped), or nothing. */
export function whereAll(conditions: (SQL | undefined)[]): SQL {
	const present = conditions.filter((c): c is SQL => c !== undefined);
	return present.length ? sql` WHERE ${sql.join(present, sql` AND `)}` : sql``;
}
