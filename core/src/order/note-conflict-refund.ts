import { formatMoney } from "@bazaar/money";
import { sql } from "drizzle-orm";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordNote } from "./events";
import { loadOrder } from "./records";

/** Why a payment could not settle its order, as the order's timeline says it ("payment …"). */
export function conflictWhy(reason: string): string {
	switch (reason) {
		case "order_expired":
			return "received after the order expired";
		case "order_cancelled":
			return "received after the order was cancelled";
		case "paid_by_another_payment":
			return "made after the order was already paid by another";
		case "amount_mismatch":
			return "not of the order's amount";
		default:
			return "for an order it could not pay";
	}
}

/**
 * The workflow asked the gateway to refund a payment that could not settle its order: the
 * conflict is `refund_requested` and the order's timeline says so. Once per payment (the UPDATE
 * is conditional), so a redelivered event writes nothing twice. The refund itself is recorded
 * when the gateway reports it (recordRefund).
 */
export function noteConflictRefund(ctx: OrderContext, paymentId: string): Promise<boolean> {
	const at = iso(ctx.now());
	return orderWrite(ctx, async (tx) => {
		const [conflict] = await tx.all<{ orderId: string; amount: number; currency: string; reason: string }>(
			sql`UPDATE payment_conflicts SET resolution = 'refund_requested'
				WHERE payment_id = ${paymentId} AND resolution IS NULL
				RETURNING order_id AS orderId, amount, currency, reason`,
		);
		if (!conflict) return false;
		const order = await loadOrder(tx, conflict.orderId);
		if (order) {
			const money = formatMoney({ amount: Number(conflict.amount), currency: conflict.currency });
			await recordNote(tx, order, {
				at,
				actor: "system",
				reason: `payment ${paymentId} of ${money} (${conflictWhy(conflict.reason)}) is being refunded automatically`,
			});
		}
		return true;
	});
}
