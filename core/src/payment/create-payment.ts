import { CreatePaymentInput, type Payment } from "@bazaar/contracts/payment";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { ConflictError, ServiceError, ValidationError } from "../lib/errors";
import { iso, type PaymentContext } from "./context";
import { PAYMENT_COLUMNS, type PaymentRecord, toPayment } from "./records";

/** No gateway is enabled (no real one configured, the sandbox off): nothing can be paid. */
export class NoGatewayError extends ConflictError {
	constructor() {
		super("No payment gateway is configured: this shop cannot take payments right now.");
	}
}

export interface CreatePaymentResult {
	payment: Payment;
	/** false: an earlier call (same key, or the order's live attempt) is answered again. */
	created: boolean;
}

/**
 * Starts paying an order at a gateway and returns where the shopper goes next (redirectUrl or
 * clientSecret). At most one live attempt per order: a double click, a second tab or a retried
 * checkout gets the same payment page (a partial UNIQUE index holds this across processes); an
 * order already paid is a 409. Three statements, no transaction held across the gateway call:
 * look up, the gateway, insert. A crash between the gateway call and the insert is repaired by
 * the retry (the gateway answers the same idempotency key with the same reference).
 */
export async function createPayment(ctx: PaymentContext, input: CreatePaymentInput): Promise<CreatePaymentResult> {
	const req = CreatePaymentInput.parse(input);
	const gatewayName = req.gateway ?? ctx.defaultGateway;
	if (gatewayName === null) throw new NoGatewayError();
	const gateway = ctx.gateways.get(gatewayName);
	if (!gateway) {
		throw new ValidationError(`The payment gateway ${gatewayName} is not enabled.`, [
			{ path: "gateway", message: `one of ${[...ctx.gateways.keys()].join(", ")}` },
		]);
	}
	const db = ctx.database.db;
	const existing = await db.all<PaymentRecord>(sql`SELECT ${PAYMENT_COLUMNS} FROM payments
		WHERE idempotency_key = ${req.idempotencyKey}
			OR (order_id = ${req.orderId} AND (status IN ('created', 'requires_action') OR settled_order_id IS NOT NULL))`);
	const settled = existing.find((p) => p.settledOrderId !== null && p.orderId === req.orderId);
	if (settled) throw new ConflictError(`Order ${req.orderId} is already paid (payment ${settled.id}).`);
	// Only a row found by its key can belong to another order.
	if (existing.some((p) => p.orderId !== req.orderId)) {
		throw new ServiceError(422, "This idempotency key was already used for another payment request.");
	}
	if (existing.some((p) => p.amount !== req.amount.amount || p.currency !== req.amount.currency)) {
		throw new ConflictError(`Order ${req.orderId} has a payment for another amount.`);
	}
	const live = existing.find((p) => p.status === "created" || p.status === "requires_action") ?? existing[0];
	if (live) {
		if (live.gateway === gatewayName) {
			return { payment: toPayment(live), created: false };
		}
		// The shopper switched gateways: the old attempt is given up (a success it still reports
		// is recorded all the same: money taken is never ignored).
		await ctx.database.write((tx) =>
			tx.run(sql`UPDATE payments SET status = 'cancelled', updated_at = ${iso(ctx.now())}
				WHERE id = ${live.id} AND status IN ('created', 'requires_action')`),
		);
	}

	const paymentId = newId("pay");
	const started = await gateway.createPayment({
		paymentId,
		orderId: req.orderId,
		amount: req.amount,
		returnUrl: req.returnUrl,
		cancelUrl: req.cancelUrl,
		idempotencyKey: `${gatewayName}:${req.idempotencyKey}`,
		...(req.expiresAt ? { expiresAt: req.expiresAt } : {}),
	});
	const at = iso(ctx.now());
	const [row] = await ctx.database.write((tx) =>
		tx.all<PaymentRecord>(sql`INSERT INTO payments (id, order_id, gateway, reference, amount, currency,
			status, redirect_url, client_secret, idempotency_key, expires_at, created_at, updated_at)
		VALUES (${paymentId}, ${req.orderId}, ${gatewayName}, ${started.reference}, ${req.amount.amount},
			${req.amount.currency}, 'requires_action', ${started.redirectUrl ?? null}, ${started.clientSecret ?? null},
			${req.idempotencyKey}, ${req.expiresAt ?? null}, ${at}, ${at})
		ON CONFLICT DO NOTHING RETURNING ${PAYMENT_COLUMNS}`),
	);
	if (row) return { payment: toPayment(row), created: true };
	// A concurrent call for the same order or key got there first: answer with its payment.
	const [winner] = await db.all<PaymentRecord>(sql`SELECT ${PAYMENT_COLUMNS} FROM payments
		WHERE idempotency_key = ${req.idempotencyKey}
			OR (order_id = ${req.orderId} AND status IN ('created', 'requires_action'))
			OR (gateway = ${gatewayName} AND reference = ${started.reference}) LIMIT 1`);
	if (!winner) throw new ConflictError(`Order ${req.orderId} changed while its payment was being created; retry.`);
	return { payment: toPayment(winner), created: false };
}
