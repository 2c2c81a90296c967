import type { Background } from "../env";
import { coreClient } from "../lib/core";

// The catalog version is the first part of every cache key. Its home is KV (`catalog:version`),
// written when the core pushes catalog events; each isolate keeps it in memory for about a
// second, so the hot path costs no I/O and a change still reaches every isolate in seconds.

export const VERSION_KEY = "catalog:version";
const FRESH_MS = 1000;

let known = -1;
let checkedAt = 0;
let loading: Promise<number> | null = null;

export function catalogVersion(env: Env, ctx: Background): number | Promise<number> {
	if (Date.now() - checkedAt < FRESH_MS) return known;
	loading ??= refresh(env, ctx).finally(() => {
		loading = null;
	});
	return loading;
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
	const stored = await env.CATALOG.get(VERSION_KEY);
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
