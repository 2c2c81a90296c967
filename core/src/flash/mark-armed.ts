import type { FlashItem } from "@bazaar/contracts/flash";
import { sql } from "drizzle-orm";
import { ConflictError, NotFoundError } from "../lib/errors";
import { type FlashContext, flashWrite, iso } from "./context";
import { loadItem } from "./records";

/**
 * draft → armed, recording the inventory hold that took its quota. Armed again with the same hold:
 * answered as it stands (the arm workflow is safe to repeat); a closed item cannot be armed.
 */
export function markArmed(ctx: FlashContext, id: string, holdId: string): Promise<FlashItem> {
	const at = iso(ctx.now());
	return flashWrite(ctx, async (tx) => {
		await tx.run(sql`UPDATE flash_items SET status = 'armed', hold_id = ${holdId}, armed_at = ${at}, updated_at = ${at}
			WHERE id = ${id} AND status = 'draft'`);
		const item = await loadItem(tx, id);
		if (!item) throw new NotFoundError(`Flash-sale item ${id}`);
		if (item.status !== "armed" || item.holdId !== holdId) {
			throw new ConflictError(`Flash-sale item ${id} is ${item.status}; it cannot be armed.`);
		}
		return item;
	});
}
