import { type DeadLetterList, DeadLetterQuery } from "@bazaar/contracts/bus";
import { toPage } from "@bazaar/contracts/list";
import { ValidationError } from "../lib/errors";
import { resumeAfter } from "../lib/keyset";
import { type Bus, deadLetterKey } from "./transport";

// Staff: the dead letters of every group (or one), newest first, a page at a time in the shared
// list shape. Each backend pages in its own storage, after the same (died at, group, id) key, so
// a page costs the same however many letters lie behind it.

export async function listDeadLetters(bus: Bus, query: Partial<DeadLetterQuery> = {}): Promise<DeadLetterList> {
	const q = DeadLetterQuery.parse(query);
	const after = resumeAfter(q.cursor, 3);
	if (after && (Number.isNaN(Date.parse(after[0] ?? "")) || !/^\d+(-\d+)?$/.test(after[2] ?? ""))) {
		throw new ValidationError("The cursor is not valid for this list.", [
			{ path: "cursor", message: "not a cursor this list gave out" },
		]);
	}
	const rows = await bus.deadLetters(q.group, { type: q.type, after, limit: q.limit + 1 });
	return toPage(rows, q.limit, deadLetterKey);
}
