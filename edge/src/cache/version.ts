import type { Background } from "../env";
import { coreClient } from "../lib/core";

// The catalog version is the first part of every cache key. Its home is KV (`catalog:version`),
// written when the core pushes catalog events; each isolate keeps it in memory for about a
// second, so the hot path costs no I/O and a change still reaches every isolate in seconds.
//
// When the second is up, one request starts a re-read in the background (its waitUntil) and every
// request, that one included, goes on with the version it knows: a hit never waits on KV, and no
// request awaits I/O that belongs to another request. (A re-read shared by every waiting request
// made workerd throw "Cannot perform I/O on behalf of a different request" at all of them under
// load, and one failed KV read failed them all: bursts of 500s.) Only an isolate that knows no
// version yet waits, each request for its own read.

export const VERSION_KEY = "catalog:version";
const FRESH_MS = 1000;

/** A re-read that has not settled after this long (its request torn down) no longer blocks the next. */
const STUCK_MS = 10_000;

let known = -1;
let checkedAt = 0;
let refreshStartedAt = 0;

/**
 * The version to key reads with now, without waiting: null while this isolate knows none yet
 * (then `catalogVersion` must be awaited). A stale one starts one background re-read.
 */
export function currentVersion(env: Env, ctx: Background): number | null {
	if (known < 0) return null;
	const now = Date.now();
	if (now - checkedAt >= FRESH_MS && now - refreshStartedAt >= STUCK_MS) {
		refreshStartedAt = now;
		ctx.waitUntil(
			refresh(env, ctx).finally(() => {
				refreshStartedAt = 0;
			}),
		);
	}
	return known;
}

export function catalogVersion(env: Env, ctx: Background): number | Promise<number> {
	return currentVersion(env, ctx) ?? refresh(env, ctx);
}

/** Versions only move forward: a lagging KV replica must not take an isolate back in time. */
export function noteVersion(version: number): void {
	if (version > known) known = version;
	checkedAt = Date.now();
}

export function knownVersion(): number {
	return known;
}

/** Forget the isolate's copy (tests use it to see what a fresh isolate sees). */
export function forgetVersion(): void {
	known = -1;
	checkedAt = 0;
}

async function refresh(env: Env, ctx: Background): Promise<number> {
	let stored: string | null;
	try {
		stored = await env.CATALOG.get(VERSION_KEY);
	} catch {
		// KV unreachable: the core can still tell.
		stored = null;
	}
	if (stored !== null && /^\d+$/.test(stored)) {
		noteVersion(Number(stored));
		return known;
	}
	// No event has arrived yet (a fresh deployment): ask the core once and remember it in KV.
	try {
		const version = await coreClient(env).catalogVersion();
		noteVersion(version);
		ctx.waitUntil(env.CATALOG.put(VERSION_KEY, String(known)).catch(() => {}));
	} catch {
		// Core unreachable: serve what the caches hold under the last known version and retry soon.
		checkedAt = Date.now() - FRESH_MS / 2;
		if (known < 0) known = 0;
	}
	return known;
}
