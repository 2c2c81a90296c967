import { type Order, OrderId, type OrderLine } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import { ConflictError, NotFoundError } from "../lib/errors";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordNote } from "./events";
import { eventData, loadOrder } from "./records";

// The order's record of a booked line after the sale: its new slot (a reschedule: the calendar
// revision goes up by one) or its cancellation. The inventory has already moved or freed the
// place (workflows/manage-booking.ts); this makes the order say so. A compare-and-set on the
// line as the caller saw it (its slot, not cancelled), in one write: asking again for what is
// already recorded answers the order unchanged (a retry), anything else is a 409. A cancel emits
// order.booking_cancelled in the same write, so the line's refund (the auto-refunds consumer,
// retried until the gateway takes it) can never be lost between the two.

export type BookingChange = { kind: "reschedule"; from: string; to: string } | { kind: "cancel"; slot: string };

export interface BookingChangeResult {
	order: Order;
	line: OrderLine;
	changed: boolean;
}

export function changeBooking(
	ctx: OrderContext,
	id: string,
	index: number,
	change: BookingChange,
	by: { actor: string },
): Promise<BookingChangeResult> {
	if (!OrderId.safeParse(id).success) throw new NotFoundError("The order");
	const at = iso(ctx.now());
	return orderWrite(ctx, async (tx) => {
		const order = await loadOrder(tx, id);
		const line = order?.lines[index];
		if (!order || !line?.slot) throw new NotFoundError("The booking");
		const cancelled = line.bookingStatus === "cancelled";
		const done =
			change.kind === "cancel" ? cancelled && line.slot === change.slot : !cancelled && line.slot === change.to;
		if (done) return { order, line, changed: false };
		const expected = change.kind === "cancel" ? change.slot : change.from;
		if (cancelled || line.slot !== expected) {
			throw new ConflictError("This booking changed meanwhile (it was moved or cancelled); reload the order.");
		}
		const next: OrderLine =
			change.kind === "cancel"
				? { ...line, bookingStatus: "cancelled" }
				: { ...line, slot: change.to, bookingSequence: (line.bookingSequence ?? 0) + 1 };
		const lines = order.lines.map((l, i) => (i === index ? next : l));
		await tx.run(sql`UPDATE orders SET lines = ${JSON.stringify(lines)}, updated_at = ${at} WHERE id = ${id}`);
		const reason =
			change.kind === "cancel"
				? `booking of ${line.title} at ${line.slot} cancelled by the customer`
				: `booking of ${line.title} moved from ${change.from} to ${change.to} by the customer`;
		await recordNote(tx, order, { at, actor: by.actor, reason });
		const changed = { ...order, lines, updatedAt: at };
		if (change.kind === "cancel") {
			await emit(tx, {
				type: "order.booking_cancelled",
				source: "order",
				key: order.id,
				occurredAt: at,
				data: eventData(changed, { reason, bookingLine: index }),
			});
		}
		return { order: changed, line: next, changed: true };
	});
}
