import type { GatewayEvent, GatewayInfo } from "@bazaar/contracts/payment";
import type { Money } from "@bazaar/money";
import { ServiceError } from "../lib/errors";

// What every payment gateway implements: the built-in sandbox now, Stripe and PayPal next
// (issue 4). Card data never crosses it: the shopper pays on the gateway's own page (redirect)
// or in its own element (clientSecret); we only ever hold the gateway's reference.

export interface CreateGatewayPayment {
	/** Our payment id; gateways keep it as metadata (Stripe metadata, PayPal custom_id). */
	paymentId: string;
	orderId: string;
	amount: Money;
	/** Where the gateway sends the shopper after paying / after giving up. */
	returnUrl: string;
	cancelUrl: string;
	/** Passed to the gateway's own idempotency (Stripe Idempotency-Key, PayPal-Request-Id). */
	idempotencyKey: string;
	/**
	 * When the order stops waiting (ISO): the gateway's session should end then too, as far as it
	 * allows, so a payment after the order expired is as unlikely as it can be.
	 */
	expiresAt?: string;
}

/** One of the two, depending on the gateway's flow. */
export interface GatewayPaymentCreated {
	/** The gateway's id for this payment (PaymentIntent / Checkout Session id, PayPal order id). */
	reference: string;
	/** Redirect flows (sandbox, Stripe Checkout, PayPal approval link). */
	redirectUrl?: string;
	/** Embedded flows (Stripe Payment Element). */
	clientSecret?: string;
}

export type GatewayStatus = "requires_action" | "succeeded" | "failed" | "cancelled";

export interface GatewayPaymentStatus {
	status: GatewayStatus;
	amount: Money;
	/** Refunded so far, minor units. */
	refundedAmount: number;
}

export interface GatewayRefund {
	refundId: string;
	status: "succeeded" | "pending" | "failed";
}

export interface PaymentGateway {
	/** Stable name stored with each payment ("sandbox", "stripe", "paypal"). */
	readonly name: string;
	/**
	 * The gateway names whose payments this one's webhooks may settle (one Stripe account, one
	 * endpoint, two flows). Default: its own name only.
	 */
	readonly settlesFor?: readonly string[];
	/**
	 * The provider's one webhook endpoint, `/payment/webhooks/<this>` (the edge's public
	 * `/webhooks/payment/<this>`), whatever flows are enabled: "stripe" for both Stripe flows.
	 * Default: its own name.
	 */
	readonly webhookEndpoint?: string;
	/** How the checkout page offers it; the module fills in a plain redirect entry when absent. */
	describe?(): GatewayInfo;
	/**
	 * The shopper is back on our return URL: confirm with the gateway now rather than wait for the
	 * webhook (PayPal captures here — but never after the payment's expiresAt). Returns the event to
	 * apply, or null when nothing is settled yet. Without it, the module asks getStatus.
	 */
	confirmReturn?(reference: string, payment: { expiresAt: string | null }): Promise<GatewayEvent | null>;
	createPayment(request: CreateGatewayPayment): Promise<GatewayPaymentCreated>;
	/**
	 * Verifies a webhook's signature and freshness on the raw bytes as received, then maps the
	 * gateway's event to ours. Throws WebhookRejectedError (→ 400) on a bad signature, a stale
	 * timestamp or a body it cannot read: nothing is applied. Throws IgnoredWebhook for a genuine
	 * event that means nothing to us (answered 200, recorded, nothing applied).
	 */
	parseWebhook(rawBody: string, headers: Headers): Promise<GatewayEvent>;
	/** The gateway's view of a payment (reconciliation of missed webhooks). */
	getStatus(reference: string): Promise<GatewayPaymentStatus>;
	/** Refunds part or all of a succeeded payment; the same idempotency key refunds once. */
	refund(reference: string, amount: Money, idempotencyKey: string): Promise<GatewayRefund>;
}

/**
 * What a gateway's own answer about a payment means as an event, applied like its webhook would
 * be (on the shopper's return, by reconciliation); null while it still waits for the shopper.
 * The id is `<idPrefix>:<status>`, so asking again is a duplicate, never a second change.
 */
export function eventFromStatus(
	answer: GatewayPaymentStatus,
	event: { idPrefix: string; reference: string; paymentId?: string; occurredAt: string; failureReason?: string },
): GatewayEvent | null {
	if (answer.status === "requires_action") return null;
	const type =
		answer.status === "succeeded"
			? "payment.succeeded"
			: answer.status === "failed"
				? "payment.failed"
				: "payment.cancelled";
	const { idPrefix, failureReason, ...rest } = event;
	return {
		...rest,
		id: `${idPrefix}:${answer.status}`,
		type,
		amount: answer.amount,
		...(type === "payment.failed" && failureReason ? { failureReason } : {}),
	};
}

export class WebhookRejectedError extends ServiceError {
	constructor(reason: string) {
		super(400, `The webhook was rejected: ${reason}.`);
	}
}

/** A verified event of a type we do not act on; gateways stop retrying once it is acknowledged. */
export class IgnoredWebhook extends Error {}
