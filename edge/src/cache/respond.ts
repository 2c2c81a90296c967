import type { Problem } from "@bazaar/contracts";
import type { PromotionSnapshot } from "@bazaar/contracts/promotion";
import type { AppContext, Background } from "../env";
import { chooseMarket, knownMarkets, marketOf } from "../markets/state";
import { promotionTag } from "../promotions/display";
import { currentPromotions, promotions } from "../promotions/state";
import { serveEntry } from "./entry";
import { isFailure, load, type Produced } from "./layers";
import { memory } from "./memory";
import { RENDER_VERSION } from "./policy";
import { catalogVersion, currentVersion } from "./version";

const MAX_ALIAS_KEY = 1024;

export interface Resolved {
	/** Canonical path + query (no version): equal filters in any order share one entry. */
	path: string;
	/**
	 * The entry is rendered for the shopper's market (a page: its prices, its header's chooser): its
	 * key also carries the market's code, so each market's page is rendered once per version and
	 * served to every shopper of that market. JSON keyed by its address alone leaves it out.
	 */
	perMarket?: boolean;
	/**
	 * The entry shows promotions (a page: sale prices, badges, countdowns): its key also carries the
	 * promotion tag, so a promotion change, or a sale starting or ending, makes it a new key.
	 */
	promotional?: boolean;
	produce: (version: number, promotions: PromotionSnapshot) => Promise<Produced>;
}

/**
 * The memory key for a URL exactly as requested: the catalog version, the promotion tag (version
 * and starts/ends passed: see promotions/display.ts), the market (markets/state.ts: the same URL
 * is another page in another market), then path and query.
 */
function rawKey(version: number, tag: string, market: string, url: string): string {
	return `/v${version}.${tag}.${RENDER_VERSION}.m-${market}${url.slice(url.indexOf("/", url.indexOf("//") + 2))}`;
}

/**
 * The hot path, run before the router: a GET whose URL (as typed) is in isolate memory under the
 * current version. Memory only ever holds keys that `respondCached` below stored for a URL it had
 * validated, or canonical keys that are themselves such URLs, so answering here is what the
 * route would answer, without building a router context, parsing the URL, or awaiting anything.
 */
export function memoryHit(request: Request, env: Env, ctx: Background): Response | undefined {
	// A request with credentials takes the app, which checks them (a bad token is a 401 everywhere).
	if (request.method !== "GET" || request.headers.has("authorization")) return undefined;
	const version = currentVersion(env, ctx);
	const promo = currentPromotions(env, ctx);
	if (version === null || promo === null) return undefined;
	const markets = knownMarkets(version);
	if (markets === null) return undefined;
	const now = Date.now();
	const market = chooseMarket(markets, request).code;
	const hit = memory.get(rawKey(version, promotionTag(promo, now), market, request.url), now);
	return hit === undefined ? undefined : serveEntry(hit, request, "memory");
}

/**
 * Serves a cacheable catalog read. The fast path is one memory lookup keyed by the version and the
 * URL exactly as requested, so a hot hit skips even query validation; only a miss validates,
 * canonicalises, and walks the lower layers.
 */
export async function respondCached(
	c: AppContext,
	resolve: () => Resolved | Response | Promise<Response>,
	renderFailure: (p: Problem) => Response | Promise<Response>,
): Promise<Response> {
	const request = c.req.raw;
	const versionOrPromise = catalogVersion(c.env, c.executionCtx);
	const version = typeof versionOrPromise === "number" ? versionOrPromise : await versionOrPromise;
	const promoOrPromise = promotions(c.env, c.executionCtx);
	const promo = "then" in promoOrPromise ? await promoOrPromise : promoOrPromise;
	const tag = promotionTag(promo, Date.now());
	const { market } = await marketOf(c);
	const typed = rawKey(version, tag, market.code, request.url);
	const hit = memory.get(typed, Date.now());
	if (hit) return serveEntry(hit, request, "memory");

	const resolved = resolve();
	if (!("produce" in resolved)) return resolved;
	// Catalog JSON does not show promotions: its canonical entry outlives promotion changes.
	const key = `/v${version}.${resolved.promotional ? `${tag}.` : ""}${RENDER_VERSION}${resolved.perMarket ? `.m-${market.code}` : ""}${resolved.path}`;
	const loaded = await load(c.env, c.executionCtx, key, () => resolved.produce(version, promo));
	if (isFailure(loaded)) return renderFailure(loaded.problem);
	// Aliasing the URL as typed makes the next identical request skip validation; very long
	// URLs are not worth a slot each.
	if (key !== typed && typed.length <= MAX_ALIAS_KEY) memory.set(typed, loaded.entry);
	return serveEntry(loaded.entry, request, loaded.layer);
}
