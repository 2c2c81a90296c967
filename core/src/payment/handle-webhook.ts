import type { GatewayEvent, PaymentStatus, WebhookResult } from "@bazaar/contracts/payment";
import { sql } from "drizzle-orm";
import { emit } from "../bus/emit";
import { changes, type TxDb } from "../lib/db";
import { NotFoundError } from "../lib/errors";
import { iso, type PaymentContext, paymentWrite } from "./context";
import { IgnoredWebhook } from "./gateway";
import { loadPaymentBy, PAYMENT_COLUMNS, type PaymentRecord } from "./records";

// Webhooks are at-least-once and unordered. Each one is verified by its gateway, claimed by its
// event id (a replay changes nothing), and applied only forward — all in one write transaction
// with the bus event it causes. The route answers 2xx only after that commit.

/** Which statuses an event may move a payment from. A success is a fact: it is never refused. */
const FROM: Record<GatewayEvent["type"], PaymentStatus[]> = {
	"payment.succeeded": ["created", "requires_action", "failed", "cancelled"],
	"payment.failed": ["created", "requires_action"],
	"payment.cancelled": ["created", "requires_action"],
	"payment.refunded": ["succeeded", "partially_refunded"],
};

/**
 * A provider's webhook, by its endpoint name (`/payment/webhooks/<endpoint>`): the gateway that
 * answers there is the one whose webhookEndpoint (or, without one, name) it is — so Stripe's one
 * URL works with either flow alone or both.
 */
export async function handleWebhook(
	ctx: PaymentContext,
	endpoint: string,
	rawBody: string,
	headers: Headers,
): Promise<WebhookResult> {
	const gateway = [...ctx.gateways.values()].find((g) => (g.webhookEndpoint ?? g.name) === endpoint);
	if (!gateway) throw new NotFoundError(`The payment webhook endpoint ${endpoint.slice(0, 40)}`);
	let event: GatewayEvent;
	try {
		event = await gateway.parseWebhook(rawBody, headers);
	} catch (err) {
		if (err instanceof IgnoredWebhook) return { received: true, outcome: "ignored", paymentId: null, status: null };
		throw err;
	}
	return applyGatewayEvent(ctx, gateway.name, event);
}

/**
 * Applies one verified event (a webhook, or what reconciliation learnt by asking the gateway):
 * claimed by its id, then moved forward only, in one transaction with the bus event it causes.
 */
export async function applyGatewayEvent(
	ctx: PaymentContext,
	gatewayName: string,
	event: GatewayEvent,
): Promise<WebhookResult> {
	const gateway = ctx.gateways.get(gatewayName);
	const settles = gateway?.settlesFor ?? [gatewayName];
	// Events are de-duplicated per endpoint: one provider's event id is one event, whichever of its
	// flows' gateways read it.
	const claimAs = gateway?.webhookEndpoint ?? gatewayName;
	const at = iso(ctx.now());
	return paymentWrite(ctx, async (tx) => {
		const claimed =
			await tx.run(sql`INSERT INTO webhook_events (gateway, event_id, type, reference, outcome, received_at)
			VALUES (${claimAs}, ${event.id}, ${event.type}, ${event.reference}, 'applied', ${at}) ON CONFLICT DO NOTHING`);
		if (changes(claimed) === 0) return { received: true, outcome: "duplicate", paymentId: null, status: null };
		const byId = event.paymentId ? await loadPaymentBy(tx, { id: event.paymentId }) : null;
		const payment =
			byId && settles.includes(byId.gateway)
				? byId
				: await loadPaymentBy(tx, { gateways: settles, reference: event.reference });
		if (!payment) return settleOutcome(tx, claimAs, event.id, "unknown_reference", null);
		const applied = await apply(tx, at, payment, event);
		if (!applied) return settleOutcome(tx, claimAs, event.id, "stale", payment);
		return { received: true, outcome: "applied", paymentId: applied.id, status: applied.status };
	});
}

async function settleOutcome(
	tx: TxDb,
	gateway: string,
	eventId: string,
	outcome: "stale" | "unknown_reference",
	payment: PaymentRecord | null,
): Promise<WebhookResult> {
	await tx.run(
		sql`UPDATE webhook_events SET outcome = ${outcome} WHERE gateway = ${gateway} AND event_id = ${eventId}`,
	);
	return { received: true, outcome, paymentId: payment?.id ?? null, status: payment?.status ?? null };
}

async function apply(tx: TxDb, at: string, p: PaymentRecord, event: GatewayEvent): Promise<PaymentRecord | null> {
	const from = FROM[event.type];
	if (!from.includes(p.status)) return null;
	const allowed = sql.join(
		from.map((s) => sql`${s}`),
		sql`, `,
	);
	const base = { paymentId: p.id, orderId: p.orderId, gateway: p.gateway, reference: p.reference };
	const amount = { amount: Number(p.amount), currency: p.currency };

	if (event.type === "payment.succeeded") {
		// The first success settles the order; the UNIQUE settled_order_id makes a second one stay
		// NULL (it is flagged duplicate, so the order records it for a refund).
		const [row] = await tx.all<PaymentRecord>(sql`UPDATE payments SET status = 'succeeded', updated_at = ${at},
				failure_reason = NULL,
				settled_order_id = CASE WHEN EXISTS (SELECT 1 FROM payments WHERE settled_order_id = ${p.orderId})
					THEN NULL ELSE order_id END
			WHERE id = ${p.id} AND status IN (${allowed}) RETURNING ${PAYMENT_COLUMNS}`);
		if (!row) return null;
		await emit(tx, {
			type: "payment.succeeded",
			source: "payment",
			key: p.orderId,
			occurredAt: at,
			data: { ...base, amount, duplicate: row.settledOrderId === null },
		});
		return row;
	}
	if (event.type === "payment.failed" || event.type === "payment.cancelled") {
		const status = event.type === "payment.failed" ? "failed" : "cancelled";
		const reason = event.failureReason ?? null;
		const [row] = await tx.all<PaymentRecord>(sql`UPDATE payments SET status = ${status}, updated_at = ${at},
				failure_reason = ${reason}
			WHERE id = ${p.id} AND status IN (${allowed}) RETURNING ${PAYMENT_COLUMNS}`);
		if (!row) return null;
		await emit(tx, {
			type: "payment.failed",
			source: "payment",
			key: p.orderId,
			occurredAt: at,
			data: { ...base, status, reason },
		});
		return row;
	}
	// Refunds: the event carries the cumulative refunded amount, so a late or repeated one never
	// moves it backwards.
	const refunded = Math.min(event.refundedAmount ?? 0, Number(p.amount));
	if (refunded <= Number(p.refundedAmount)) return null;
	const status = refunded === Number(p.amount) ? "refunded" : "partially_refunded";
	const [row] = await tx.all<PaymentRecord>(sql`UPDATE payments SET status = ${status}, refunded_amount = ${refunded},
			updated_at = ${at}
		WHERE id = ${p.id} AND status IN (${allowed}) AND refunded_amount < ${refunded} RETURNING ${PAYMENT_COLUMNS}`);
	if (!row) return null;
	await emit(tx, {
		type: "payment.refunded",
		source: "payment",
		key: p.orderId,
		occurredAt: at,
		data: { ...base, amount, refundedAmount: refunded, status },
	});
	return row;
}
