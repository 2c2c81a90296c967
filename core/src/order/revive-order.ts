import { type Order, PaymentReceived } from "@bazaar/contracts/order";
import { formatMoney } from "@bazaar/money";
import { sql } from "drizzle-orm";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordTransition } from "./events";
import { loadOrder, ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";

export type ReviveResult =
	/** expired → paid by this payment (order.paid is in the outbox). */
	| { result: "revived"; order: Order }
	/** This payment already pays the order (a repeat). */
	| { result: "already_paid"; order: Order }
	/** Not an expired, unpaid order of this amount any more (paid by another charge, say): refund the payment. */
	| { result: "not_revivable"; order: Order | null };

/**
 * A payment that landed after its order expired, once the workflow has reserved the order's
 * units again: the order is paid by it after all (expired → paid, the only way out of expired).
 * Conditional on the order still being expired, unpaid and of the payment's amount, so two late
 * payments (two tabs) revive it once and the other is refunded. The conflict the payment was
 * recorded as is resolved `revived`, in the same transaction as the order.paid it emits.
 */
export function reviveOrder(ctx: OrderContext, input: PaymentReceived): Promise<ReviveResult> {
	const payment = PaymentReceived.parse(input);
	const at = iso(ctx.now());
	return orderWrite(ctx, async (tx) => {
		const [row] = await tx.all<OrderRecord>(sql`UPDATE orders SET status = 'paid', updated_at = ${at},
				payment_gateway = ${payment.gateway}, payment_reference = ${payment.reference}, payment_id = ${payment.paymentId}
			WHERE id = ${payment.orderId} AND status = 'expired' AND payment_id IS NULL
				AND total = ${payment.amount.amount} AND currency = ${payment.amount.currency}
			RETURNING ${ORDER_COLUMNS}`);
		if (!row) {
			const order = await loadOrder(tx, payment.orderId);
			if (order && order.paymentId === payment.paymentId) return { result: "already_paid", order };
			return { result: "not_revivable", order };
		}
		const order = toOrder(row);
		await recordTransition(tx, order, {
			from: "expired",
			type: "order.paid",
			at,
			actor: `payment:${payment.gateway}`,
			reason: `payment ${payment.paymentId} of ${formatMoney(payment.amount)} received after the order expired; its items were still available and are reserved again`,
		});
		await tx.run(sql`UPDATE payment_conflicts SET resolution = 'revived' WHERE payment_id = ${payment.paymentId}`);
		return { result: "revived", order };
	});
}
