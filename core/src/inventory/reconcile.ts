import type { BalanceRow, Reconciliation } from "@bazaar/contracts/inventory";
import { sql } from "drizzle-orm";
import type { InventoryContext } from "./context";
import { slotOut } from "./records";

/**
 * Checks the books: every stock row against its ledger and against the reservations holding it.
 * A row balances when
 *   on_hand  = Σ received + Σ adjusted              (adjustments signed: in > 0, out < 0)
 *   reserved = Σ reserved − Σ released − Σ expired − Σ committed = units on active reservations
 *   sold     = Σ committed − Σ returned              = units on committed reservations
 * and on_hand, reserved, sold ≥ 0 and (bounded rows) available = on_hand − reserved − sold ≥ 0,
 * i.e. available + reserved + sold = received + adjustments in − adjustments out, each ≥ 0.
 * Reads one consistent state: it runs as a unit of the writer (it writes nothing), so no write
 * lands between its two queries, on either driver.
 */
export async function reconcile(ctx: InventoryContext, skus?: string[]): Promise<Reconciliation> {
	return ctx.database.write(async (tx) => {
		const filter =
			skus && skus.length > 0
				? sql`WHERE s.sku IN (${sql.join(
						skus.map((k) => sql`${k}`),
						sql`, `,
					)})`
				: sql``;
		const rows = await tx.all<
			Record<string, number | string>
		>(sql`SELECT s.sku, s.warehouse, s.slot, s.bounded, s.on_hand AS onHand, s.reserved, s.sold,
					coalesce(l.received, 0) AS received, coalesce(l.adjusted, 0) AS adjusted,
					coalesce(l.reserved, 0) AS lReserved, coalesce(l.released, 0) AS released,
					coalesce(l.expired, 0) AS expired, coalesce(l.committed, 0) AS committed,
					coalesce(l.returned, 0) AS returned,
					coalesce(h.active, 0) AS active, coalesce(h.committed, 0) AS heldCommitted
				FROM stock s
				LEFT JOIN (SELECT sku, warehouse, slot,
						sum(CASE kind WHEN 'received' THEN quantity ELSE 0 END) AS received,
						sum(CASE kind WHEN 'adjusted' THEN quantity ELSE 0 END) AS adjusted,
						sum(CASE kind WHEN 'reserved' THEN quantity ELSE 0 END) AS reserved,
						sum(CASE kind WHEN 'released' THEN quantity ELSE 0 END) AS released,
						sum(CASE kind WHEN 'expired' THEN quantity ELSE 0 END) AS expired,
						sum(CASE kind WHEN 'committed' THEN quantity ELSE 0 END) AS committed,
						sum(CASE kind WHEN 'returned' THEN quantity ELSE 0 END) AS returned
					FROM ledger GROUP BY sku, warehouse, slot) l
					ON l.sku = s.sku AND l.warehouse = s.warehouse AND l.slot = s.slot
				LEFT JOIN (SELECT rl.sku, rl.warehouse, rl.slot,
						sum(CASE r.status WHEN 'active' THEN rl.quantity ELSE 0 END) AS active,
						sum(CASE r.status WHEN 'committed' THEN rl.quantity ELSE 0 END) AS committed
					FROM reservation_lines rl JOIN reservations r ON r.id = rl.reservation_id
					GROUP BY rl.sku, rl.warehouse, rl.slot) h
					ON h.sku = s.sku AND h.warehouse = s.warehouse AND h.slot = s.slot
				${filter}
				ORDER BY s.sku, s.slot, s.warehouse`);
		const [orphans] = await tx.all<{ n: number }>(sql`SELECT
				(SELECT count(*) FROM ledger l WHERE NOT EXISTS (SELECT 1 FROM stock s
					WHERE s.sku = l.sku AND s.warehouse = l.warehouse AND s.slot = l.slot))
				+ (SELECT count(*) FROM reservation_lines l WHERE NOT EXISTS (SELECT 1 FROM stock s
					WHERE s.sku = l.sku AND s.warehouse = l.warehouse AND s.slot = l.slot)) AS n`);
		const out = rows.map((r): BalanceRow => {
			const n = (k: string) => Number(r[k]);
			const onHand = n("onHand");
			const reserved = n("reserved");
			const sold = n("sold");
			const bounded = n("bounded") === 1;
			const available = bounded ? onHand - reserved - sold : null;
			const ledger = {
				received: n("received"),
				adjusted: n("adjusted"),
				reserved: n("lReserved"),
				released: n("released"),
				expired: n("expired"),
				committed: n("committed"),
				returned: n("returned"),
			};
			const held = { active: n("active"), committed: n("heldCommitted") };
			const balanced =
				onHand === ledger.received + ledger.adjusted &&
				reserved === ledger.reserved - ledger.released - ledger.expired - ledger.committed &&
				sold === ledger.committed - ledger.returned &&
				reserved === held.active &&
				sold === held.committed &&
				onHand >= 0 &&
				reserved >= 0 &&
				sold >= 0 &&
				(available === null || available >= 0);
			return {
				sku: String(r.sku),
				warehouse: String(r.warehouse),
				slot: slotOut(String(r.slot)),
				bounded,
				onHand,
				reserved,
				sold,
				available,
				ledger,
				held,
				balanced,
			};
		});
		const orphanCount = Number(orphans?.n ?? 0);
		return { balanced: orphanCount === 0 && out.every((r) => r.balanced), rows: out, orphans: orphanCount };
	});
}
