import { CatalogEventBatch, problemResponse, zodProblem } from "@bazaar/contracts";
import { Hono } from "hono";
import { noteVersion, VERSION_KEY } from "../cache/version";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";
import { bufferBody } from "../middleware/body";
import { requireCoreSignature } from "../middleware/core-signature";

// The core pushes catalog.* events here after every write. Cache keys carry the catalog version,
// so "purging" is one KV write of the new version: older entries simply stop being asked for.
// KV takes about one write per second per key; a refused write answers 503 and the core retries.

export const internalEvents = new Hono<AppEnv>().post(
	"/internal/catalog-events",
	bufferBody(1024 * 1024),
	requireCoreSignature("service"),
	async (c) => {
		let json: unknown;
		try {
			json = JSON.parse(new TextDecoder().decode(c.get("body")));
		} catch {
			return apiProblem(400, "The body is not JSON.");
		}
		const batch = CatalogEventBatch.safeParse(json);
		if (!batch.success) return problemResponse(zodProblem(batch.error, "Not a catalog event batch."));
		const incoming = Math.max(...batch.data.events.map((e) => e.version));
		const storedText = await c.env.CATALOG.get(VERSION_KEY);
		const stored = storedText !== null && /^\d+$/.test(storedText) ? Number(storedText) : -1;
		if (incoming > stored) {
			try {
				await c.env.CATALOG.put(VERSION_KEY, String(incoming));
			} catch {
				return apiProblem(503, "The version store is busy; retry.", {}, { "retry-after": "1" });
			}
		}
		const version = Math.max(incoming, stored);
		noteVersion(version);
		return c.json({ ok: true, version, events: batch.data.events.length }, 200, { "cache-control": "no-store" });
	},
);
