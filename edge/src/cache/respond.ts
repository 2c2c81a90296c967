import type { Problem } from "@bazaar/contracts";
import type { AppContext } from "../env";
import { serveEntry } from "./entry";
import { isFailure, load, type Produced } from "./layers";
import { memory } from "./memory";
import { catalogVersion } from "./version";

const MAX_ALIAS_KEY = 1024;

export interface Resolved {
	/** Canonical path + query (no version): equal filters in any order share one entry. */
	path: string;
	produce: (version: number) => Promise<Produced>;
}

/**
 * Serves a cacheable catalog read. The fast path is one memory lookup keyed by the version and the
 * URL exactly as requested, so a hot hit skips even query validation; only a miss validates,
 * canonicalises, and walks the lower layers.
 */
export async function respondCached(
	c: AppContext,
	resolve: () => Resolved | Response | Promise<Response>,
	renderFailure: (p: Problem) => Response | Promise<Response>,
): Promise<Response> {
	const request = c.req.raw;
	const versionOrPromise = catalogVersion(c.env, c.executionCtx);
	const version = typeof versionOrPromise === "number" ? versionOrPromise : await versionOrPromise;
	const url = request.url;
	const rawKey = `/v${version}${url.slice(url.indexOf("/", url.indexOf("//") + 2))}`;
	const hit = memory.get(rawKey, Date.now());
	if (hit) return serveEntry(hit, request, "memory");

	const resolved = resolve();
	if (!("produce" in resolved)) return resolved;
	const key = `/v${version}${resolved.path}`;
	const loaded = await load(c.env, c.executionCtx, key, () => resolved.produce(version));
	if (isFailure(loaded)) return renderFailure(loaded.problem);
	// Aliasing the URL as typed makes the next identical request skip validation; very long
	// URLs are not worth a slot each.
	if (key !== rawKey && rawKey.length <= MAX_ALIAS_KEY) memory.set(rawKey, loaded.entry);
	return serveEntry(loaded.entry, request, loaded.layer);
}
