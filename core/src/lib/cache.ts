import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";

// The core's read cache (DESIGN.md flow 1): an in-process LRU first, Redis second (shared by
// every core instance), the database last. Values are the response bytes already serialised,
// with their ETag, so a hit costs a map lookup and `new Response(body)`.
//
// Keys carry the catalog version. A change bumps the version, so the next read asks for a new
// key instead of racing a purge; old entries simply stop being asked for and expire (TTL) or
// get evicted. The version moves forward three ways: directly after a local write, through
// events from other instances (Redis pub/sub), and a cheap periodic version read that catches
// anything pub/sub dropped.

export interface CachedBody {
	/** UTF-8 bytes, encoded once: a string body would be re-encoded on every response. */
	body: Uint8Array;
	etag: string;
}

export type CacheSource = "memory" | "redis" | "origin";

export interface VersionedCacheOptions {
	namespace: string;
	readVersion: () => Promise<number>;
	/** First level: entries and total bytes. */
	maxEntries?: number;
	maxBytes?: number;
	ttlMs?: number;
	/** Second level, when configured. */
	redis?: Redis | null;
	redisTtlSeconds?: number;
	versionCheckMs?: number;
}

const encoder = new TextEncoder();

export class VersionedCache {
	version = -1;
	readonly stats = { memory: 0, redis: 0, origin: 0 };
	private readonly lru: LRUCache<string, CachedBody>;
	private readonly inflight = new Map<string, Promise<CachedBody>>();
	private readonly redis: Redis | null;
	private readonly redisTtl: number;
	private timer: ReturnType<typeof setInterval> | null = null;

	get namespace(): string {
		return this.options.namespace;
	}

	constructor(private readonly options: VersionedCacheOptions) {
		this.lru = new LRUCache<string, CachedBody>({
			max: options.maxEntries ?? 10_000,
			maxSize: options.maxBytes ?? 64 * 1024 * 1024,
			sizeCalculation: (v) => v.body.byteLength + v.etag.length + 64,
			ttl: options.ttlMs ?? 5 * 60_000,
		});
		this.redis = options.redis ?? null;
		this.redisTtl = options.redisTtlSeconds ?? 600;
	}

	/** Moves to `version` if it is newer; older entries become unreachable at once. */
	observe(version: number): void {
		if (version <= this.version) return;
		this.version = version;
		this.lru.clear();
	}

	async refreshVersion(): Promise<number> {
		this.observe(await this.options.readVersion());
		return this.version;
	}

	/** Starts the periodic version check (the safety net under pub/sub). */
	start(): void {
		if (this.timer) return;
		const every = this.options.versionCheckMs ?? 2_000;
		this.timer = setInterval(() => {
			this.refreshVersion().catch((err) => console.error("cache version check failed:", err));
		}, every);
		this.timer.unref?.();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	/** The first-level entry for `key` at the current version, if there is one; no I/O. */
	peek(key: string): CachedBody | undefined {
		if (this.version < 0) return undefined;
		const hit = this.lru.get(`bazaar:${this.options.namespace}:v${this.version}:${key}`);
		if (hit) this.stats.memory++;
		return hit;
	}

	/**
	 * The cached bytes for `key` at the current version, building them with `build` on a miss.
	 * Concurrent misses on one key share one build. A failing build is not cached.
	 */
	async get(key: string, build: () => Promise<string>): Promise<CachedBody & { source: CacheSource }> {
		if (this.version < 0) await this.refreshVersion();
		const version = this.version;
		const fullKey = `bazaar:${this.options.namespace}:v${version}:${key}`;
		const hit = this.lru.get(fullKey);
		if (hit) {
			this.stats.memory++;
			return { ...hit, source: "memory" };
		}
		let pending = this.inflight.get(fullKey);
		let source: CacheSource = "origin";
		if (!pending) {
			pending = this.load(fullKey, build, (s) => {
				source = s;
			});
			this.inflight.set(fullKey, pending);
			pending.then(
				() => this.inflight.delete(fullKey),
				() => this.inflight.delete(fullKey),
			);
		} else {
			source = "memory";
		}
		const value = await pending;
		// Another instance may have moved the version on while this one built; never store an
		// entry under a key the cache already left behind.
		if (version === this.version) this.lru.set(fullKey, value);
		return { ...value, source };
	}

	private async load(
		fullKey: string,
		build: () => Promise<string>,
		said: (s: CacheSource) => void,
	): Promise<CachedBody> {
		if (this.redis) {
			const stored = await this.redisGet(fullKey);
			if (stored) {
				this.stats.redis++;
				said("redis");
				return stored;
			}
		}
		const text = await build();
		const value = { body: encoder.encode(text), etag: etagOf(text) };
		this.stats.origin++;
		said("origin");
		if (this.redis) {
			this.redis.set(fullKey, `${value.etag}\n${text}`, "EX", this.redisTtl).catch(() => {
				// Redis is optional; its 'error' listener logs outages.
			});
		}
		return value;
	}

	private async redisGet(fullKey: string): Promise<CachedBody | null> {
		try {
			const raw = await (this.redis as Redis).get(fullKey);
			if (!raw) return null;
			const cut = raw.indexOf("\n");
			return cut > 0 ? { etag: raw.slice(0, cut), body: encoder.encode(raw.slice(cut + 1)) } : null;
		} catch {
			return null;
		}
	}

	clear(): void {
		this.lru.clear();
	}
}

export function etagOf(body: string): string {
	return `"${Bun.hash(body).toString(36)}-${body.length.toString(36)}"`;
}

/** Does an If-None-Match header match this ETag (weak comparison, as RFC 9110 asks for GET)? */
export function etagMatches(header: string | null | undefined, etag: string): boolean {
	if (!header) return false;
	const bare = etag.replace(/^W\//, "");
	return header.split(",").some((part) => {
		const t = part.trim();
		return t === "*" || t.replace(/^W\//, "") === bare;
	});
}
