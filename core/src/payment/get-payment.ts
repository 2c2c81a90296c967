import { type Payment, PaymentId } from "@bazaar/contracts/payment";
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

/** Every attempt to pay one order, oldest first (admins: which gateway and reference paid). */
export async function listOrderPayments(ctx: PaymentContext, orderId: string): Promise<Payment[]> {
	const rows = await ctx.database.db.all<PaymentRecord>(
		sql`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ${orderId} ORDER BY id`,
	);
	return rows.map(toPayment);
}
