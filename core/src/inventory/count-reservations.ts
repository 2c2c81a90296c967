import { sql } from "drizzle-orm";
import type { InventoryContext } from "./context";
import { RESERVATION_STATUSES } from "./schema";

/** How many reservations are in each status (every status listed, 0 included): what /metrics shows. */
export async function countReservationsByStatus(ctx: InventoryContext): Promise<Record<string, number>> {
	const rows = await ctx.database.db.all<{ status: string; n: number }>(
		sql`SELECT status, count(*) AS n FROM reservations GROUP BY status`,
	);
	const counts: Record<string, number> = Object.fromEntries(RESERVATION_STATUSES.map((s) => [s, 0]));
	for (const r of rows) counts[String(r.status)] = Number(r.n);
	return counts;
}
