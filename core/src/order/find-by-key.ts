import type { Order } from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import type { OrderContext } from "./context";
import { ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";

/**
 * The order a customer's Idempotency-Key already placed, or null. One statement. The checkout
 * workflow asks first, so a retried checkout answers again without touching the (by then
 * emptied) cart or the inventory.
 */
export async function findByIdempotencyKey(ctx: OrderContext, customerId: string, key: string): Promise<Order | null> {
	const [row] = await ctx.database.db.all<OrderRecord>(sql`SELECT ${ORDER_COLUMNS} FROM orders
		WHERE id = (SELECT order_id FROM idempotency_keys WHERE customer_id = ${customerId} AND key = ${key})`);
	return row ? toOrder(row) : null;
}
