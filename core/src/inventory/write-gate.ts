import { resolve } from "node:path";

// The native libSQL driver runs statements synchronously. When two connections of ONE process
// both want the write lock, the second one's busy handler spins inside that synchronous call:
// the event loop stops, the first transaction can never reach its COMMIT, and both wait out the
// full busy timeout (5 s) before SQLITE_BUSY. So write transactions on the same database file
// take turns inside a process (whatever client they use); between processes SQLite's own lock
// and busy timeout still arbitrate, because there the lock holder keeps running.

const tails = new Map<string, Promise<void>>();

/** Runs `fn` once every earlier call with the same key has settled. */
export async function withWriteGate<T>(key: string, fn: () => Promise<T>): Promise<T> {
	const previous = tails.get(key) ?? Promise.resolve();
	let release!: () => void;
	const mine = new Promise<void>((resolve) => {
		release = resolve;
	});
	const tail = previous.then(() => mine);
	tails.set(key, tail);
	await previous;
	try {
		return await fn();
	} finally {
		release();
		if (tails.get(key) === tail) tails.delete(key);
	}
}

/** One key per database file, however its URL is spelled; remote databases key by URL. */
export function gateKey(url: string): string {
	if (!url.startsWith("file:")) return url;
	const path = url.slice("file:".length).split("?")[0] ?? "";
	return `file:${resolve(path.replace(/^\/\/(localhost)?/, ""))}`;
}
