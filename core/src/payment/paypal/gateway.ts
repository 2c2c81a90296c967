import { GatewayEvent, PaymentId } from "@bazaar/contracts/payment";
import { randomToken } from "@bazaar/ids";
import type { Money } from "@bazaar/money";
import { z } from "zod";
import { ConflictError, NotFoundError, ServiceError, ValidationError } from "../../lib/errors";
import {
	type CreateGatewayPayment,
	type GatewayPaymentCreated,
	type GatewayPaymentStatus,
	type GatewayRefund,
	type PaymentGateway,
	WebhookRejectedError,
} from "../gateway";
import { fromPayPalAmount, toPayPalAmount } from "./amount";
import { PayPalClient } from "./client";
import type { PayPalConfig } from "./config";
import { IgnoredWebhook, PayPalApiError } from "./errors";
import {
	Capture,
	linkHref,
	Order,
	Refund,
	TransmissionHeaders,
	VerifyAnswer,
	type WebhookEventBody,
	WebhookEventBody as WebhookEventSchema,
} from "./wire";

// PayPal through its Orders v2 REST API (no SDK). createPayment creates an order (intent CAPTURE)
// and sends the shopper to PayPal's approval page; when the shopper comes back, confirmReturn
// captures it. Webhooks are verified by PayPal's verify-webhook-signature endpoint. Our payment id
// travels as custom_id, the order id as reference_id and invoice_id: PayPal refuses to complete a
// second transaction with the same invoice_id, one more guard against paying an order twice.
//
// Orders v2 has no expiry we can set, and money moves only when we capture: so a payment whose
// shop order stopped waiting is never captured. The payment's expiry travels in custom_id
// (`<payment id>:<unix seconds>`, read back from the approval webhook) and in our own record (the
// shopper's return); an approval after it is answered as a cancelled payment, the PayPal order is
// left uncaptured (PayPal lets it lapse) and nothing is charged.

export interface PayPalGatewayOptions extends Omit<PayPalConfig, "mode"> {
	/** Which PayPal site the shopper is sent to (for the checkout page's CSP). Default sandbox. */
	mode?: PayPalConfig["mode"];
	fetch?: typeof fetch;
	now?: () => number;
	timeoutMs?: number;
	/** Shown on PayPal's page. */
	brandName?: string;
	/** NO_SHIPPING: we collect the address at checkout and PayPal asks for none. */
	shippingPreference?: "NO_SHIPPING" | "SET_PROVIDED_ADDRESS";
	/**
	 * Capture when PayPal reports an approval (CHECKOUT.ORDER.APPROVED), so a shopper who approves
	 * and then closes the tab before coming back still pays. Default true.
	 */
	captureOnApproval?: boolean;
	/** How far a webhook's transmission time may be from our clock. Default 5 minutes. */
	maxWebhookSkewMs?: number;
}

/** What capturing an order (on the shopper's return, or on approval) came to. */
export interface PayPalCaptureOutcome {
	/** pending: PayPal holds the capture (e.g. an eCheck); its webhook settles it later. */
	status: "succeeded" | "failed" | "cancelled" | "requires_action" | "pending";
	captureId: string | null;
	/** To apply with the same forward-only rules as a webhook; null when there is nothing to apply. */
	event: GatewayEvent | null;
	/** requires_action: where to send the shopper (not approved yet, or the funding source was declined). */
	redirectUrl?: string;
}

/** Where PayPal's approval pages live (the payer-action links). */
export const PAYPAL_PAGE_ORIGINS = {
	sandbox: "https://www.sandbox.paypal.com",
	live: "https://www.paypal.com",
} as const;

/** PayPal order ids are short upper-case alphanumerics; anything else never reaches a URL path. */
const PayPalId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

const HEADERS = {
	auth_algo: "paypal-auth-algo",
	cert_url: "paypal-cert-url",
	transmission_id: "paypal-transmission-id",
	transmission_sig: "paypal-transmission-sig",
	transmission_time: "paypal-transmission-time",
} as const;

/** Capture 422 issues that mean "the shopper must approve (again) on PayPal's page". */
const NEEDS_PAYER = new Set(["INSTRUMENT_DECLINED", "ORDER_NOT_APPROVED", "PAYER_ACTION_REQUIRED"]);
/** Capture 422 issues that mean "a capture of this order is already being processed". */
const IN_PROGRESS = new Set(["PREVIOUS_REQUEST_IN_PROGRESS", "ORDER_COMPLETION_IN_PROGRESS"]);
/** Refund 422 issues that mean "more than what is left". */
const OVER_REFUND = new Set([
	"REFUND_AMOUNT_EXCEEDED",
	"CAPTURE_FULLY_REFUNDED",
	"REFUND_EXCEEDED_TRANSACTION_AMOUNT",
	"PARTIAL_REFUND_NOT_ALLOWED",
]);

export class PayPalGateway implements PaymentGateway {
	readonly name = "paypal";
	private readonly client: PayPalClient;
	private readonly now: () => number;
	private readonly webhookId: string;

	constructor(private readonly o: PayPalGatewayOptions) {
		this.client = new PayPalClient(o);
		this.now = o.now ?? Date.now;
		this.webhookId = o.webhookId;
		// The options held the secret; only the client (in a private field) keeps it.
		this.o = { ...o, clientSecret: "[redacted]" };
	}

	async createPayment(req: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
		const amount = toPayPalAmount(req.amount);
		const order = await this.client.request({
			operation: `creating an order for ${req.orderId}`,
			method: "POST",
			path: "/v2/checkout/orders",
			requestId: req.idempotencyKey,
			schema: Order,
			body: {
				intent: "CAPTURE",
				purchase_units: [
					{
						reference_id: req.orderId,
						custom_id: customIdOf(req.paymentId, req.expiresAt),
						invoice_id: req.orderId,
						amount,
					},
				],
				payment_source: {
					paypal: {
						experience_context: {
							brand_name: this.o.brandName ?? "Bazaar",
							shipping_preference: this.o.shippingPreference ?? "NO_SHIPPING",
							user_action: "PAY_NOW",
							payment_method_preference: "IMMEDIATE_PAYMENT_REQUIRED",
							return_url: req.returnUrl,
							cancel_url: req.cancelUrl,
						},
					},
				},
			},
		});
		const redirectUrl = linkHref(order.links, "payer-action", "approve");
		if (!redirectUrl)
			throw new PayPalApiError(`creating an order for ${req.orderId}`, 201, { name: "NO_APPROVAL_LINK" });
		return { reference: order.id, redirectUrl };
	}

	/**
	 * The shopper is back from PayPal (returnUrl?token=<order id>&PayerID=…): capture the order and
	 * answer the event to apply (null: nothing settled yet — not approved, the funding source was
	 * declined and PayPal wants the shopper back on its page, or the capture is pending).
	 */
	async confirmReturn(reference: string, payment: { expiresAt: string | null } = { expiresAt: null }) {
		if (payment.expiresAt !== null && Date.parse(payment.expiresAt) <= this.now()) {
			return this.outcomeAfterExpiry(await this.order(orderIdOf(reference)), `expired-${reference}`).event;
		}
		return (await this.captureReturn(reference)).event;
	}

	/**
	 * The shop's order stopped waiting: never capture now. Captured before (in time) → that success;
	 * otherwise the payment is cancelled and the PayPal order left to lapse uncaptured.
	 */
	private outcomeAfterExpiry(order: Order, eventId: string): PayPalCaptureOutcome {
		const outcome = this.outcomeOf(order);
		if (outcome.status !== "requires_action" && outcome.status !== "pending") return outcome;
		const event = GatewayEvent.parse({
			id: eventId,
			type: "payment.cancelled",
			reference: order.id,
			paymentId: paymentIdOf(unitOf(order)?.custom_id),
			failureReason: "the shop's order expired before PayPal's approval; not captured, nothing charged",
			occurredAt: new Date(this.now()).toISOString(),
		});
		return { status: "cancelled", captureId: null, event };
	}

	/**
	 * confirmReturn with the details: the capture id, and where to send the shopper when PayPal
	 * needs them again. Safe to call any number of times: PayPal captures an order once (a second
	 * capture answers ORDER_ALREADY_CAPTURED and we read the order instead): never a second charge.
	 */
	captureReturn(reference: string): Promise<PayPalCaptureOutcome> {
		return this.capture(reference, `return-${reference}-${randomToken(9)}`);
	}

	/** How the checkout page offers PayPal: a redirect to PayPal's own page. */
	describe() {
		return {
			name: this.name,
			label: "PayPal",
			flow: "redirect" as const,
			publishableKey: null,
			origins: [PAYPAL_PAGE_ORIGINS[this.o.mode ?? "sandbox"]],
		};
	}

	async capture(reference: string, idempotencyKey: string): Promise<PayPalCaptureOutcome> {
		const id = orderIdOf(reference);
		try {
			const order = await this.client.request({
				operation: `capture of order ${id}`,
				method: "POST",
				path: `/v2/checkout/orders/${id}/capture`,
				requestId: idempotencyKey,
				prefer: "return=representation",
				schema: Order,
				body: {},
			});
			return this.outcomeOf(order);
		} catch (err) {
			if (!(err instanceof PayPalApiError)) throw err;
			if (err.paypalStatus === 404) throw new NotFoundError("The PayPal order");
			if (err.issue === "ORDER_ALREADY_CAPTURED") return this.outcomeOf(await this.order(id));
			if (err.issue && IN_PROGRESS.has(err.issue)) {
				// Another capture of this order is under way: whatever it comes to, it is the one.
				const outcome = this.outcomeOf(await this.order(id));
				return outcome.status === "requires_action" ? { status: "pending", captureId: null, event: null } : outcome;
			}
			if (err.issue && NEEDS_PAYER.has(err.issue)) {
				const order = await this.order(id);
				return { ...this.outcomeOf(order), status: "requires_action" };
			}
			if (err.issue === "DUPLICATE_INVOICE_ID") {
				// PayPal already completed a transaction for this shop order: another attempt paid it.
				const event = GatewayEvent.parse({
					id: `duplicate-invoice-${id}`,
					type: "payment.failed",
					reference: id,
					failureReason: "PayPal already took a payment for this order",
					occurredAt: new Date(this.now()).toISOString(),
				});
				return { status: "failed", captureId: null, event };
			}
			throw err;
		}
	}

	async parseWebhook(rawBody: string, headers: Headers): Promise<GatewayEvent> {
		const transmission = TransmissionHeaders.safeParse(
			Object.fromEntries(Object.entries(HEADERS).map(([key, header]) => [key, headers.get(header) ?? undefined])),
		);
		if (!transmission.success)
			throw new WebhookRejectedError("the PayPal transmission headers are missing or malformed");
		const sentAt = Date.parse(transmission.data.transmission_time);
		if (Math.abs(this.now() - sentAt) > (this.o.maxWebhookSkewMs ?? 5 * 60_000)) {
			throw new WebhookRejectedError("the transmission time is too far from now");
		}
		const event = readEvent(rawBody);
		// The event goes back to PayPal byte for byte: a re-serialized copy may not verify.
		const verification = `{"auth_algo":${JSON.stringify(transmission.data.auth_algo)},"cert_url":${JSON.stringify(
			transmission.data.cert_url,
		)},"transmission_id":${JSON.stringify(transmission.data.transmission_id)},"transmission_sig":${JSON.stringify(
			transmission.data.transmission_sig,
		)},"transmission_time":${JSON.stringify(transmission.data.transmission_time)},"webhook_id":${JSON.stringify(
			this.webhookId,
		)},"webhook_event":${rawBody}}`;
		const answer = await this.client.request({
			operation: "webhook signature verification",
			method: "POST",
			path: "/v1/notifications/verify-webhook-signature",
			body: verification,
			schema: VerifyAnswer,
		});
		if (answer.verification_status !== "SUCCESS") throw new WebhookRejectedError("PayPal did not verify its signature");
		try {
			return await this.eventOf(event);
		} catch (err) {
			if (err instanceof ServiceError || err instanceof IgnoredWebhook) throw err;
			// Verified, but not what PayPal documents (e.g. an amount we cannot read): refused, not a 500.
			throw new WebhookRejectedError(`the ${event.event_type} event could not be read`);
		}
	}

	async getStatus(reference: string): Promise<GatewayPaymentStatus> {
		const order = await this.order(orderIdOf(reference));
		const unit = order.purchase_units?.[0];
		if (!unit?.amount) throw new PayPalApiError(`reading order ${order.id}`, 200, { name: "NO_AMOUNT" });
		const outcome = this.outcomeOf(order).status;
		return {
			status: outcome === "pending" ? "requires_action" : outcome,
			amount: fromPayPalAmount(unit.amount),
			refundedAmount: refundedSoFar(order),
		};
	}

	async refund(reference: string, amount: Money, idempotencyKey: string): Promise<GatewayRefund> {
		const order = await this.order(orderIdOf(reference));
		const capture = capturedOf(order);
		if (!capture?.amount || !["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"].includes(capture.status)) {
			throw new ConflictError("Only a captured PayPal payment can be refunded.");
		}
		if (amount.amount <= 0 || amount.currency !== capture.amount.currency_code) {
			throw new ValidationError(`A refund is a positive amount in ${capture.amount.currency_code}.`);
		}
		try {
			const refund = await this.client.request({
				operation: `refund of capture ${capture.id}`,
				method: "POST",
				path: `/v2/payments/captures/${orderIdOf(capture.id)}/refund`,
				requestId: idempotencyKey,
				prefer: "return=representation",
				schema: Refund,
				body: { amount: toPayPalAmount(amount), invoice_id: unitOf(order)?.invoice_id },
			});
			const status = refund.status === "COMPLETED" ? "succeeded" : refund.status === "PENDING" ? "pending" : "failed";
			return { refundId: refund.id, status };
		} catch (err) {
			if (err instanceof PayPalApiError && err.paypalStatus === 422 && err.issue && OVER_REFUND.has(err.issue)) {
				throw new ServiceError(422, `over-refund: PayPal refuses to refund more than what is left (${err.issue}).`);
			}
			throw err;
		}
	}

	// ---- reading PayPal's objects -----------------------------------------------------------------

	private order(id: string): Promise<Order> {
		return this.client
			.request({ operation: `reading order ${id}`, method: "GET", path: `/v2/checkout/orders/${id}`, schema: Order })
			.catch((err) => {
				if (err instanceof PayPalApiError && err.paypalStatus === 404) throw new NotFoundError("The PayPal order");
				throw err;
			});
	}

	private getCapture(id: string): Promise<Capture> {
		return this.client.request({
			operation: `reading capture ${id}`,
			method: "GET",
			path: `/v2/payments/captures/${orderIdOf(id)}`,
			schema: Capture,
		});
	}

	/** Where an order stands, and the event that brings our payment there. */
	private outcomeOf(order: Order): PayPalCaptureOutcome {
		const unit = unitOf(order);
		const paymentId = paymentIdOf(unit?.custom_id);
		const capture = capturedOf(order);
		const at = new Date(this.now()).toISOString();
		if (order.status === "VOIDED") {
			const event = { id: `order-voided-${order.id}`, type: "payment.cancelled", reference: order.id, occurredAt: at };
			return { status: "cancelled", captureId: null, event: GatewayEvent.parse({ ...event, paymentId }) };
		}
		if (order.status !== "COMPLETED" || !capture) {
			return {
				status: "requires_action",
				captureId: null,
				event: null,
				redirectUrl: linkHref(order.links, "payer-action", "approve"),
			};
		}
		const occurredAt = isoOr(capture.update_time ?? capture.create_time, at);
		const amount = capture.amount ? fromPayPalAmount(capture.amount) : undefined;
		if (["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"].includes(capture.status)) {
			const event = GatewayEvent.parse({
				id: `capture-completed-${capture.id}`,
				type: "payment.succeeded",
				reference: order.id,
				paymentId,
				amount,
				occurredAt,
			});
			return { status: "succeeded", captureId: capture.id, event };
		}
		if (capture.status === "PENDING") return { status: "pending", captureId: capture.id, event: null };
		const event = GatewayEvent.parse({
			id: `capture-declined-${capture.id}`,
			type: "payment.failed",
			reference: order.id,
			paymentId,
			amount,
			failureReason: failureOf(capture),
			occurredAt,
		});
		return { status: "failed", captureId: capture.id, event };
	}

	/** Maps a verified PayPal event to ours (or IgnoredWebhook). */
	private async eventOf(e: WebhookEventBody): Promise<GatewayEvent> {
		const occurredAt = new Date(e.create_time).toISOString();
		switch (e.event_type) {
			case "PAYMENT.CAPTURE.COMPLETED":
			case "PAYMENT.CAPTURE.DENIED":
			case "PAYMENT.CAPTURE.DECLINED": {
				const capture = readResource(Capture, e);
				const orderId =
					capture.supplementary_data?.related_ids?.order_id ??
					(await this.getCapture(capture.id)).supplementary_data?.related_ids?.order_id;
				if (!orderId) throw new IgnoredWebhook(e.id, e.event_type, "the capture names no order");
				const succeeded = e.event_type === "PAYMENT.CAPTURE.COMPLETED";
				return GatewayEvent.parse({
					id: e.id,
					type: succeeded ? "payment.succeeded" : "payment.failed",
					reference: orderId,
					paymentId: paymentIdOf(capture.custom_id),
					amount: capture.amount ? fromPayPalAmount(capture.amount) : undefined,
					failureReason: succeeded ? undefined : failureOf(capture),
					occurredAt,
				});
			}
			case "PAYMENT.CAPTURE.REFUNDED": {
				const refund = readResource(Refund, e);
				const captureId = /\/v2\/payments\/captures\/([^/?#]+)$/.exec(linkHref(refund.links, "up") ?? "")?.[1];
				if (!captureId) throw new WebhookRejectedError("the refund names no capture");
				const capture = await this.getCapture(captureId);
				const orderId = capture.supplementary_data?.related_ids?.order_id;
				if (!orderId) throw new IgnoredWebhook(e.id, e.event_type, "the capture names no order");
				// Cumulative, so refunds arriving in any order never move the total backwards.
				const total = refund.seller_payable_breakdown?.total_refunded_amount;
				const refundedAmount = total
					? fromPayPalAmount(total).amount
					: refundedSoFar(await this.order(orderIdOf(orderId)));
				return GatewayEvent.parse({
					id: e.id,
					type: "payment.refunded",
					reference: orderId,
					paymentId: paymentIdOf(capture.custom_id),
					amount: capture.amount ? fromPayPalAmount(capture.amount) : undefined,
					refundedAmount,
					occurredAt,
				});
			}
			case "CHECKOUT.ORDER.VOIDED": {
				const order = readResource(Order, e);
				return GatewayEvent.parse({
					id: e.id,
					type: "payment.cancelled",
					reference: order.id,
					paymentId: paymentIdOf(unitOf(order)?.custom_id),
					failureReason: "the PayPal order was voided",
					occurredAt,
				});
			}
			case "CHECKOUT.ORDER.APPROVED": {
				const order = readResource(Order, e);
				if (this.o.captureOnApproval === false) {
					throw new IgnoredWebhook(e.id, e.event_type, "the shopper's return captures it");
				}
				const expiry = expiryOf(unitOf(order)?.custom_id);
				if (expiry !== null && expiry <= this.now()) {
					const late = this.outcomeAfterExpiry(await this.order(order.id), e.id);
					if (!late.event) throw new IgnoredWebhook(e.id, e.event_type, `the capture is ${late.status}`);
					return late.event;
				}
				// Keyed by the event: PayPal's re-sends of it are one capture request.
				const outcome = await this.capture(order.id, `approved-${e.id}`);
				if (!outcome.event) throw new IgnoredWebhook(e.id, e.event_type, `the capture is ${outcome.status}`);
				return { ...outcome.event, id: e.id };
			}
			default:
				throw new IgnoredWebhook(e.id, e.event_type, "not an event we act on");
		}
	}
}

function readEvent(rawBody: string): WebhookEventBody {
	let json: unknown;
	try {
		json = JSON.parse(rawBody);
	} catch {
		throw new WebhookRejectedError("the body is not JSON");
	}
	const parsed = WebhookEventSchema.safeParse(json);
	if (!parsed.success) throw new WebhookRejectedError("the body is not a PayPal event");
	return parsed.data;
}

function readResource<T extends z.ZodType>(schema: T, e: WebhookEventBody): z.infer<T> {
	const parsed = schema.safeParse(e.resource);
	if (!parsed.success) throw new WebhookRejectedError(`the ${e.event_type} resource is malformed`);
	return parsed.data;
}

function orderIdOf(reference: string): string {
	if (!PayPalId.safeParse(reference).success) throw new NotFoundError("The PayPal order");
	return reference;
}

const unitOf = (order: Order) => order.purchase_units?.[0];

/** The order's capture (intent CAPTURE: one per order). */
const capturedOf = (order: Order): Capture | undefined => unitOf(order)?.payments?.captures?.[0];

/** Everything refunded so far, in minor units: the completed refunds on the order. */
function refundedSoFar(order: Order): number {
	return (unitOf(order)?.payments?.refunds ?? [])
		.filter((r) => r.status === "COMPLETED" && r.amount)
		.reduce((sum, r) => sum + fromPayPalAmount(r.amount as NonNullable<typeof r.amount>).amount, 0);
}

/** Our custom_id: the payment id, and when its shop order stops waiting (unix seconds). */
function customIdOf(paymentId: string, expiresAt: string | undefined): string {
	const ms = expiresAt ? Date.parse(expiresAt) : Number.NaN;
	return Number.isNaN(ms) ? paymentId : `${paymentId}:${Math.floor(ms / 1000)}`;
}

/** custom_id is ours only when it has our payment id's shape (with or without its expiry). */
function paymentIdOf(customId: string | undefined): string | undefined {
	const id = customId?.split(":")[0];
	return id && PaymentId.safeParse(id).success ? id : undefined;
}

/** The expiry (ms) our custom_id carries, or null. */
function expiryOf(customId: string | undefined): number | null {
	const m = /^pay_[0-9A-Z]{26}:(\d{1,12})$/.exec(customId ?? "");
	return m ? Number(m[1]) * 1000 : null;
}

const failureOf = (capture: Capture) =>
	`PayPal capture ${capture.status.toLowerCase()}${capture.status_details?.reason ? ` (${capture.status_details.reason})` : ""}`;

function isoOr(text: string | undefined, fallback: string): string {
	const ms = text ? Date.parse(text) : Number.NaN;
	return Number.isNaN(ms) ? fallback : new Date(ms).toISOString();
}
