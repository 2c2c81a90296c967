import { CreateFlashItem, type FlashItem } from "@bazaar/contracts/flash";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { type FlashContext, flashWrite, iso } from "./context";

/** A new flash-sale item in `draft`: nothing is held until it is armed. */
export async function createItem(ctx: FlashContext, input: z.input<typeof CreateFlashItem>): Promise<FlashItem> {
	const req = CreateFlashItem.parse(input);
	const at = iso(ctx.now());
	const item: FlashItem = {
		id: newId("fsi"),
		variantId: req.variantId,
		sku: req.sku,
		title: req.title,
		currency: req.currency,
		flashPrice: req.flashPrice,
		regularPrice: req.regularPrice ?? null,
		quota: req.quota,
		perShopperLimit: req.perShopperLimit,
		startsAt: req.startsAt,
		endsAt: req.endsAt,
		shards: req.shards,
		paymentWindowSeconds: req.paymentWindowSeconds,
		status: "draft",
		holdId: null,
		armedAt: null,
		createdAt: at,
	};
	await flashWrite(ctx, (tx) =>
		tx.run(sql`INSERT INTO flash_items (id, variant_id, sku, title, currency, flash_price, regular_price, quota,
			per_shopper_limit, starts_at, ends_at, shards, payment_window_seconds, status, created_at, updated_at)
			VALUES (${item.id}, ${item.variantId}, ${item.sku}, ${item.title}, ${item.currency}, ${item.flashPrice},
				${item.regularPrice}, ${item.quota}, ${item.perShopperLimit}, ${item.startsAt}, ${item.endsAt}, ${item.shards},
				${item.paymentWindowSeconds}, 'draft', ${at}, ${at})`),
	);
	return item;
}
