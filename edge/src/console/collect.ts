import { listPage } from "@bazaar/contracts/list";
import type { z } from "zod";
import type { AppContext } from "../env";
import { adminCall } from "./admin-call";

/**
 * Reads a cursor-paginated admin list page by page (100 a page) up to `maxPages`: the dashboard
 * counts with it. `complete` is false when it stopped at the cap, so a figure can say "at least".
 */
export async function collect<T extends z.ZodType>(
	c: AppContext,
	item: T,
	path: string,
	maxPages: number,
): Promise<{ items: z.infer<T>[]; complete: boolean } | null> {
	const Page = listPage(item);
	const items: z.infer<T>[] = [];
	let cursor: string | null = null;
	for (let page = 0; page < maxPages; page++) {
		const sep = path.includes("?") ? "&" : "?";
		const url: string = `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
		const answer: Awaited<ReturnType<typeof adminCall<typeof Page>>> = await adminCall(c, Page, "GET", url);
		if (!answer.ok) return null;
		items.push(...answer.value.items);
		cursor = answer.value.nextCursor;
		if (cursor === null) return { items, complete: true };
	}
	return { items, complete: false };
}
