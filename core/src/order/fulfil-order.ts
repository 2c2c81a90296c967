import { type OrderEventType, OrderId, type OrderStatus } from "@bazaar/contracts/order";
import { type SQL, sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { ConflictError, NotFoundError } from "../lib/errors";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordTransition } from "./events";
import { loadOrder, ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";
import type { TransitionResult } from "./transition";

// Shipping an order, and its arrival. The status is one field, and a refund can land at any point
// of the shipping, so the two are kept apart where they meet:
//
//   paid → fulfilled → delivered            the usual way (fulfilled_at / delivered_at set too)
//   partially_refunded (not yet shipped)    still ships: the status stays partially_refunded (the
//                                           money state is what the customer and the admin must
//                                           see), fulfilled_at / delivered_at are set, and the
//                                           timeline gets a partially_refunded → partially_refunded
//                                           entry with its order.fulfilled / order.delivered event
//   refunded                                never ships: 409, which the shipment consumer
//                                           acknowledges and logs (consumers.ts)
//
// Each step happens once: asking again (a redelivered shipment event) answers the order unchanged.

interface Step {
	/** The column that says this step happened. */
	column: "fulfilled_at" | "delivered_at";
	/** Where the usual path moves from and to. */
	from: OrderStatus;
	to: OrderStatus;
	/** On a partially refunded order, the step before that must have happened (delivery needs shipping). */
	after?: "fulfilled_at";
	type: OrderEventType;
	verb: string;
	set?: SQL;
}

async function step(
	ctx: OrderContext,
	id: string,
	s: Step,
	by: { actor: string; reason?: string | null },
): Promise<TransitionResult> {
	if (!OrderId.safeParse(id).success) throw new NotFoundError("The order");
	const at = iso(ctx.now());
	const column = sql.raw(s.column);
	const extra = s.set ? sql`, ${s.set}` : sql``;
	return orderWrite(ctx, async (tx: TxDb) => {
		const [moved] = await tx.all<OrderRecord>(sql`UPDATE orders SET status = ${s.to}, ${column} = ${at},
				updated_at = ${at}${extra}
			WHERE id = ${id} AND status = ${s.from} RETURNING ${ORDER_COLUMNS}`);
		if (moved) {
			const order = toOrder(moved);
			await recordTransition(tx, order, { from: s.from, type: s.type, at, actor: by.actor, reason: by.reason });
			return { order, changed: true };
		}
		const before = s.after ? sql` AND ${sql.raw(s.after)} IS NOT NULL` : sql``;
		const [kept] = await tx.all<OrderRecord>(sql`UPDATE orders SET ${column} = ${at}, updated_at = ${at}${extra}
			WHERE id = ${id} AND status = 'partially_refunded' AND ${column} IS NULL${before} RETURNING ${ORDER_COLUMNS}`);
		if (kept) {
			const order = toOrder(kept);
			await recordTransition(tx, order, {
				from: "partially_refunded",
				type: s.type,
				at,
				actor: by.actor,
				reason: by.reason ?? `${s.verb} while partially refunded`,
			});
			return { order, changed: true };
		}
		const current = await loadOrder(tx, id);
		if (!current) throw new NotFoundError("The order");
		const [marks] = await tx.all<{ done: string | null }>(sql`SELECT ${column} AS done FROM orders WHERE id = ${id}`);
		if (current.status === s.to || (current.status === "partially_refunded" && marks?.done)) {
			return { order: current, changed: false };
		}
		throw new ConflictError(`Order ${id} is ${current.status}; it cannot be ${s.verb}.`);
	});
}

/** Fulfilment (admin or the fulfillment module) shipped a paid (or partially refunded) order. */
export function markFulfilled(
	ctx: OrderContext,
	id: string,
	by: { actor: string; trackingNumber?: string; reason?: string },
): Promise<TransitionResult> {
	return step(
		ctx,
		id,
		{
			column: "fulfilled_at",
			from: "paid",
			to: "fulfilled",
			type: "order.fulfilled",
			verb: "marked fulfilled",
			set: by.trackingNumber ? sql`tracking_number = ${by.trackingNumber}` : undefined,
		},
		by,
	);
}

/** The carrier (through fulfillment's shipment.delivered) or an admin says it arrived. */
export function markDelivered(
	ctx: OrderContext,
	id: string,
	by: { actor: string; reason?: string },
): Promise<TransitionResult> {
	return step(
		ctx,
		id,
		{
			column: "delivered_at",
			from: "fulfilled",
			to: "delivered",
			after: "fulfilled_at",
			type: "order.delivered",
			verb: "marked delivered",
		},
		by,
	);
}
