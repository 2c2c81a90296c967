import { CatalogEventBatch, problemResponse, zodProblem } from "@bazaar/contracts";
import { Hono } from "hono";
import { z } from "zod";
import { noteVersion, VERSION_KEY } from "../cache/version";
import type { AppEnv } from "../env";
import { apiProblem } from "../lib/problems";
import { bufferBody } from "../middleware/body";
import { requireCoreSignature } from "../middleware/core-signature";
import { fetchSnapshot, noteSnapshot, PROMOTION_SNAPSHOT_KEY, PROMOTION_VERSION_KEY } from "../promotions/state";

// The core pushes catalog.* events here after every write. Cache keys carry the catalog version,
// so "purging" is one KV write of the new version: older entries simply stop being asked for.
// KV takes about one write per second per key; a refused write answers 503 and the core retries.

export const internalEvents = new Hono<AppEnv>()
	// The core pushes every promotion change here (its version). The edge reads the snapshot
	// once, keeps it in KV for every isolate, and pages keyed on the new version follow.
	.post("/internal/promotion-events", bufferBody(64 * 1024), requireCoreSignature("service"), async (c) => {
		let json: unknown;
		try {
			json = JSON.parse(new TextDecoder().decode(c.get("body")));
		} catch {
			return apiProblem(400, "The body is not JSON.");
		}
		const pushed = PromotionPush.safeParse(json);
		if (!pushed.success) return problemResponse(zodProblem(pushed.error, "Not a promotion event."));
		let snapshot: Awaited<ReturnType<typeof fetchSnapshot>>;
		try {
			snapshot = await fetchSnapshot(c.env);
		} catch {
			return apiProblem(
				503,
				"The promotion snapshot could not be read from the core; retry.",
				{},
				{ "retry-after": "1" },
			);
		}
		try {
			await c.env.CATALOG.put(PROMOTION_SNAPSHOT_KEY, JSON.stringify(snapshot));
			await c.env.CATALOG.put(PROMOTION_VERSION_KEY, String(snapshot.version));
		} catch {
			return apiProblem(503, "The version store is busy; retry.", {}, { "retry-after": "1" });
		}
		noteSnapshot(snapshot);
		return c.json({ ok: true, version: snapshot.version }, 200, { "cache-control": "no-store" });
	})
	.post("/internal/catalog-events", bufferBody(1024 * 1024), requireCoreSignature("service"), async (c) => {
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
	});

const PromotionPush = z.object({ version: z.number().int().min(0) });
