import { type OrderPayment, type Payment, PaymentId, type PaymentRefund } from "@bazaar/contracts/payment";
import { sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import type { PaymentContext } from "./context";
import { loadPaymentBy, PAYMENT_COLUMNS, type PaymentRecord, toPayment } from "./records";

export async function getPayment(ctx: PaymentContext, id: string): Promise<Payment> {
	if (!PaymentId.safeParse(id).success) throw new NotFoundError("The payment");
	const row = await loadPaymentBy(ctx.database.db, { id });
	if (!row) throw new NotFoundError("The payment");
	return toPayment(row);
}

/**
 * Every attempt to pay one order, oldest first, each with the refunds asked for it (admins: which
 * gateway and reference paid, what was given back and why). Two statements whatever the count.
 */
export async function listOrderPayments(ctx: PaymentContext, orderId: string): Promise<OrderPayment[]> {
	const db = ctx.database.db;
	const rows = await db.all<PaymentRecord>(
		sql`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ${orderId} ORDER BY id`,
	);
	return withRefunds(ctx, rows);
}

/** The payments with the refunds asked for each, in one statement for them all. */
export async function withRefunds(ctx: PaymentContext, rows: PaymentRecord[]): Promise<OrderPayment[]> {
	if (rows.length === 0) return [];
	const refunds = await ctx.database.db.all<{
		paymentId: string;
		amount: number;
		currency: string;
		reason: string;
		status: PaymentRefund["status"];
		refundId: string | null;
		createdAt: string;
	}>(sql`SELECT payment_id AS paymentId, amount, currency, reason, status, refund_id AS refundId,
			created_at AS createdAt
		FROM payment_refunds WHERE payment_id IN (${sql.join(
			rows.map((r) => sql`${r.id}`),
			sql`, `,
		)}) ORDER BY created_at, rowid`);
	return rows.map((r) => ({
		...toPayment(r),
		refunds: refunds
			.filter((f) => f.paymentId === r.id)
			.map((f) => ({
				amount: { amount: Number(f.amount), currency: f.currency },
				reason: f.reason,
				status: f.status,
				refundId: f.refundId,
				createdAt: f.createdAt,
			})),
	}));
}
