import { toPage } from "@bazaar/contracts/list";
import { type PaymentConflict, type PaymentConflictPage, PaymentConflictQuery } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { olderThan, whereAll } from "../lib/keyset";
import type { OrderContext } from "./context";

// Staff: payments that could not settle their order, newest first across all orders, a page at
// a time (keyset on (at, payment_id)); `open` ones are those no consumer has acted on yet.

export async function listAllPaymentConflicts(
	ctx: OrderContext,
	query: Partial<PaymentConflictQuery> = {},
): Promise<PaymentConflictPage> {
	const q = PaymentConflictQuery.parse(query);
	const resolution =
		q.resolution === undefined
			? undefined
			: q.resolution === "open"
				? sql`resolution IS NULL`
				: sql`resolution = ${q.resolution}`;
	const rows = await ctx.database.db.all<PaymentConflict>(sql`SELECT payment_id AS paymentId, order_id AS orderId,
			gateway, reference, amount, currency, reason, at, resolution, refunded_amount AS refundedAmount
		FROM payment_conflicts${whereAll([resolution, olderThan(q.cursor, sql`at`, sql`payment_id`)])}
		ORDER BY at DESC, payment_id DESC LIMIT ${q.limit + 1}`);
	return toPage(rows, q.limit, (r) => [r.at, r.paymentId]);
}
