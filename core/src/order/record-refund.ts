import { formatMoney } from "@bazaar/money";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { iso, type OrderContext, orderWrite } from "./context";
import { REFUNDABLE_STATUSES, type RecordRefundResult, RefundReceived } from "./contracts";
import { recordTransition } from "./events";
import { loadOrder, ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";

/**
 * Records what the gateway refunded on the order's payment (the payment.refunded consumer).
 * The amount is cumulative, so events may come late, twice or out of order: only a larger amount
 * changes anything. Everything refunded → `refunded`; part of it → `partially_refunded` (a further
 * partial refund takes the new amount with its own timeline entry). From paid, fulfilled,
 * delivered or partially_refunded only. Never throws for an event it cannot use: a refund of
 * another payment (a conflicting charge given back) is `ignored`, and one that arrives before the
 * order has heard of its payment at all (its payment.succeeded is behind) is `not_settled` (the
 * consumer waits for it).
 */
export function recordRefund(ctx: OrderContext, input: RefundReceived): Promise<RecordRefundResult> {
	const refund = RefundReceived.parse(input);
	return orderWrite(ctx, (tx) => recordRefundIn(tx, iso(ctx.now()), refund));
}

export async function recordRefundIn(tx: TxDb, at: string, refund: RefundReceived): Promise<RecordRefundResult> {
	const order = await loadOrder(tx, refund.orderId);
	if (!order) return { result: "ignored", reason: "unknown_order", order: null };
	if (order.paymentId !== refund.paymentId) {
		const [conflict] = await tx.all<{ one: number }>(
			sql`SELECT 1 AS one FROM payment_conflicts WHERE payment_id = ${refund.paymentId}`,
		);
		// A refunded payment succeeded first, so its payment.succeeded is on its way to this order:
		// until it lands (paying the order, or recorded as a conflict) the refund waits for it.
		if (!conflict) return { result: "not_settled", order };
		return { result: "ignored", reason: "conflicting_payment", order };
	}
	const refunded = Math.min(refund.refundedAmount, order.total);
	if (refunded <= order.refundedAmount) return { result: "stale", order };
	const from = order.status;
	if (!(REFUNDABLE_STATUSES as readonly string[]).includes(from)) {
		return { result: "ignored", reason: `order_${from}`, order };
	}
	const to = refund.full || refunded >= order.total ? "refunded" : "partially_refunded";
	const allowed = sql.join(
		REFUNDABLE_STATUSES.map((s) => sql`${s}`),
		sql`, `,
	);
	const [row] = await tx.all<OrderRecord>(sql`UPDATE orders SET status = ${to}, refunded_amount = ${refunded},
			updated_at = ${at}
		WHERE id = ${order.id} AND status IN (${allowed}) AND refunded_amount < ${refunded}
		RETURNING ${ORDER_COLUMNS}`);
	// The write lock is held and the row was just read: only a bug gets here.
	if (!row) throw new Error(`order ${order.id}: refund of ${refunded} could not be recorded`);
	const updated = toOrder(row);
	const money = (amount: number) => formatMoney({ amount, currency: order.currency });
	await recordTransition(tx, updated, {
		from,
		type: to === "refunded" ? "order.refunded" : "order.partially_refunded",
		at,
		actor: `payment:${refund.gateway}`,
		reason: `refunded ${money(refunded - order.refundedAmount)} (${money(refunded)} of ${money(order.total)} in all)`,
		refundedAmount: refunded,
	});
	return { result: to, order: updated };
}
