import type { Order, OrderEventType, OrderStatus } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import type { TxDb } from "../lib/db";
import { eventData } from "./records";

// Every transition writes its history row and its bus event in the caller's write transaction,
// so the status, the timeline and the outbox can never disagree. Notes (recordNote) are timeline
// rows without a change of status and without an event.

export async function recordTransition(
	tx: TxDb,
	order: Order,
	change: {
		from: OrderStatus | null;
		type: OrderEventType;
		at: string;
		actor: string;
		reason?: string | null;
		refundedAmount?: number;
	},
): Promise<void> {
	await tx.run(sql`INSERT INTO order_transitions (order_id, from_status, to_status, at, actor, reason)
		VALUES (${order.id}, ${change.from}, ${order.status}, ${change.at}, ${change.actor}, ${change.reason ?? null})`);
	await emit(tx, {
		type: change.type,
		source: "order",
		key: order.id,
		occurredAt: change.at,
		data: eventData(order, {
			reason: change.reason ?? null,
			...(change.refundedAmount !== undefined ? { refundedAmount: change.refundedAmount } : {}),
		}),
	});
}

/**
 * A timeline entry that is not a change of status (from = to): what happened to a payment the
 * order could not take, a refund recorded on a cancelled order. No bus event: nothing changed
 * that another module acts on.
 */
export async function recordNote(
	tx: TxDb,
	order: Pick<Order, "id" | "status">,
	note: { at: string; actor: string; reason: string },
): Promise<void> {
	await tx.run(sql`INSERT INTO order_transitions (order_id, from_status, to_status, at, actor, reason)
		VALUES (${order.id}, ${order.status}, ${order.status}, ${note.at}, ${note.actor}, ${note.reason})`);
}
