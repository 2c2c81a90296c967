import { type Order, OrderId, REFUNDABLE_STATUSES, type RefundRequest } from "@bazaar/contracts/order";
import { formatMoney } from "@bazaar/money";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { ConflictError, NotFoundError, ServiceError } from "../lib/errors";
import { iso, type OrderContext, orderWrite } from "./context";
import { loadOrder } from "./records";

// The admin refund's record on the order (the workflow in workflows/refund.ts drives it):
// begin (checks, then the request is written BEFORE the gateway is asked) → settle with the
// gateway's answer, or drop when the gateway refused. One row per (order, Idempotency-Key).

export interface BeginRefund {
	orderId: string;
	idempotencyKey: string;
	/** Over the request as sent (amount or none, currency, reason, restock). */
	requestHash: string;
	/** Omitted: everything left. */
	amount?: number;
	currency?: string;
	reason: string;
	restock: boolean;
	actor: string;
	/** What the payment module says is refunded on the order's payment (it may be ahead of the order). */
	paymentRefunded: number;
}

export type BeginRefundResult =
	/** The key's request again: answer it as it stands (send it again only if it has no refund id yet). */
	{ replay: true; order: Order; request: RefundRequest } | { replay: false; order: Order; request: RefundRequest };

class UnprocessableRefund extends ServiceError {
	constructor(message: string, path: string, detail: string) {
		super(422, message, [{ path, message: detail }]);
	}
}

const REQUEST_COLUMNS = sql.raw(`order_id AS orderId, idempotency_key AS idempotencyKey, request_hash AS requestHash,
	payment_id AS paymentId, amount, currency, reason, restock, actor, refund_id AS refundId, status,
	created_at AS createdAt, updated_at AS updatedAt`);

type RequestRecord = Omit<RefundRequest, "amount" | "restock"> & {
	requestHash: string;
	amount: number;
	currency: string;
	restock: number;
};

const toRequest = (r: RequestRecord): RefundRequest => ({
	orderId: r.orderId,
	idempotencyKey: r.idempotencyKey,
	paymentId: r.paymentId,
	amount: { amount: Number(r.amount), currency: r.currency },
	reason: r.reason,
	restock: Number(r.restock) === 1,
	actor: r.actor,
	refundId: r.refundId,
	status: r.status,
	createdAt: r.createdAt,
	updatedAt: r.updatedAt,
});

async function loadRequest(tx: Pick<TxDb, "all">, orderId: string, key: string) {
	const [row] = await tx.all<RequestRecord>(sql`SELECT ${REQUEST_COLUMNS} FROM order_refunds
		WHERE order_id = ${orderId} AND idempotency_key = ${key}`);
	return row ?? null;
}

/**
 * Checks a refund against the order and what is left of its payment, and records it as requested.
 * What is left = the total − the most of: what the payment module reports refunded, what the order
 * recorded, and what the refunds requested here add up to (they may not have landed yet). The
 * write lock serialises requests, so two at once cannot both take the last of it.
 */
export function beginRefund(ctx: OrderContext, input: BeginRefund): Promise<BeginRefundResult> {
	if (!OrderId.safeParse(input.orderId).success) throw new NotFoundError("The order");
	const at = iso(ctx.now());
	return orderWrite(ctx, async (tx) => {
		const order = await loadOrder(tx, input.orderId);
		if (!order) throw new NotFoundError("The order");
		const seen = await loadRequest(tx, input.orderId, input.idempotencyKey);
		if (seen) {
			if (seen.requestHash !== input.requestHash) {
				throw new ServiceError(422, "This Idempotency-Key was already used for a different refund of this order.");
			}
			return { replay: true, order, request: toRequest(seen) };
		}
		if (!(REFUNDABLE_STATUSES as readonly string[]).includes(order.status) || !order.paymentId) {
			throw new ConflictError(`Order ${order.id} is ${order.status}; only a paid order can be refunded.`);
		}
		if (input.currency !== undefined && input.currency !== order.currency) {
			throw new UnprocessableRefund(
				`The order is in ${order.currency}; a refund is in the order's currency.`,
				"currency",
				`must be ${order.currency}`,
			);
		}
		const [sum] = await tx.all<{ requested: number }>(sql`SELECT coalesce(sum(amount), 0) AS requested
			FROM order_refunds WHERE order_id = ${order.id} AND payment_id = ${order.paymentId} AND status <> 'failed'`);
		const committed = Math.max(input.paymentRefunded, order.refundedAmount, Number(sum?.requested ?? 0));
		const left = Math.max(0, order.total - committed);
		const amount = input.amount ?? left;
		const money = (n: number) => formatMoney({ amount: n, currency: order.currency });
		if (left === 0) {
			throw new UnprocessableRefund("over-refund: nothing is left to refund on this order.", "amount", "0 left");
		}
		if (amount > left) {
			throw new UnprocessableRefund(
				`over-refund: ${money(amount)} is more than the ${money(left)} left to refund on this order.`,
				"amount",
				`at most ${left}`,
			);
		}
		if (input.restock && amount !== left) {
			throw new UnprocessableRefund(
				"restock goes with a refund of everything left on the order, not part of it.",
				"restock",
				`only with amount ${left} (or none)`,
			);
		}
		await tx.run(sql`INSERT INTO order_refunds (order_id, idempotency_key, request_hash, payment_id, amount,
				currency, reason, restock, actor, refund_id, status, created_at, updated_at)
			VALUES (${order.id}, ${input.idempotencyKey}, ${input.requestHash}, ${order.paymentId}, ${amount},
				${order.currency}, ${input.reason}, ${input.restock ? 1 : 0}, ${input.actor}, NULL, 'requested', ${at}, ${at})`);
		const request = await loadRequest(tx, order.id, input.idempotencyKey);
		if (!request) throw new Error(`order ${order.id}: refund request vanished`);
		return { replay: false, order, request: toRequest(request) };
	});
}

/** The gateway answered: its refund id and status go on the request. */
export async function settleRefundRequest(
	ctx: OrderContext,
	orderId: string,
	key: string,
	answer: { refundId: string; status: "succeeded" | "pending" | "failed" },
): Promise<RefundRequest> {
	const at = iso(ctx.now());
	return orderWrite(ctx, async (tx) => {
		await tx.run(sql`UPDATE order_refunds SET refund_id = ${answer.refundId}, status = ${answer.status},
			updated_at = ${at} WHERE order_id = ${orderId} AND idempotency_key = ${key}`);
		const row = await loadRequest(tx, orderId, key);
		if (!row) throw new NotFoundError("The refund request");
		return toRequest(row);
	});
}

/** The gateway refused before refunding anything: the request goes, so its amount no longer counts. */
export async function dropRefundRequest(ctx: OrderContext, orderId: string, key: string): Promise<void> {
	await orderWrite(ctx, (tx) =>
		tx.run(sql`DELETE FROM order_refunds WHERE order_id = ${orderId} AND idempotency_key = ${key}
			AND refund_id IS NULL`),
	);
}

/** An order's refund requests, oldest first (admins). */
export async function listRefunds(ctx: OrderContext, orderId: string): Promise<RefundRequest[]> {
	if (!OrderId.safeParse(orderId).success) throw new NotFoundError("The order");
	const rows = await ctx.database.db.all<RequestRecord>(sql`SELECT ${REQUEST_COLUMNS} FROM order_refunds
		WHERE order_id = ${orderId} ORDER BY created_at, rowid`);
	return rows.map(toRequest);
}
