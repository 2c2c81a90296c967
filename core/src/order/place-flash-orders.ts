import type { Address, PricedLine } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import { iso, type OrderContext, orderWrite } from "./context";
import { computeTotals } from "./pricing/totals";

// Flash-sale reservations become pending_payment orders here, thousands per write unit: one
// multi-row INSERT (json_each: one statement whatever the batch size) that skips every reservation
// already ordered (orders.reservation_id is unique, so a batch sent twice, by a shard retrying or
// a core restarting, creates each order exactly once), and one INSERT for the new orders' first
// timeline row. Totals are computed here from the flash price, as for every order. No order.placed
// event: nothing consumes it, and at 50,000 orders/s the outbox would cost more than the orders.

export interface FlashOrderInput {
	orderId: string;
	reservationId: string;
	customerId: string;
	email: string;
	currency: string;
	line: PricedLine;
	address: Address;
	/** When the shard accepted the buy (ms); the order's payment window runs from there. */
	reservedAt: number;
	paymentWindowMs: number;
}

/** Returns the ids of the orders this call created (the others existed already). */
export function placeFlashOrders(ctx: OrderContext, inputs: FlashOrderInput[]): Promise<string[]> {
	if (inputs.length === 0) return Promise.resolve([]);
	const at = iso(ctx.now());
	const rows = inputs.map((o) => {
		const { lines, totals } = computeTotals({
			currency: o.currency,
			lines: [o.line],
			address: o.address,
			shippingMethod: "standard",
		});
		return [
			o.orderId,
			o.customerId,
			o.email,
			o.currency,
			JSON.stringify(lines),
			JSON.stringify(o.address),
			totals.subtotal,
			totals.shipping,
			totals.tax,
			totals.taxRateBp,
			totals.total,
			o.reservationId,
			iso(o.reservedAt + o.paymentWindowMs),
		];
	});
	const json = JSON.stringify(rows);
	return orderWrite(ctx, async (tx) => {
		const created = await tx.all<{
			id: string;
		}>(sql`INSERT INTO orders (id, customer_id, email, status, currency, lines,
				address, shipping_method, subtotal, shipping_amount, tax_amount, tax_rate_bp, discount_amount, total,
				reservation_id, created_at, updated_at, expires_at)
			SELECT j.value->>0, j.value->>1, j.value->>2, 'pending_payment', j.value->>3, j.value->>4, j.value->>5,
				'standard', j.value->>6, j.value->>7, j.value->>8, j.value->>9, 0, j.value->>10, j.value->>11, ${at}, ${at},
				j.value->>12
			FROM json_each(${json}) j WHERE true
			ON CONFLICT DO NOTHING RETURNING id`);
		if (created.length > 0) {
			await tx.run(sql`INSERT INTO order_transitions (order_id, from_status, to_status, at, actor, reason)
				SELECT value, NULL, 'pending_payment', ${at}, 'flash-sale', 'flash-sale reservation'
				FROM json_each(${JSON.stringify(created.map((r) => r.id))})`);
		}
		return created.map((r) => r.id);
	});
}
