import { Money } from "@bazaar/money";
import { z } from "zod";
import { listPage, listQuery } from "./list";

// The payment module's requests, responses and events.

export const PaymentId = z
	.string()
	.max(40)
	.regex(/^pay_[0-9A-Z]{26}$/, "a payment id such as pay_01H…");

export const PAYMENT_STATUSES = [
	"created",
	"requires_action",
	"succeeded",
	"failed",
	"cancelled",
	"partially_refunded",
	"refunded",
] as const;
export const PaymentStatus = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const GatewayName = z.string().regex(/^[a-z][a-z0-9_-]{1,30}$/, "a gateway name such as stripe");

/** Where the gateway sends the shopper back: our own storefront only, never an arbitrary site. */
const ReturnUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const CreatePaymentInput = z.strictObject({
	orderId: z
		.string()
		.min(1)
		.max(64)
		.regex(/^[A-Za-z0-9_-]+$/),
	/** The order's total, as the order module computed it. */
	amount: Money.refine((m) => m.amount > 0, "a payment is for more than nothing"),
	gateway: GatewayName.optional(),
	returnUrl: ReturnUrl,
	cancelUrl: ReturnUrl,
	idempotencyKey: z
		.string()
		.min(8)
		.max(200)
		.regex(/^[\x21-\x7e]+$/),
	/**
	 * When the order stops waiting for its payment: the gateway's session ends then too, as far as
	 * the gateway allows (Stripe Checkout: at least 30 minutes; PayPal: never captured after it).
	 */
	expiresAt: z.iso.datetime().optional(),
});
export type CreatePaymentInput = z.input<typeof CreatePaymentInput>;

export const Payment = z.object({
	id: PaymentId,
	orderId: z.string(),
	gateway: z.string(),
	reference: z.string(),
	amount: Money,
	status: PaymentStatus,
	refundedAmount: z.number().int(),
	/** Where to send the shopper (redirect gateways) … */
	redirectUrl: z.string().nullable(),
	/** … or what the page's gateway element needs (Stripe PaymentIntents, next issue). */
	clientSecret: z.string().nullable(),
	failureReason: z.string().nullable(),
	/** When its order stops waiting for it; null: no end given. */
	expiresAt: z.string().nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Payment = z.infer<typeof Payment>;

// ---- what a gateway's verified webhook says, whatever the gateway --------------------------------

export const GatewayEventType = z.enum([
	"payment.succeeded",
	"payment.failed",
	"payment.cancelled",
	"payment.refunded",
]);
export type GatewayEventType = z.infer<typeof GatewayEventType>;

export const GatewayEvent = z.object({
	/** The gateway's own event id: webhooks are de-duplicated on it. */
	id: z.string().min(1).max(200),
	type: GatewayEventType,
	/** The gateway's id of the payment (what createPayment returned as `reference`). */
	reference: z.string().min(1).max(200),
	/**
	 * Our payment id when the gateway echoes it back (Stripe metadata, PayPal custom_id): events
	 * about a related object (a charge's refund, a capture) name the payment by it.
	 */
	paymentId: PaymentId.optional(),
	amount: Money.optional(),
	/** payment.refunded: everything refunded so far (cumulative, so order does not matter). */
	refundedAmount: z.number().int().min(0).optional(),
	failureReason: z.string().max(500).optional(),
	occurredAt: z.iso.datetime(),
});
export type GatewayEvent = z.infer<typeof GatewayEvent>;

export const WebhookResult = z.object({
	received: z.literal(true),
	/** applied | duplicate | stale (not forward) | unknown_reference | ignored (a type we do not act on) */
	outcome: z.enum(["applied", "duplicate", "stale", "unknown_reference", "ignored"]),
	paymentId: z.string().nullable(),
	status: PaymentStatus.nullable(),
});
export type WebhookResult = z.infer<typeof WebhookResult>;

// ---- events on the bus (source "payment", key = order id) -----------------------------------------

export const PaymentSucceededData = z.object({
	paymentId: z.string(),
	orderId: z.string(),
	gateway: z.string(),
	reference: z.string(),
	amount: Money,
	/** Another payment of the same order had already succeeded: this charge must be refunded. */
	duplicate: z.boolean(),
});
export const PaymentFailedData = z.object({
	paymentId: z.string(),
	orderId: z.string(),
	gateway: z.string(),
	reference: z.string(),
	status: z.enum(["failed", "cancelled"]),
	reason: z.string().nullable(),
});
export const PaymentRefundedData = z.object({
	paymentId: z.string(),
	orderId: z.string(),
	gateway: z.string(),
	reference: z.string(),
	amount: Money,
	refundedAmount: z.number().int(),
	status: z.enum(["partially_refunded", "refunded"]),
});

// ---- what the checkout page offers ------------------------------------------------------------------

export const GatewayInfo = z.object({
	name: GatewayName,
	/** What the shopper reads ("Card (Stripe)", "PayPal"). */
	label: z.string(),
	/** redirect: the shopper goes to the gateway's page; element: the gateway's element on ours. */
	flow: z.enum(["redirect", "element"]),
	/** element flows: the gateway's public key for its script (never a secret). */
	publishableKey: z.string().nullable(),
	/** The origins the checkout page's CSP must allow for this gateway (scripts, frames, forms). */
	origins: z.array(z.string()),
});
export type GatewayInfo = z.infer<typeof GatewayInfo>;
/** `default` is null when no gateway is enabled (the shop cannot take payments). */
export const GatewayList = z.object({ items: z.array(GatewayInfo), default: GatewayName.nullable() });
export type GatewayList = z.infer<typeof GatewayList>;

// ---- admin reads (core /payment/admin/*, the edge's /api/admin/payment/*) --------------------------

/** One refund asked of the gateway for a payment, whoever asked (an admin, the automatic refunds). */
export const PaymentRefund = z.object({
	amount: Money,
	/** Who asked and why: "admin refund by …", "automatic: payment received after the order expired". */
	reason: z.string(),
	/** requested: asked, no answer yet (or the answer was lost); the amount still counts. */
	status: z.enum(["requested", "succeeded", "pending", "failed"]),
	refundId: z.string().nullable(),
	createdAt: z.string(),
});
export type PaymentRefund = z.infer<typeof PaymentRefund>;

/** A payment with the refunds asked for it (the admin's view of an order's payments). */
export const OrderPayment = Payment.extend({ refunds: z.array(PaymentRefund) });
export type OrderPayment = z.infer<typeof OrderPayment>;

/**
 * GET /payment/admin/payments: every payment newest first, a page at a time; and
 * GET /payment/admin/orders/:orderId/payments: every payment of one order (one page, none: empty).
 */
export const PaymentList = listPage(OrderPayment);
export type PaymentList = z.infer<typeof PaymentList>;

/** One payment a reconciliation run asked its gateway about. */
export const ReconcileLine = z.object({
	paymentId: z.string(),
	gateway: z.string(),
	/** settled: the gateway's answer was applied as its webhook would have been. */
	outcome: z.enum(["settled", "still_pending", "error"]),
	detail: z.string(),
});
export type ReconcileLine = z.infer<typeof ReconcileLine>;

/** POST /payment/admin/reconcile answers the run; the scheduled sweeper records its own. */
export const ReconciliationRun = z.object({
	id: z.string(),
	/** "schedule" | "admin" */
	trigger: z.string(),
	startedAt: z.string(),
	finishedAt: z.string(),
	checked: z.number().int(),
	settled: z.number().int(),
	stillPending: z.number().int(),
	errors: z.number().int(),
	details: z.array(ReconcileLine),
});
export type ReconciliationRun = z.infer<typeof ReconciliationRun>;

/** GET /payment/admin/reconciliation-runs: the runs, newest first, a page at a time. */
export const ReconciliationRunList = listPage(ReconciliationRun);
export const ReconciliationRunQuery = listQuery({ trigger: z.enum(["schedule", "admin"]).optional() });
export type ReconciliationRunQuery = z.infer<typeof ReconciliationRunQuery>;

/** Staff: payments newest first, by status, gateway or order. */
export const PaymentQuery = listQuery({
	status: PaymentStatus.optional(),
	gateway: GatewayName.optional(),
	orderId: z
		.string()
		.regex(/^ord_[0-9A-Z]{26}$/, "an order id such as ord_01H…")
		.optional(),
});
export type PaymentQuery = z.infer<typeof PaymentQuery>;
export type ReconciliationRunList = z.infer<typeof ReconciliationRunList>;

// ---- the built-in sandbox gateway (PAYMENT_SANDBOX=on only) -------------------------------------

export const SandboxReference = z.string().regex(/^sbx_[A-Za-z0-9_-]{16,64}$/);

/** What the sandbox POSTs to our webhook endpoint. */
export const SandboxWebhookBody = z.object({
	id: z.string().min(1).max(100),
	type: z.enum(["payment.succeeded", "payment.failed", "payment.refunded"]),
	created: z.number().int(),
	data: z.object({
		reference: SandboxReference,
		paymentId: z.string(),
		orderId: z.string(),
		amount: z.number().int(),
		currency: z.string(),
		refundedAmount: z.number().int().optional(),
		failureReason: z.string().optional(),
	}),
});
export type SandboxWebhookBody = z.infer<typeof SandboxWebhookBody>;
