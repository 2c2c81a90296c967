import { REFUNDABLE_STATUSES, type RecordRefundResult, RefundReceived } from "@bazaar/contracts/order";
import { formatMoney } from "@bazaar/money";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordNote, recordTransition } from "./events";
import { conflictWhy } from "./note-conflict-refund";
import { loadOrder, ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";

/**
 * Records what the gateway refunded on the order's payment (the payment.refunded consumer).
 * The amount is cumulative, so events may come late, twice or out of order: only a larger amount
 * changes anything. Everything refunded → `refunded`; part of it → `partially_refunded` (a further
 * partial refund takes the new amount with its own timeline entry). From paid, fulfilled,
 * delivered or partially_refunded; on an order cancelled after it was paid (it could not be
 * honoured) the amount is recorded with a timeline note and the status stays cancelled. A refund
 * of a charge that could not settle the order (a payment_conflicts row) is recorded on that
 * conflict with a timeline note (`conflict_refunded`). Never throws for an event it cannot use:
 * one that arrives before the order has heard of its payment at all (its payment.succeeded is
 * behind) is `not_settled` (the consumer waits for it).
 */
export function recordRefund(ctx: OrderContext, input: RefundReceived): Promise<RecordRefundResult> {
	const refund = RefundReceived.parse(input);
	return orderWrite(ctx, (tx) => recordRefundIn(tx, iso(ctx.now()), refund));
}

export async function recordRefundIn(tx: TxDb, at: string, refund: RefundReceived): Promise<RecordRefundResult> {
	const order = await loadOrder(tx, refund.orderId);
	if (!order) return { result: "ignored", reason: "unknown_order", order: null };
	const money = (amount: number) => formatMoney({ amount, currency: order.currency });
	if (order.paymentId !== refund.paymentId) {
		const [conflict] = await tx.all<{ amount: number; reason: string; refundedAmount: number }>(
			sql`SELECT amount, reason, refunded_amount AS refundedAmount FROM payment_conflicts
				WHERE payment_id = ${refund.paymentId}`,
		);
		// A refunded payment succeeded first, so its payment.succeeded is on its way to this order:
		// until it lands (paying the order, or recorded as a conflict) the refund waits for it.
		if (!conflict) return { result: "not_settled", order };
		// A charge that could not settle the order, given back: on its conflict and on the timeline.
		const total = Number(conflict.amount);
		const given = Math.min(refund.refundedAmount, total);
		if (given <= Number(conflict.refundedAmount)) return { result: "stale", order };
		const full = refund.full || given >= total;
		await tx.run(sql`UPDATE payment_conflicts SET refunded_amount = ${given},
				resolution = ${full ? "refunded" : "refund_requested"}
			WHERE payment_id = ${refund.paymentId}`);
		await recordNote(tx, order, {
			at,
			actor: `payment:${refund.gateway}`,
			reason: `payment ${refund.paymentId} (${conflictWhy(conflict.reason)}) refunded automatically: ${money(given)}${full ? "" : ` of ${money(total)}`}`,
		});
		return { result: "conflict_refunded", order };
	}
	const refunded = Math.min(refund.refundedAmount, order.total);
	if (refunded <= order.refundedAmount) return { result: "stale", order };
	const from = order.status;
	if (from === "cancelled") {
		// A paid order cancelled because it could not be honoured: its payment given back in full.
		const [row] = await tx.all<OrderRecord>(sql`UPDATE orders SET refunded_amount = ${refunded}, updated_at = ${at}
			WHERE id = ${order.id} AND refunded_amount < ${refunded} RETURNING ${ORDER_COLUMNS}`);
		if (!row) throw new Error(`order ${order.id}: refund of ${refunded} could not be recorded`);
		const updated = toOrder(row);
		await recordNote(tx, updated, {
			at,
			actor: `payment:${refund.gateway}`,
			reason: `refunded ${money(refunded - order.refundedAmount)} (${money(refunded)} of ${money(order.total)} in all)`,
		});
		return { result: "refunded_cancelled", order: updated };
	}
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
