import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";

export interface DeliveredLine {
	productId: string;
	productSlug: string;
	productTitle: string;
}

/**
 * Records that the customer received these products (order.delivered, through the review
 * workflow's consumer, in the caller's handleOnce transaction). A repeat changes nothing.
 */
export async function recordDeliveredIn(
	tx: TxDb,
	delivery: { customerId: string; orderId: string; deliveredAt: string; lines: DeliveredLine[] },
): Promise<number> {
	let added = 0;
	for (const line of delivery.lines) {
		const rows = await tx.all(sql`INSERT INTO review_purchases
				(customer_id, product_id, order_id, product_slug, product_title, delivered_at)
			VALUES (${delivery.customerId}, ${line.productId}, ${delivery.orderId}, ${line.productSlug},
				${line.productTitle}, ${delivery.deliveredAt})
			ON CONFLICT DO NOTHING RETURNING 1`);
		added += rows.length;
	}
	return added;
}
