// How long each layer keeps a catalog entry. Keys carry the catalog version, so a change is a new
// key and these TTLs only bound memory and storage use; they are not what makes a change visible.

/** Isolate memory: found entries, and "not found" answers (kept briefly). */
export const MEMORY_TTL_MS = 5 * 60_000;
export const NEGATIVE_TTL_S = 30;
/** caches.default (per location). */
export const EDGE_CACHE_TTL_S = 60 * 60;
/** KV snapshots (global, eventually consistent); KV's minimum expirationTtl is 60 s. */
export const KV_TTL_S = 24 * 60 * 60;
/** Isolate-memory bounds: a Worker isolate has 128 MB in all. */
export const MEMORY_MAX_ENTRIES = 1000;
export const MEMORY_MAX_BYTES = 16 * 1024 * 1024;

/**
 * What browsers and shared caches in front of us may do. The public URL is not versioned, so
 * freshness is short; revalidation is a cheap 304 thanks to the ETag.
 */
export const CLIENT_CACHE_FOUND = "public, max-age=10, stale-while-revalidate=60";
export const CLIENT_CACHE_NOT_FOUND = `public, max-age=${NEGATIVE_TTL_S}`;

/**
 * Storefront pages differ by market (markets/state.ts) at one address: the market comes from a
 * cookie or the shopper's country, which no shared cache in front of us can key on. `Vary: Cookie`
 * would be honest but useless (every cookie splits the entry, and the country is no header at
 * all), so pages are `private`: no shared cache stores them, and `no-cache` makes the browser
 * revalidate each time with the ETag, which the edge answers with a 304 from the market's own
 * entry (a market switch changes the ETag). Our own layers key the entry on the market.
 */
export const CLIENT_CACHE_PAGE = "private, no-cache";

/**
 * Part of every cache key next to the catalog version. Entries live in KV for a day and the
 * Cache API for an hour, across deploys: bump this when a page template or a cached JSON shape
 * changes, or the new Worker serves what the old one rendered until the catalog next changes.
 */
export const RENDER_VERSION = "r6";
