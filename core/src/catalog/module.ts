import type { Redis } from "ioredis";
import { VersionedCache } from "../lib/cache";
import type { ReplicaOptions } from "../lib/db";
import { redactError } from "../lib/errors";
import { type PubSub, redisPubSub } from "../lib/pubsub";
import { closeRedis, connectRedis } from "../lib/redis";
import { watchCache } from "../observability/metrics";
import { type Catalog, openCatalog, readVersion } from "./context";

// Wires the catalog together: its database and its read cache, which follows every write here at
// once and on the other instances through Redis pub/sub (the new version number; the cache's
// periodic version check is the safety net). The edge hears of changes from the bus
// (workflows/edge-push.ts).

export const CATALOG_CHANNEL = "bazaar:catalog:events";

export interface CatalogModuleOptions {
	dbUrl: string;
	/** An embedded replica for reads (a remote dbUrl only). */
	replica?: ReplicaOptions | null;
	imagesDir: string;
	redisUrl?: string | null;
	migrate?: boolean;
	cache?: {
		maxEntries?: number;
		ttlMs?: number;
		redisTtlSeconds?: number;
		versionCheckMs?: number;
		namespace?: string;
	};
}

export interface CatalogModule {
	catalog: Catalog;
	cache: VersionedCache;
	/** Resolves once cross-instance invalidation is listening (immediately without Redis). */
	ready: Promise<void>;
	start(): void;
	stop(): Promise<void>;
}

export async function createCatalogModule(options: CatalogModuleOptions): Promise<CatalogModule> {
	const catalog = await openCatalog({
		url: options.dbUrl,
		replica: options.replica,
		imagesDir: options.imagesDir,
		migrate: options.migrate,
	});
	const redis: Redis | null = options.redisUrl ? connectRedis(options.redisUrl, "cache") : null;
	const pubsub: PubSub | null = options.redisUrl ? redisPubSub(options.redisUrl) : null;
	const cache = new VersionedCache({
		namespace: options.cache?.namespace ?? "catalog",
		readVersion: () => readVersion(catalog),
		redis,
		maxEntries: options.cache?.maxEntries,
		ttlMs: options.cache?.ttlMs,
		redisTtlSeconds: options.cache?.redisTtlSeconds,
		versionCheckMs: options.cache?.versionCheckMs,
	});
	watchCache(cache.namespace, cache);
	// After a local commit, before it is acknowledged: this instance reads its own write.
	catalog.afterCommit.push((version) => {
		cache.observe(version);
		pubsub?.publish(CATALOG_CHANNEL, String(version));
	});
	const ready = pubsub
		? pubsub.subscribe(CATALOG_CHANNEL, (message) => {
				if (!/^\d{1,15}$/.test(message)) return;
				// With a replica, pull the write first: entries built for the new version must show it.
				catalog.database
					.sync()
					.catch((err) => console.warn(`catalog replica sync failed: ${redactError(err)}`))
					.then(() => cache.observe(Number(message)));
			})
		: Promise.resolve();
	ready.catch((err) => console.warn("catalog pub/sub subscription failed:", err));
	await cache.refreshVersion();

	return {
		catalog,
		cache,
		ready,
		start() {
			cache.start();
		},
		async stop() {
			cache.stop();
			await Promise.all([pubsub?.close(), redis ? closeRedis(redis) : undefined]);
			await catalog.database.close();
		},
	};
}
