import { z } from "zod";

// The one shape of every paged list (admin lists, a customer's orders, the catalog): a query of
// filters plus `cursor` and `limit`, answered with `{items, nextCursor}`. The cursor is opaque to
// clients: base64url JSON of the last item's sort key and id, so the next page starts strictly
// after it (keyset paging: a page costs the same at page 1 and page 100, and rows added meanwhile
// neither repeat nor skip one). Pure, so it runs in workerd, Bun and a browser alike.

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

/** A page's size as it arrives in a URL: 20 unless asked, 1 to 100, anything else a 400. */
export const ListLimit = z
	.string()
	.regex(/^\d{1,3}$/, `a whole number from 1 to ${LIST_LIMIT_MAX}`)
	.transform(Number)
	.pipe(z.number().int().min(1).max(LIST_LIMIT_MAX))
	.or(z.number().int().min(1).max(LIST_LIMIT_MAX))
	.default(LIST_LIMIT_DEFAULT);

export type CursorKey = readonly (string | number)[];

export function encodeCursor(key: CursorKey): string {
	const bytes = new TextEncoder().encode(JSON.stringify(key));
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The key a cursor carries, or null when it is not one of ours (bad base64, bad JSON, not an array). */
export function decodeCursor(raw: string): unknown[] | null {
	try {
		const binary = atob(raw.replace(/-/g, "+").replace(/_/g, "/"));
		const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
		const parsed: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
		return Array.isArray(parsed) ? parsed : null;
	} catch {
		return null;
	}
}

/** A cursor as it travels: what `nextCursor` was, never built by hand. */
export const CursorText = z
	.string()
	.max(400)
	.regex(/^[A-Za-z0-9_-]+$/, "an opaque cursor from a previous page's nextCursor")
	.refine((raw) => decodeCursor(raw) !== null, "not a cursor a list gave out");

const KeyPart = z.string().min(1).max(128);
/**
 * The key a page resumes after: `parts` strings, e.g. (time, id) for a list ordered by
 * (time desc, id desc); null when `raw` is not such a cursor.
 */
export function cursorKey(raw: string, parts = 2): string[] | null {
	const parsed = z.array(KeyPart).length(parts).safeParse(decodeCursor(raw));
	return parsed.success ? parsed.data : null;
}

/** A bound of a date-range filter (`from` inclusive, `to` exclusive): a date or an ISO date-time, as UTC ISO. */
export const TimeBound = z
	.union([z.iso.datetime({ offset: true }), z.iso.date()])
	.transform((v) => new Date(v).toISOString());

/**
 * A list's query schema: its filters, plus `cursor` (the text of a previous `nextCursor`) and
 * `limit`. Strict, so an unknown parameter is a 400 rather than a filter silently ignored.
 */
export function listQuery<T extends z.ZodRawShape>(filters: T) {
	return z.strictObject({ ...filters, cursor: CursorText.optional(), limit: ListLimit });
}

/** A page of `item`s. */
export function listPage<T extends z.ZodType>(item: T) {
	return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export type ListPage<T> = { items: T[]; nextCursor: string | null };

/**
 * Cuts the `limit + 1` rows a keyset query fetched to one page: the extra row only says that a
 * next page exists, and the cursor points after the page's last row.
 */
export function toPage<R, T = R>(
	rows: R[],
	limit: number,
	keyOf: (row: R) => CursorKey,
	map: (row: R) => T = (row) => row as unknown as T,
): ListPage<T> {
	const page = rows.slice(0, limit);
	const last = page[page.length - 1];
	return {
		items: page.map(map),
		nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
	};
}
