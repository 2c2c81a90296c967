import { type LedgerEntry, type LedgerPage, LedgerQuery } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { InventoryContext } from "./context";
import { slotOut } from "./records";
import { requireSku } from "./stock-target";

/** A SKU's movements, oldest first, a page at a time (keyset on the ledger id). */
export async function getLedger(
	ctx: InventoryContext,
	sku: string,
	query: z.input<typeof LedgerQuery> = {},
): Promise<LedgerPage> {
	const { after, limit } = LedgerQuery.parse(query);
	const rec = await requireSku(ctx.database.db, sku);
	const rows = await ctx.database.db.all<LedgerEntry & { slot: string }>(sql`SELECT id, at, sku, warehouse, slot, kind,
			quantity, reservation_id AS reservationId, reason, actor
		FROM ledger WHERE sku = ${rec.sku} AND id > ${after} ORDER BY id LIMIT ${limit + 1}`);
	const page = rows.slice(0, limit).map((r) => ({ ...r, slot: slotOut(r.slot) }));
	return { sku: rec.sku, entries: page, next: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}
