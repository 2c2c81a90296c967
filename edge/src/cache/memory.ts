import type { Entry } from "./entry";
import { MEMORY_MAX_BYTES, MEMORY_MAX_ENTRIES } from "./policy";

/**
 * First level: a small LRU in isolate memory, bounded by entry count and bytes. A Map keeps
 * insertion order, so re-inserting on read makes the first key the least recently used.
 */
export class MemoryCache {
	private readonly map = new Map<string, Entry>();
	private bytes = 0;

	constructor(
		private readonly maxEntries = MEMORY_MAX_ENTRIES,
		private readonly maxBytes = MEMORY_MAX_BYTES,
	) {}

	get(key: string, now: number): Entry | undefined {
		const entry = this.map.get(key);
		if (entry === undefined) return undefined;
		this.map.delete(key);
		if (entry.expiresAt <= now) {
			this.bytes -= entry.body.byteLength;
			return undefined;
		}
		this.map.set(key, entry);
		return entry;
	}

	set(key: string, entry: Entry): void {
		if (entry.body.byteLength > this.maxBytes / 8) return; // one huge entry must not flush the rest
		const old = this.map.get(key);
		if (old) {
			this.map.delete(key);
			this.bytes -= old.body.byteLength;
		}
		this.map.set(key, entry);
		this.bytes += entry.body.byteLength;
		while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
			const oldest = this.map.keys().next();
			if (oldest.done) break;
			const evicted = this.map.get(oldest.value);
			this.map.delete(oldest.value);
			if (evicted) this.bytes -= evicted.body.byteLength;
		}
	}

	clear(): void {
		this.map.clear();
		this.bytes = 0;
	}

	get size(): number {
		return this.map.size;
	}
}

export const memory = new MemoryCache();
