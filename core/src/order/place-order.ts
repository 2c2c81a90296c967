import { createHash } from "node:crypto";
import { GuestId } from "@bazaar/contracts/cart";
import { type Billing, billingOf, type Order, PlaceOrderInput } from "@bazaar/contracts/order";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { changes } from "../lib/db";
import { emailHash } from "../lib/email-key";
import { ConflictError, isUniqueViolation, ServiceError, ValidationError } from "../lib/errors";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordTransition } from "./events";
import { SHIPPING_RATES } from "./pricing/shipping";
import { computeTotals } from "./pricing/totals";
import { addressColumn, loadOrder, shippingMethodColumn } from "./records";

export interface PlaceOrderResult {
	order: Order;
	/** false when the idempotency key had already placed this order (a replay). */
	created: boolean;
}

/**
 * Creates an order in pending_payment from lines the checkout priced on the server, with its
 * totals computed here. Idempotent per customer and key: the same key with the same body gives
 * the same order; with another body it is a 422. One write transaction of six statements (BEGIN,
 * key, order, transition, outbox, COMMIT), whatever the number of lines.
 */
export async function placeOrder(ctx: OrderContext, input: PlaceOrderInput): Promise<PlaceOrderResult> {
	const req = PlaceOrderInput.parse(input);
	if (!SHIPPING_RATES[req.currency]) {
		throw new ValidationError(`Orders in ${req.currency} are not supported.`, [
			{ path: "currency", message: `one of ${Object.keys(SHIPPING_RATES).join(", ")}` },
		]);
	}
	// Nothing ships without an address: every line weighs nothing (digital goods, booked services).
	if (req.address === null && req.lines.some((l) => l.weightGrams > 0)) {
		throw new ValidationError("This order has goods to ship: it needs a shipping address and method.", [
			{ path: "address", message: "required: some lines ship" },
		]);
	}
	const billing = req.address === null ? (req.billing as Billing) : billingOf(req.address);
	const { lines, totals, shippingDiscount } = computeTotals({
		...req,
		address: req.address ?? billing,
		freeShipping: req.freeShipping !== null,
	});
	const promotions: Order["promotions"] = {
		applied: req.freeShipping
			? req.promotions.map((p) => (p.ruleId === req.freeShipping?.ruleId ? { ...p, amount: shippingDiscount } : p))
			: req.promotions,
		couponCode: req.couponCode,
		shippingDiscount,
	};
	// The key stands for what the shopper asked for; the ids the workflow allocated per attempt
	// (order, reservation) are not part of it, so a retried checkout still matches.
	const requestHash = createHash("sha256")
		.update(
			JSON.stringify(
				[
					req.email,
					req.currency,
					req.lines,
					req.address ?? billing,
					req.shippingMethod,
					totals.total,
					req.couponCode,
				].map(canon),
			),
		)
		.digest("base64url");
	const nowMs = ctx.now();
	const at = iso(nowMs);
	const order: Order = {
		id: req.orderId ?? newId("ord"),
		customerId: req.customerId,
		email: req.email,
		status: "pending_payment",
		currency: req.currency,
		lines,
		address: req.address,
		shippingMethod: req.shippingMethod,
		billing,
		subtotal: totals.subtotal,
		shippingAmount: totals.shipping,
		taxAmount: totals.tax,
		taxRateBp: totals.taxRateBp,
		discountAmount: totals.discount,
		total: totals.total,
		promotions,
		reservationId: req.reservationId,
		paymentGateway: null,
		paymentReference: null,
		paymentId: null,
		trackingNumber: null,
		refundedAmount: 0,
		createdAt: at,
		updatedAt: at,
		expiresAt: iso(nowMs + ctx.paymentTtlMs),
	};

	// A guest's order is found again by its email (a lookup, a claim at sign-up), never an account's.
	const guestEmailHash = GuestId.safeParse(req.customerId).success ? emailHash(req.email) : null;
	let result: PlaceOrderResult;
	try {
		result = await orderWrite(ctx, async (tx) => {
			const claimed =
				await tx.run(sql`INSERT INTO idempotency_keys (customer_id, key, request_hash, order_id, created_at)
				VALUES (${req.customerId}, ${req.idempotencyKey}, ${requestHash}, ${order.id}, ${at}) ON CONFLICT DO NOTHING`);
			if (changes(claimed) === 0) {
				const [seen] = await tx.all<{ requestHash: string; orderId: string }>(sql`SELECT request_hash AS requestHash,
					order_id AS orderId FROM idempotency_keys WHERE customer_id = ${req.customerId} AND key = ${req.idempotencyKey}`);
				if (!seen || seen.requestHash !== requestHash) {
					throw new ServiceError(422, "This Idempotency-Key was already used for a different order request.");
				}
				const existing = await loadOrder(tx, seen.orderId);
				if (!existing) throw new Error(`idempotency key points at missing order ${seen.orderId}`);
				return { order: existing, created: false };
			}
			await tx.run(sql`INSERT INTO orders (id, customer_id, email, guest_email_hash, status, currency, lines, address,
					shipping_method, subtotal, shipping_amount, tax_amount, tax_rate_bp, discount_amount, total, promotions,
					reservation_id, created_at, updated_at, expires_at)
				VALUES (${order.id}, ${order.customerId}, ${order.email}, ${guestEmailHash}, 'pending_payment', ${order.currency},
					${JSON.stringify(lines)}, ${addressColumn(order)}, ${shippingMethodColumn(order)}, ${order.subtotal},
					${order.shippingAmount}, ${order.taxAmount}, ${order.taxRateBp}, ${order.discountAmount}, ${order.total},
					${JSON.stringify(promotions)}, ${order.reservationId}, ${at}, ${at}, ${order.expiresAt})`);
			await recordTransition(tx, order, { from: null, type: "order.placed", at, actor: req.customerId });
			return { order, created: true };
		});
	} catch (err) {
		if (isUniqueViolation(err)) {
			throw new ConflictError("That reservation or order id already belongs to another order.");
		}
		throw err;
	}
	return result;
}

/** JSON with sorted keys, so the hash does not depend on property order. */
function canon(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canon);
	if (value && typeof value === "object") {
		return Object.fromEntries(
			Object.entries(value as Record<string, unknown>)
				.filter(([, v]) => v !== undefined)
				.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
				.map(([k, v]) => [k, canon(v)]),
		);
	}
	return value;
}
