import { DEFAULT_WAREHOUSE, Sku } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import { changes, type TxDb } from "../lib/db";
import { NotFoundError, ServiceError } from "../lib/errors";
import { slotRule } from "./availability";
import { loadSku, type Reader, type SkuRecord } from "./records";
import type { LedgerInput, StockKey } from "./stock-moves";

// Where an admin's stock movement lands (receive, adjust): the SKU must exist, the warehouse and
// slot must fit its policy, and the row is created on first use.

export async function requireSku(db: Reader, sku: string): Promise<SkuRecord> {
	const found = Sku.safeParse(sku).success ? await loadSku(db, sku) : null;
	if (!found) throw new NotFoundError(`SKU "${sku.slice(0, 64)}"`);
	return found;
}

export function checkTarget(rec: SkuRecord, key: StockKey): void {
	const fail = (path: string, message: string) => {
		throw new ServiceError(422, `${rec.sku}: ${message}.`, [{ path, message }]);
	};
	if (rec.policy === "unlimited") fail("sku", "an unlimited SKU has no stock to count");
	const wrongSlot = slotRule(rec.policy, key.slot);
	if (wrongSlot) fail("slot", wrongSlot);
	if (rec.policy === "capacity" && key.warehouse !== DEFAULT_WAREHOUSE) {
		fail("warehouse", `a service's slots live in the "${DEFAULT_WAREHOUSE}" warehouse`);
	}
}

/**
 * Creates the stock row if it is new: empty for goods, at the SKU's slot capacity for a
 * service slot (which the ledger records as received, so the books balance from the start).
 */
export async function ensureRow(tx: TxDb, rec: SkuRecord, key: StockKey, at: string): Promise<LedgerInput[]> {
	const onHand = rec.policy === "capacity" ? (rec.slotCapacity ?? 0) : 0;
	const bounded = rec.policy === "unlimited" ? 0 : 1;
	const inserted =
		await tx.run(sql`INSERT INTO stock (sku, warehouse, slot, bounded, on_hand, reserved, sold, updated_at)
		VALUES (${rec.sku}, ${key.warehouse}, ${key.slot}, ${bounded}, ${onHand}, 0, 0, ${at})
		ON CONFLICT DO NOTHING`);
	if (changes(inserted) === 0 || onHand === 0) return [];
	return [
		{
			...key,
			quantity: onHand,
			kind: "received",
			reason: "slot opened at the SKU's slot capacity",
			actor: "system",
		},
	];
}
