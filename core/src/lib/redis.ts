import { Redis } from "ioredis";

// Redis is optional (REDIS_URL). Whatever it does, an outage must degrade to "no second-level
// cache, no cross-instance push" and never crash the process: every connection gets an 'error'
// listener (an unhandled 'error' event would throw), and reads fail fast instead of queueing.

const lastLogged = new Map<string, number>();

function logThrottled(name: string, err: Error) {
	const now = Date.now();
	if (now - (lastLogged.get(name) ?? 0) < 30_000) return;
	lastLogged.set(name, now);
	console.warn(`[redis:${name}] ${err.message}`);
}

export interface RedisConnectOptions {
	/** Queue commands while disconnected (needed for SUBSCRIBE); caches want fail-fast instead. */
	offlineQueue?: boolean;
}

export function connectRedis(url: string, name: string, options: RedisConnectOptions = {}): Redis {
	const redis = new Redis(url, {
		connectionName: `bazaar-core-${name}`,
		enableOfflineQueue: options.offlineQueue ?? false,
		// A subscriber waits for Redis to come back (and then resubscribes); a cache read gives up.
		maxRetriesPerRequest: options.offlineQueue ? null : 1,
		connectTimeout: 2_000,
		commandTimeout: options.offlineQueue ? undefined : 500,
		retryStrategy: (times) => Math.min(times * 200, 5_000),
	});
	redis.on("error", (err: Error) => logThrottled(name, err));
	return redis;
}

/** Resolves once the connection is ready, or false after `timeoutMs`. */
export function waitForRedis(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
	if (redis.status === "ready") return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			redis.off("ready", onReady);
			resolve(false);
		}, timeoutMs);
		const onReady = () => {
			clearTimeout(timer);
			resolve(true);
		};
		redis.once("ready", onReady);
	});
}

export async function closeRedis(redis: Redis): Promise<void> {
	try {
		await redis.quit();
	} catch {
		redis.disconnect();
	}
}
