import { LRUCache } from "lru-cache";
import type { PubSub } from "../lib/pubsub";
import type { Role } from "./schema";

// The authoritative answer to "is this edge session still good?" (DESIGN.md flow 2). KV at the
// edge is eventually consistent, so "log out everywhere" cannot rely on deleting KV entries;
// instead every session carries the user's generation and the edge asks here. The answer is
// cached per user; a bump drops the entry on this instance at once and on the others through
// Redis pub/sub, and the TTL bounds staleness when pub/sub drops a message.

export const SESSION_CHANNEL = "bazaar:identity:sessions";

export interface SessionState {
	generation: number;
	roles: Role[];
}

export interface SessionCacheOptions {
	max?: number;
	ttlMs?: number;
}

export class SessionCache {
	private readonly lru: LRUCache<string, SessionState>;
	/**
	 * Bumped by every invalidation: a load that started before one must not store what it read,
	 * or an old generation read just before the bump committed would be cached after it.
	 */
	private epoch = 0;
	readonly stats = { hits: 0, loads: 0 };

	constructor(
		private readonly load: (userId: string) => Promise<SessionState | null>,
		private readonly pubsub: PubSub | null,
		options: SessionCacheOptions = {},
	) {
		this.lru = new LRUCache({ max: options.max ?? 100_000, ttl: options.ttlMs ?? 10_000 });
	}

	async get(userId: string): Promise<SessionState | null> {
		const hit = this.lru.get(userId);
		if (hit) {
			this.stats.hits++;
			return hit;
		}
		const epoch = this.epoch;
		this.stats.loads++;
		const state = await this.load(userId);
		if (state && epoch === this.epoch) this.lru.set(userId, state);
		return state;
	}

	/** After a committed change of a user's generation or roles. */
	invalidate(userId: string): void {
		this.drop(userId);
		this.pubsub?.publish(SESSION_CHANNEL, userId);
	}

	/** Listens for other instances' invalidations. */
	listen(): Promise<void> {
		return this.pubsub ? this.pubsub.subscribe(SESSION_CHANNEL, (userId) => this.drop(userId)) : Promise.resolve();
	}

	private drop(userId: string) {
		this.epoch++;
		this.lru.delete(userId);
	}
}
