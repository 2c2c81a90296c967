import { ListOrdersQuery, type OrderLine, type OrderList } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import type { OrderContext } from "./context";

/** A customer's own orders, newest first, one query per page (keyset cursor on the time-sorted id). */
export async function listOrders(
	ctx: OrderContext,
	customerId: string,
	query: Partial<ListOrdersQuery> = {},
): Promise<OrderList> {
	const q = ListOrdersQuery.parse(query);
	const after = q.cursor ? sql` AND id < ${q.cursor}` : sql``;
	const rows = await ctx.database.db.all<{
		id: string;
		status: string;
		currency: string;
		total: number;
		createdAt: string;
		updatedAt: string;
		lines: string;
	}>(sql`SELECT id, status, currency, total, created_at AS createdAt, updated_at AS updatedAt, lines
		FROM orders WHERE customer_id = ${customerId}${after} ORDER BY id DESC LIMIT ${q.limit + 1}`);
	const page = rows.slice(0, q.limit);
	return {
		items: page.map(({ lines, ...r }) => ({
			...r,
			total: Number(r.total),
			status: r.status as OrderList["items"][number]["status"],
			itemCount: (JSON.parse(lines) as OrderLine[]).reduce((n, l) => n + l.quantity, 0),
		})),
		nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
	};
}
