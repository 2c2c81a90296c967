import { CatalogEvent } from "@bazaar/contracts";
import type { Redis } from "ioredis";
import { VersionedCache } from "../lib/cache";
import { type FetchFn, OutboxRelay } from "../lib/outbox-relay";
import { type PubSub, redisPubSub } from "../lib/pubsub";
import { closeRedis, connectRedis } from "../lib/redis";
import { type Catalog, openCatalog, readVersion } from "./context";

// Wires the catalog together: its database, its read cache, and the outbox relay that tells
// the cache (here and on other instances) and the edge about every change.

export const CATALOG_CHANNEL = "bazaar:catalog:events";

export interface CatalogModuleOptions {
	dbUrl: string;
	imagesDir: string;
	redisUrl?: string | null;
	/** Where catalog events are pushed (the edge), or null for none. */
	edge?: { url: string; secret: string } | null;
	migrate?: boolean;
	cache?: {
		maxEntries?: number;
		ttlMs?: number;
		redisTtlSeconds?: number;
		versionCheckMs?: number;
		namespace?: string;
	};
	relay?: { pollMs?: number; minBackoffMs?: number; maxBackoffMs?: number; batchSize?: number };
	fetch?: FetchFn;
}

export interface CatalogModule {
	catalog: Catalog;
	cache: VersionedCache;
	relay: OutboxRelay<CatalogEvent>;
	/** Resolves once cross-instance invalidation is listening (immediately without Redis). */
	ready: Promise<void>;
	start(): void;
	stop(): Promise<void>;
}

export async function createCatalogModule(options: CatalogModuleOptions): Promise<CatalogModule> {
	const catalog = await openCatalog({ url: options.dbUrl, imagesDir: options.imagesDir, migrate: options.migrate });
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
	const relay = new OutboxRelay<CatalogEvent>({
		database: catalog.database,
		channel: CATALOG_CHANNEL,
		pubsub,
		push: options.edge
			? {
					url: new URL("/internal/catalog-events", options.edge.url).toString(),
					secret: options.edge.secret,
					caller: { user: "core", roles: ["service"] },
					envelope: (events) => ({ events }),
				}
			: null,
		pollMs: options.relay?.pollMs,
		minBackoffMs: options.relay?.minBackoffMs,
		maxBackoffMs: options.relay?.maxBackoffMs,
		batchSize: options.relay?.batchSize,
		fetch: options.fetch,
	});

	const observe = (events: CatalogEvent[]) => {
		for (const e of events) if (e.type.startsWith("catalog.")) cache.observe(e.version);
	};
	relay.subscribe(observe);
	// After a local commit: publish before acknowledging, so this instance reads its own write.
	// (A backlog, e.g. the seed's events before the relay first ran, is drained in order.)
	catalog.afterCommit.push(async () => {
		while ((await relay.publishPending()) >= relay.batchSize) {}
		relay.kick();
	});
	const ready = pubsub
		? pubsub.subscribe(CATALOG_CHANNEL, (message) => {
				const parsed = CatalogEvent.array().safeParse(safeJson(message));
				if (parsed.success) observe(parsed.data);
			})
		: Promise.resolve();
	ready.catch((err) => console.warn("catalog pub/sub subscription failed:", err));
	await cache.refreshVersion();

	return {
		catalog,
		cache,
		relay,
		ready,
		start() {
			cache.start();
			relay.start();
		},
		async stop() {
			cache.stop();
			await relay.stop();
			await Promise.all([pubsub?.close(), redis ? closeRedis(redis) : undefined]);
			await catalog.database.close();
		},
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}
