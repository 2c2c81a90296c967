import { problem } from "@bazaar/contracts";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { AppContext } from "../env";
import { inMarket } from "../markets/context";
import { marketOf } from "../markets/state";
import { ErrorPage } from "../views/error-page";
import { HTML_TYPE, renderHtml } from "./html";

// Pages that show one shopper's data (account, cart, checkout, orders): rendered per request,
// answered `no-store`, never through the catalog caches.

/** Only our own script (header.js, never inline), nothing from another origin; forms post only to this site. */
const PERSONAL_POLICY = {
	"default-src": ["'none'"],
	"img-src": ["'self'"],
	"style-src": ["'unsafe-inline'"],
	"script-src": ["'self'"],
	"frame-src": [],
	"connect-src": ["'self'"],
	"form-action": ["'self'"],
	"base-uri": ["'none'"],
	"frame-ancestors": ["'none'"],
} as const;
export type CspDirective = keyof typeof PERSONAL_POLICY;

/**
 * The personal pages' policy with some directives widened for one page (a checkout page that
 * hands the shopper to a payment gateway); every other page keeps PERSONAL_CSP.
 */
export function personalCsp(extra: Partial<Record<CspDirective, readonly string[]>> = {}): string {
	return Object.entries(PERSONAL_POLICY)
		.map(([name, base]) => [name, [...new Set([...base, ...(extra[name as CspDirective] ?? [])])]] as const)
		.filter(([, sources]) => sources.length > 0)
		.map(([name, sources]) => `${name} ${sources.join(" ")}`)
		.join("; ");
}

export const PERSONAL_CSP = personalCsp();

export async function personalPage(
	c: AppContext,
	status: number,
	node: JSX.Element,
	headers: Record<string, string> = {},
): Promise<Response> {
	// In the shopper's market: its prices and its chooser in the header.
	const page = inMarket(await marketOf(c), node);
	return c.body((await renderHtml(page)) as Uint8Array<ArrayBuffer>, status as 200, {
		"content-type": HTML_TYPE,
		"cache-control": "no-store",
		"content-security-policy": PERSONAL_CSP,
		"x-content-type-options": "nosniff",
		"referrer-policy": "same-origin",
		...headers,
	});
}

export const errorPage = (c: AppContext, status: number, detail: string) =>
	personalPage(c, status, <ErrorPage problem={problem(status, detail)} />);

export const seeOther = (c: AppContext, to: string) => c.redirect(to, 303);

/** The core failed or refused in a way the shopper cannot fix: a 502/503 (or its 4xx) page. */
export function coreTrouble(c: AppContext, status: number) {
	return errorPage(
		c,
		status >= 500 ? (status === 503 ? 503 : 502) : status,
		"The shop could not handle that right now. Try again shortly.",
	);
}
