import { toPage } from "@bazaar/contracts/list";
import { AdminOrderQuery, type OrderLine, type OrderList, type OrderStatus } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { olderThan, whereAll } from "../lib/keyset";
import type { OrderContext } from "./context";

// Orders newest first, one query per page (keyset on (created_at, id), an index per filter):
// staff narrow by status, creation time, customer and gateway; a customer's own list is the
// same verb with `customer` fixed to them by the route.

export async function listOrders(ctx: OrderContext, query: Partial<AdminOrderQuery> = {}): Promise<OrderList> {
	const q = AdminOrderQuery.parse(query);
	const rows = await ctx.database.db.all<{
		id: string;
		customerId: string;
		email: string;
		status: OrderStatus;
		currency: string;
		total: number;
		paymentGateway: string | null;
		createdAt: string;
		updatedAt: string;
		lines: string;
	}>(sql`SELECT id, customer_id AS customerId, email, status, currency, total, payment_gateway AS paymentGateway,
			created_at AS createdAt, updated_at AS updatedAt, lines
		FROM orders${whereAll([
			q.status ? sql`status = ${q.status}` : undefined,
			q.customer ? sql`customer_id = ${q.customer}` : undefined,
			q.gateway ? sql`payment_gateway = ${q.gateway}` : undefined,
			q.from ? sql`created_at >= ${q.from}` : undefined,
			q.to ? sql`created_at < ${q.to}` : undefined,
			olderThan(q.cursor, sql`created_at`, sql`id`),
		])}
		ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
	return toPage(
		rows,
		q.limit,
		(r) => [r.createdAt, r.id],
		({ lines, ...r }) => ({
			...r,
			total: Number(r.total),
			itemCount: (JSON.parse(lines) as OrderLine[]).reduce((n, l) => n + l.quantity, 0),
		}),
	);
}
