import {
	DEFAULT_MARKETS,
	MARKET_PARAM,
	type Market,
	MarketList,
	marketByCode,
	marketForCountry,
} from "@bazaar/contracts/market";
import { readTarget, targets } from "../cache/catalog";
import { isFailure } from "../cache/layers";
import { catalogVersion } from "../cache/version";
import type { AppContext } from "../env";

// The shop's markets, as the catalog has them at the version pages are keyed on. Staff replace
// them through the admin API; that is a catalog write, so the version moves and the list below
// is read again (one cached catalog read, like the categories), and every page key changes.
//
// Which market a request is in, first match wins:
// 1. `?market=<code>` in the address: the page hreflang announces for that market (crawlers keep
//    no cookies), so the address alone says which prices it shows;
// 2. the market cookie: the shopper's choice (the header's chooser, or adding to the cart from a
//    page of that market), kept a year;
// 3. the shopper's country (`request.cf.country`, set by Cloudflare) on a visit without either;
// 4. the list's default market.

export const MARKET_COOKIE = "bazaar_market";
const COOKIE_CODE = /^[a-z]{2,8}$/;

export interface MarketView {
	list: MarketList;
	market: Market;
}

/** This isolate's copy, for the hot path that answers from memory before the router (sync). */
let known: { version: number; list: MarketList } | null = null;

/** The list at this catalog version, when this isolate has read it (else null: take the app). */
export function knownMarkets(version: number): MarketList | null {
	return known && known.version === version ? known.list : null;
}

/**
 * The list at the current version. A core that cannot say (down, or older than markets) gives the
 * built-in list rather than no shop; it is not remembered, so the next request asks again.
 */
export async function loadMarkets(c: AppContext): Promise<MarketList> {
	const version = await catalogVersion(c.env, c.executionCtx);
	const hit = knownMarkets(version);
	if (hit) return hit;
	const read = await readTarget(c, version, targets.markets());
	if (isFailure(read) || !read.found) return DEFAULT_MARKETS;
	const parsed = MarketList.safeParse(read.data);
	if (!parsed.success) return DEFAULT_MARKETS;
	if (!known || known.version <= version) known = { version, list: parsed.data };
	return parsed.data;
}

/** The market cookie's value, read straight from the header (the hot path has no router context). */
function cookieCode(request: Request): string | null {
	const header = request.headers.get("cookie");
	if (!header) return null;
	// Over https the cookie is `__Host-` prefixed (session/cookie.ts): a sibling subdomain cannot plant it.
	const name = request.url.startsWith("https:") ? `__Host-${MARKET_COOKIE}` : MARKET_COOKIE;
	for (const part of header.split(";")) {
		const at = part.indexOf("=");
		if (at > 0 && part.slice(0, at).trim() === name) {
			const value = part.slice(at + 1).trim();
			return COOKIE_CODE.test(value) ? value : null;
		}
	}
	return null;
}

/** `?market=` of the address, if it names a market of the list. */
export function addressedMarket(list: MarketList, url: string): Market | undefined {
	const at = url.indexOf("?");
	if (at === -1) return undefined;
	return marketByCode(list, new URLSearchParams(url.slice(at + 1)).get(MARKET_PARAM));
}

export function chooseMarket(list: MarketList, request: Request): Market {
	const country = (request as Request & { cf?: { country?: unknown } }).cf?.country;
	return (
		addressedMarket(list, request.url) ??
		marketByCode(list, cookieCode(request)) ??
		marketForCountry(list, typeof country === "string" ? country : null)
	);
}

/** The request's market and the list, resolved once per request. */
export async function marketOf(c: AppContext): Promise<MarketView> {
	const done = c.get("market");
	if (done) return done;
	const list = await loadMarkets(c);
	const view = { list, market: chooseMarket(list, c.req.raw) };
	c.set("market", view);
	return view;
}
