import { type MarkPaidResult, PaymentReceived } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import { changes, type TxDb } from "../lib/db";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordTransition } from "./events";
import { eventData, loadOrder, ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";

/**
 * Settles an order with a succeeded payment (the payment.succeeded consumer). Only a pending
 * order with the same amount and currency becomes paid. Idempotent: the same payment again is
 * `already_paid`. A payment that cannot settle the order (expired, cancelled, already paid by
 * another charge, wrong amount) is recorded in payment_conflicts with an order.payment_conflict
 * event and answered as a `conflict` result — never thrown, so a bus consumer acknowledges it
 * instead of retrying it forever. The auto-refunds consumer acts on that event: it revives an
 * expired order whose units can be reserved again, and refunds the payment otherwise.
 */
export function markPaid(ctx: OrderContext, input: PaymentReceived): Promise<MarkPaidResult> {
	const payment = PaymentReceived.parse(input);
	return orderWrite(ctx, (tx) => markPaidIn(tx, iso(ctx.now()), payment));
}

/** The same inside a caller's transaction (e.g. the consumer's `handleOnce`). */
export async function markPaidIn(tx: TxDb, at: string, payment: PaymentReceived): Promise<MarkPaidResult> {
	const [row] = await tx.all<OrderRecord>(sql`UPDATE orders SET status = 'paid', updated_at = ${at},
			payment_gateway = ${payment.gateway}, payment_reference = ${payment.reference}, payment_id = ${payment.paymentId}
		WHERE id = ${payment.orderId} AND status = 'pending_payment'
			AND total = ${payment.amount.amount} AND currency = ${payment.amount.currency}
		RETURNING ${ORDER_COLUMNS}`);
	if (row) {
		const order = toOrder(row);
		await recordTransition(tx, order, {
			from: "pending_payment",
			type: "order.paid",
			at,
			actor: `payment:${payment.gateway}`,
			reason: `payment ${payment.paymentId}`,
		});
		return { result: "paid", order };
	}
	const order = await loadOrder(tx, payment.orderId);
	if (order && order.paymentId === payment.paymentId) return { result: "already_paid", order };
	const reason = !order
		? "unknown_order"
		: order.status === "pending_payment"
			? "amount_mismatch"
			: order.status === "expired" || order.status === "cancelled"
				? `order_${order.status}`
				: "paid_by_another_payment";
	const recorded = await tx.run(sql`INSERT INTO payment_conflicts
			(payment_id, order_id, gateway, reference, amount, currency, reason, at)
		VALUES (${payment.paymentId}, ${payment.orderId}, ${payment.gateway}, ${payment.reference},
			${payment.amount.amount}, ${payment.amount.currency}, ${reason}, ${at}) ON CONFLICT DO NOTHING`);
	if (changes(recorded) > 0) {
		await emit(tx, {
			type: "order.payment_conflict",
			source: "order",
			key: payment.orderId,
			occurredAt: at,
			data: {
				...(order ? eventData(order) : { orderId: payment.orderId }),
				reason,
				conflictingPayment: { ...payment },
				// An expired order whose units can still be reserved is revived by it; otherwise refunded.
				action: reason === "order_expired" ? "revive_or_refund" : "refund",
			},
		});
	}
	return { result: "conflict", reason, order };
}
