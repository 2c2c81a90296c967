import type { JSX } from "hono/jsx/jsx-runtime";
import { type Entry, makeEntry } from "../cache/entry";
import { etagOf, utf8 } from "./bytes";

export const HTML_TYPE = "text/html; charset=utf-8";

export async function renderHtml(node: JSX.Element): Promise<Uint8Array> {
	// A JSX node renders to a string, or to a promise of one when a component is async.
	const html: string = await (await node).toString();
	return utf8(`<!doctype html>${html}`);
}

/** Renders a page into a cacheable entry (status 200, or 404 for "no such product"). */
export async function pageEntry(status: number, node: JSX.Element): Promise<Entry> {
	const body = await renderHtml(node);
	return makeEntry(status, body, HTML_TYPE, await etagOf(body));
}

/** An uncacheable HTML answer: bad filters, core trouble. */
export async function htmlResponse(status: number, node: JSX.Element): Promise<Response> {
	return new Response(await renderHtml(node), {
		status,
		headers: { "content-type": HTML_TYPE, "cache-control": "no-store", "x-content-type-options": "nosniff" },
	});
}
