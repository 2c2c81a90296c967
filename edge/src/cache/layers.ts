import type { Problem } from "@bazaar/contracts";
import type { Background } from "../env";
import { sha256Hex } from "../lib/bytes";
import { type Entry, type Layer, makeEntry } from "./entry";
import { memory } from "./memory";
import { EDGE_CACHE_TTL_S, KV_TTL_S, NEGATIVE_TTL_S } from "./policy";

// The read path below isolate memory: Cache API (per location) → KV snapshot (global) → the
// producer (the core, or a page rendered from cached JSON). Whatever answers fills the layers
// above it in the background (ctx.waitUntil), so the shopper never waits for a cache write.

/** An answer that must not be cached (bad input the core caught, core down): rendered per route. */
export interface Failure {
	problem: Problem;
}
export type Produced = Entry | Failure;
export interface Loaded {
	entry: Entry;
	layer: Layer;
}

export function isFailure<T extends object>(x: T | Failure): x is Failure {
	return "problem" in x;
}

const CACHE_ORIGIN = "https://cache.bazaar.internal";
const KV_KEY_MAX = 480; // KV allows 512 bytes
interface SnapshotMeta {
	etag: string;
	contentType: string;
}

const inflight = new Map<string, Promise<Loaded | Failure>>();

/**
 * Loads `key` (which starts with `/v<version>`) from the nearest layer that has it. Concurrent
 * misses for one key in an isolate share one fill, so a burst on a cold key is one core call.
 */
export function load(env: Env, ctx: Background, key: string, produce: () => Promise<Produced>) {
	const hit = memory.get(key, Date.now());
	if (hit) return Promise.resolve<Loaded>({ entry: hit, layer: "memory" });
	let pending = inflight.get(key);
	if (!pending) {
		pending = fill(env, ctx, key, produce).finally(() => inflight.delete(key));
		inflight.set(key, pending);
	}
	return pending;
}

async function fill(env: Env, ctx: Background, key: string, produce: () => Promise<Produced>) {
	const cache = caches.default;
	const cacheUrl = CACHE_ORIGIN + key;
	const cached = await cache.match(cacheUrl);
	if (cached) {
		const entry = makeEntry(
			cached.status,
			new Uint8Array(await cached.arrayBuffer()),
			cached.headers.get("content-type") ?? "application/octet-stream",
			cached.headers.get("etag") ?? '""',
		);
		memory.set(key, entry);
		return { entry, layer: "cache" } satisfies Loaded;
	}

	const kvKey = await snapshotKey(key);
	const snap = await env.CATALOG.getWithMetadata<SnapshotMeta>(kvKey, { type: "arrayBuffer" });
	if (snap.value !== null && snap.metadata) {
		const entry = makeEntry(200, new Uint8Array(snap.value), snap.metadata.contentType, snap.metadata.etag);
		memory.set(key, entry);
		ctx.waitUntil(putCache(cache, cacheUrl, entry));
		return { entry, layer: "kv" } satisfies Loaded;
	}

	const produced = await produce();
	if (isFailure(produced)) return produced;
	memory.set(key, produced);
	ctx.waitUntil(putCache(cache, cacheUrl, produced));
	// "Not found" stays out of KV: it is cheap to ask again and must not outlive a quick fix.
	if (produced.status === 200) ctx.waitUntil(putSnapshot(env, kvKey, produced));
	return { entry: produced, layer: "core" } satisfies Loaded;
}

async function snapshotKey(key: string): Promise<string> {
	const plain = `snap:${key}`;
	return plain.length <= KV_KEY_MAX ? plain : `snap:#${await sha256Hex(new TextEncoder().encode(key))}`;
}

async function putCache(cache: Cache, url: string, entry: Entry): Promise<void> {
	const ttl = entry.status === 200 ? EDGE_CACHE_TTL_S : NEGATIVE_TTL_S;
	const res = new Response(entry.body, {
		status: entry.status,
		headers: { "content-type": entry.contentType, etag: entry.etag, "cache-control": `public, max-age=${ttl}` },
	});
	await cache.put(url, res).catch(() => {});
}

async function putSnapshot(env: Env, kvKey: string, entry: Entry): Promise<void> {
	const metadata: SnapshotMeta = { etag: entry.etag, contentType: entry.contentType };
	// A failed snapshot write (rate limit, outage) only costs a later core read.
	await env.CATALOG.put(kvKey, entry.body, { expirationTtl: KV_TTL_S, metadata }).catch(() => {});
}

/** Test hook: drop the isolate's entries so the next read shows which lower layer answers. */
export function clearIsolateMemory(): void {
	memory.clear();
}
