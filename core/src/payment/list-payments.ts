import { toPage } from "@bazaar/contracts/list";
import { type PaymentList, PaymentQuery } from "@bazaar/contracts/payment";
import { sql } from "drizzle-orm";
import { olderThan, whereAll } from "../lib/keyset";
import type { PaymentContext } from "./context";
import { withRefunds } from "./get-payment";
import { PAYMENT_COLUMNS, type PaymentRecord } from "./records";

// Staff: every payment newest first with its refunds, by status, gateway or order; one query for
// the page and one for its refunds (keyset on (created_at, id)).

export async function listPayments(ctx: PaymentContext, query: Partial<PaymentQuery> = {}): Promise<PaymentList> {
	const q = PaymentQuery.parse(query);
	const rows = await ctx.database.db.all<PaymentRecord>(sql`SELECT ${PAYMENT_COLUMNS} FROM payments${whereAll([
		q.status ? sql`status = ${q.status}` : undefined,
		q.gateway ? sql`gateway = ${q.gateway}` : undefined,
		q.orderId ? sql`order_id = ${q.orderId}` : undefined,
		olderThan(q.cursor, sql`created_at`, sql`id`),
	])}
		ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
	const page = toPage(rows, q.limit, (r) => [r.createdAt, r.id]);
	return { items: await withRefunds(ctx, page.items), nextCursor: page.nextCursor };
}
