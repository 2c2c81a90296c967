import { ORDER_STATUSES } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import type { OrderContext } from "./context";

/** How many orders are in each status (every status listed, 0 included): what /metrics shows. */
export async function countOrdersByStatus(ctx: OrderContext): Promise<Record<string, number>> {
	const rows = await ctx.database.db.all<{ status: string; n: number }>(
		sql`SELECT status, count(*) AS n FROM orders GROUP BY status`,
	);
	const counts: Record<string, number> = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0]));
	for (const r of rows) counts[String(r.status)] = Number(r.n);
	return counts;
}
