import type { FlashItem } from "@bazaar/contracts/flash";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";

export const ITEM_COLUMNS = sql.raw(`id, variant_id AS variantId, sku, title, currency, flash_price AS flashPrice,
	regular_price AS regularPrice, quota, per_shopper_limit AS perShopperLimit, starts_at AS startsAt, ends_at AS endsAt,
	shards, payment_window_seconds AS paymentWindowSeconds, status, hold_id AS holdId, armed_at AS armedAt,
	created_at AS createdAt`);

export async function loadItem(db: Pick<TxDb, "all">, id: string): Promise<FlashItem | null> {
	const [row] = await db.all<FlashItem>(sql`SELECT ${ITEM_COLUMNS} FROM flash_items WHERE id = ${id}`);
	return row ?? null;
}
