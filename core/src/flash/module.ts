import type { CreateFlashItem, FlashItem } from "@bazaar/contracts/flash";
import { FlashItemId } from "@bazaar/contracts/flash";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { NotFoundError } from "../lib/errors";
import { type FlashContext, type FlashContextOptions, openFlashContext } from "./context";
import { createItem } from "./create-item";
import { markArmed } from "./mark-armed";
import { ITEM_COLUMNS, loadItem } from "./records";

// Wires the flash module: its database and its verbs. Items change rarely and are read on every
// ingested batch, so reads of an armed item are served from memory (an armed item's terms never
// change).

export interface FlashModule {
	context: FlashContext;
	createItem(input: z.input<typeof CreateFlashItem>): Promise<FlashItem>;
	/** 404 for an unknown or malformed id. */
	getItem(id: string): Promise<FlashItem>;
	/** An armed item from memory after its first read; null when unknown or not armed. */
	armedItem(id: string): Promise<FlashItem | null>;
	listItems(): Promise<FlashItem[]>;
	markArmed(id: string, holdId: string): Promise<FlashItem>;
	stop(): Promise<void>;
}

export async function openFlash(options: FlashContextOptions): Promise<FlashModule> {
	const ctx = await openFlashContext(options);
	const armed = new Map<string, FlashItem>();
	async function getItem(id: string): Promise<FlashItem> {
		const item = FlashItemId.safeParse(id).success ? await loadItem(ctx.database.db, id) : null;
		if (!item) throw new NotFoundError(`Flash-sale item ${id.slice(0, 64)}`);
		return item;
	}
	return {
		context: ctx,
		createItem: (input) => createItem(ctx, input),
		getItem,
		async armedItem(id) {
			const known = armed.get(id);
			if (known) return known;
			const item = FlashItemId.safeParse(id).success ? await loadItem(ctx.database.db, id) : null;
			if (item?.status !== "armed") return null;
			armed.set(id, item);
			return item;
		},
		async listItems() {
			return ctx.database.db.all<FlashItem>(sql`SELECT ${ITEM_COLUMNS} FROM flash_items ORDER BY id DESC LIMIT 200`);
		},
		markArmed: (id, holdId) => markArmed(ctx, id, holdId),
		stop: () => ctx.database.close(),
	};
}
