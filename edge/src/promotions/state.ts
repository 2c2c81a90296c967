import { PromotionSnapshot } from "@bazaar/contracts/promotion";
import type { Background } from "../env";
import { coreClient } from "../lib/core";

// The promotions the storefront renders from: the core's snapshot (every enabled activity that
// has not ended, with its sale prices, what it covers and its offers) and the version it was
// read at. Like the catalog version (cache/version.ts), each isolate keeps it in memory and
// re-reads KV's `promotion:version` about once a second in the background; only a new version
// costs a read of the snapshot (from KV, else the core). The core pushes every promotion change
// to /internal/promotion-events, which writes both keys.
//
// Pages never wait for a push to start or end a sale: whether an activity runs is decided from
// its UTC instants and the clock (`promotionTag` puts the number of starts and ends passed into
// every page's cache key, so a page made before a start is simply not asked for after it).

export const PROMOTION_VERSION_KEY = "promotion:version";
export const PROMOTION_SNAPSHOT_KEY = "promotion:snapshot";
const FRESH_MS = 1000;
const STUCK_MS = 10_000;

const EMPTY: PromotionSnapshot = { version: 0, activities: [] };
let known: PromotionSnapshot | null = null;
let checkedAt = 0;
let refreshStartedAt = 0;

/** The snapshot to render with now, without waiting (null while this isolate has none yet). */
export function currentPromotions(env: Env, ctx: Background): PromotionSnapshot | null {
	if (known === null) return null;
	const now = Date.now();
	if (now - checkedAt >= FRESH_MS && now - refreshStartedAt >= STUCK_MS) {
		refreshStartedAt = now;
		ctx.waitUntil(
			refresh(env).finally(() => {
				refreshStartedAt = 0;
			}),
		);
	}
	return known;
}

export function promotions(env: Env, ctx: Background): PromotionSnapshot | Promise<PromotionSnapshot> {
	return currentPromotions(env, ctx) ?? refresh(env);
}

/** Takes a snapshot the core pushed or the KV copy: versions only move forward. */
export function noteSnapshot(snapshot: PromotionSnapshot): void {
	if (known === null || snapshot.version >= known.version) known = snapshot;
	checkedAt = Date.now();
}

/** Forget the isolate's copy (tests: what a fresh isolate sees). */
export function forgetPromotions(): void {
	known = null;
	checkedAt = 0;
}

/** The core's snapshot now (the push handler, and an isolate that finds KV behind). */
export async function fetchSnapshot(env: Env): Promise<PromotionSnapshot> {
	const res = await coreClient(env).request("GET", "/promotion/public/snapshot");
	if (res.status !== 200) throw new Error(`promotion snapshot: core answered ${res.status}`);
	return PromotionSnapshot.parse(await res.json());
}

async function refresh(env: Env): Promise<PromotionSnapshot> {
	try {
		const stored = await env.CATALOG.get(PROMOTION_VERSION_KEY);
		const version = stored !== null && /^\d+$/.test(stored) ? Number(stored) : null;
		if (known !== null && version !== null && version <= known.version) {
			checkedAt = Date.now();
			return known;
		}
		const copy = await env.CATALOG.get(PROMOTION_SNAPSHOT_KEY, "json").catch(() => null);
		const parsed = PromotionSnapshot.safeParse(copy);
		if (parsed.success && (version === null || parsed.data.version >= version)) {
			noteSnapshot(parsed.data);
			return known ?? EMPTY;
		}
		noteSnapshot(await fetchSnapshot(env));
	} catch {
		// KV or the core unreachable: keep rendering what we have (or no promotions) and retry soon.
		checkedAt = Date.now() - FRESH_MS / 2;
		if (known === null) known = EMPTY;
	}
	return known ?? EMPTY;
}
