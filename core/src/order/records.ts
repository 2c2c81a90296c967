import {
	type Address,
	type Billing,
	billingOf,
	type Order,
	type OrderEventData,
	type OrderLine,
	type OrderStatus,
	type ShippingMethod,
	type Transition,
} from "@bazaar/contracts/order";
import { sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";

// Rows ↔ API shapes. Reads use raw SQL with explicit columns so one statement returns what a
// verb needs, inside or outside a transaction.

export const ORDER_COLUMNS = sql.raw(
	`id, customer_id AS customerId, email, status, currency, lines, address, shipping_method AS shippingMethod,
	subtotal, shipping_amount AS shippingAmount, tax_amount AS taxAmount, tax_rate_bp AS taxRateBp,
	discount_amount AS discountAmount, total, promotions, reservation_id AS reservationId, payment_gateway AS paymentGateway,
	payment_reference AS paymentReference, payment_id AS paymentId, tracking_number AS trackingNumber,
	refunded_amount AS refundedAmount, created_at AS createdAt, updated_at AS updatedAt, expires_at AS expiresAt`,
);

export type OrderRecord = Omit<Order, "lines" | "address" | "shippingMethod" | "billing" | "promotions"> & {
	lines: string;
	address: string;
	shippingMethod: string;
	promotions: string;
};

/**
 * An order with nothing to ship keeps `shipping_method = 'none'` and its billing (name, country,
 * region) in the address column: both columns stay NOT NULL, so orders placed before digital-only
 * checkouts read unchanged and no table rebuild was needed.
 */
export const NOTHING_SHIPS = "none";

export const addressColumn = (order: Pick<Order, "address" | "billing">) =>
	JSON.stringify(order.address ?? order.billing);
export const shippingMethodColumn = (order: Pick<Order, "shippingMethod">) => order.shippingMethod ?? NOTHING_SHIPS;

function placeOf(
	row: Pick<OrderRecord, "address" | "shippingMethod">,
): Pick<Order, "address" | "shippingMethod" | "billing"> {
	if (row.shippingMethod === NOTHING_SHIPS) {
		return { address: null, shippingMethod: null, billing: JSON.parse(row.address) as Billing };
	}
	const address = JSON.parse(row.address) as Address;
	return { address, shippingMethod: row.shippingMethod as ShippingMethod, billing: billingOf(address) };
}

export function toOrder(row: OrderRecord): Order {
	return {
		...row,
		subtotal: Number(row.subtotal),
		shippingAmount: Number(row.shippingAmount),
		taxAmount: Number(row.taxAmount),
		taxRateBp: Number(row.taxRateBp),
		discountAmount: Number(row.discountAmount),
		total: Number(row.total),
		refundedAmount: Number(row.refundedAmount),
		lines: JSON.parse(row.lines) as OrderLine[],
		...placeOf(row),
		promotions: JSON.parse(row.promotions) as Order["promotions"],
	} as Order;
}

export async function loadOrder(db: Pick<TxDb, "all">, id: string): Promise<Order | null> {
	const [row] = await db.all<OrderRecord>(sql`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ${id}`);
	return row ? toOrder(row) : null;
}

export async function loadTimeline(db: Pick<TxDb, "all">, id: string): Promise<Transition[]> {
	return db.all<Transition>(sql`SELECT from_status AS "from", to_status AS "to", at, actor, reason
		FROM order_transitions WHERE order_id = ${id} ORDER BY id`);
}

export function eventData(
	order: Order,
	extra: { reason?: string | null; refundedAmount?: number; bookingLine?: number } = {},
): OrderEventData {
	return {
		orderId: order.id,
		customerId: order.customerId,
		status: order.status as OrderStatus,
		reservationId: order.reservationId,
		total: { amount: order.total, currency: order.currency },
		lines: order.lines.map((l) => ({
			sku: l.sku,
			variantId: l.variantId,
			quantity: l.quantity,
			...(l.flashItemId ? { flashItemId: l.flashItemId } : {}),
		})),
		paymentId: order.paymentId,
		...(extra.reason !== undefined ? { reason: extra.reason } : {}),
		...(extra.refundedAmount !== undefined ? { refundedAmount: extra.refundedAmount } : {}),
		...(extra.bookingLine !== undefined ? { bookingLine: extra.bookingLine } : {}),
	};
}
