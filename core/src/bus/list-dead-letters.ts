import { type DeadLetter, type DeadLetterList, DeadLetterQuery } from "@bazaar/contracts/bus";
import { type CursorKey, toPage } from "@bazaar/contracts/list";
import { resumeAfter } from "../lib/keyset";
import type { Bus } from "./transport";

// Staff: the dead letters of every group (or one), newest first, a page at a time in the shared
// list shape. Both backends hand over at most 1,000 per group (dead letters are rare and each is
// also logged), so the page is cut here, after the same (died at, group, id) order every time.

const keyOf = (d: DeadLetter): CursorKey => [d.deadAt, d.group, d.id];

/** Newest first: `a` sorts before `b` when its key is greater. */
function newerFirst(a: CursorKey, b: CursorKey): number {
	for (let i = 0; i < a.length; i++) {
		if (a[i] === b[i]) continue;
		return String(a[i]) > String(b[i]) ? -1 : 1;
	}
	return 0;
}

export async function listDeadLetters(bus: Bus, query: Partial<DeadLetterQuery> = {}): Promise<DeadLetterList> {
	const q = DeadLetterQuery.parse(query);
	const after = resumeAfter(q.cursor, 3);
	const rows = (await bus.deadLetters(q.group))
		.filter((d) => (q.type ? d.event.type === q.type : true))
		.filter((d) => (after ? newerFirst(keyOf(d), after) > 0 : true))
		.sort((a, b) => newerFirst(keyOf(a), keyOf(b)))
		.slice(0, q.limit + 1);
	return toPage(rows, q.limit, keyOf);
}
