import type { Redis } from "ioredis";
import { closeRedis, connectRedis } from "./redis";

// Fire-and-forget fan-out between core instances over Redis pub/sub. Delivery is best effort
// by design: pub/sub drops messages for a subscriber that is down, which is why every consumer
// here also has a slower safety net (the cache's periodic version check).

export type Listener = (message: string) => void;

export interface PubSub {
	publish(channel: string, message: string): void;
	subscribe(channel: string, listener: Listener): Promise<void>;
	close(): Promise<void>;
}

export function redisPubSub(url: string): PubSub {
	const pub: Redis = connectRedis(url, "pub");
	const sub: Redis = connectRedis(url, "sub", { offlineQueue: true });
	const listeners = new Map<string, Set<Listener>>();
	sub.on("message", (channel: string, message: string) => {
		for (const listener of listeners.get(channel) ?? []) {
			try {
				listener(message);
			} catch (err) {
				console.error(`pub/sub listener on ${channel} failed:`, err);
			}
		}
	});
	return {
		publish(channel, message) {
			pub.publish(channel, message).catch(() => {
				// Redis is down: the 'error' listener already logged it; peers fall back to polling.
			});
		},
		async subscribe(channel, listener) {
			let set = listeners.get(channel);
			if (!set) {
				set = new Set();
				listeners.set(channel, set);
				await sub.subscribe(channel);
			}
			set.add(listener);
		},
		async close() {
			await Promise.all([closeRedis(pub), closeRedis(sub)]);
		},
	};
}
