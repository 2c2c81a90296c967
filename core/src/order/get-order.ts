import { type OrderDetail, OrderId, type PaymentConflict } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { NotFoundError } from "../lib/errors";
import type { OrderContext } from "./context";
import { loadOrder, loadTimeline } from "./records";

/**
 * One order with its timeline. With `ownerId` (a customer), someone else's order is a 404,
 * exactly like one that does not exist, so ids cannot be probed.
 */
export async function getOrder(ctx: OrderContext, id: string, ownerId?: string): Promise<OrderDetail> {
	if (!OrderId.safeParse(id).success) throw new NotFoundError("The order");
	const db = ctx.database.db;
	const order = await loadOrder(db, id);
	if (!order || (ownerId !== undefined && order.customerId !== ownerId)) throw new NotFoundError("The order");
	return { ...order, timeline: await loadTimeline(db, id) };
}

/** Who an order belongs to (its customer id), or null when there is no such order: one small read. */
export async function orderOwner(ctx: OrderContext, id: string): Promise<string | null> {
	if (!OrderId.safeParse(id).success) return null;
	const [row] = await ctx.database.db.all<{ customerId: string }>(
		sql`SELECT customer_id AS customerId FROM orders WHERE id = ${id}`,
	);
	return row?.customerId ?? null;
}

/** Payments that could not settle the order, and what became of each (admins). */
export function listPaymentConflicts(ctx: OrderContext, orderId?: string) {
	const where = orderId ? sql`WHERE order_id = ${orderId}` : sql``;
	return ctx.database.db.all<PaymentConflict>(sql`SELECT payment_id AS paymentId, order_id AS orderId, gateway,
			reference, amount, currency, reason, at, resolution, refunded_amount AS refundedAmount
		FROM payment_conflicts ${where} ORDER BY at`);
}
