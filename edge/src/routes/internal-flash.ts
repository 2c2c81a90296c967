import { problemResponse, zodProblem } from "@bazaar/contracts";
import { FlashReturnBatch } from "@bazaar/contracts/flash";
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { returnExpired } from "../flash/items";
import { apiProblem } from "../lib/problems";
import { bufferBody } from "../middleware/body";
import { requireCoreSignature } from "../middleware/core-signature";

// The core gives back the units of flash reservations that expired unpaid (edge/src/flash/items.ts
// returnExpired): each id is counted once, so the bus's redeliveries return nothing twice.

export const internalFlash = new Hono<AppEnv>().post(
	"/internal/flash/returns",
	bufferBody(1024 * 1024),
	requireCoreSignature("service"),
	async (c) => {
		let json: unknown;
		try {
			json = JSON.parse(new TextDecoder().decode(c.get("body")));
		} catch {
			return apiProblem(400, "The body is not JSON.");
		}
		const batch = FlashReturnBatch.safeParse(json);
		if (!batch.success) return problemResponse(zodProblem(batch.error, "Not a flash return batch."));
		const result = await returnExpired(c.env, batch.data);
		return c.json(result, 200, { "cache-control": "no-store" });
	},
);
