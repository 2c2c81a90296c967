import type { GatewayEvent, GatewayInfo } from "@bazaar/contracts/payment";
import type { Money } from "@bazaar/money";
import Stripe from "stripe";
import { ServiceError } from "../../lib/errors";
import {
	type CreateGatewayPayment,
	type GatewayPaymentCreated,
	type GatewayPaymentStatus,
	type GatewayRefund,
	IgnoredWebhook,
	type PaymentGateway,
	WebhookRejectedError,
} from "../gateway";

// Stripe through its official SDK, in one of two flows that share an account and a webhook
// endpoint:
//   "checkout"  Stripe Checkout: a hosted page we redirect to (reference = Checkout Session id);
//   "elements"  PaymentIntents: the Payment Element on our page confirms with the client secret
//               and Stripe handles 3-D Secure by redirecting to our return URL (reference = PI id).
// Card data only ever goes from the shopper's browser to Stripe. Every creating call carries an
// idempotency key; every PaymentIntent carries our payment id in its metadata, which is how
// events about its charges and refunds find their payment. A Checkout Session expires with its
// order (checkoutExpiresAt: Stripe's 30-minute floor permitting); a PaymentIntent has no expiry
// of its own — a success after the order expired is revived or refunded automatically.

export const STRIPE_METADATA_KEY = "bazaar_payment_id";
/** Stripe's default: a signature older than this is a replay. */
const WEBHOOK_TOLERANCE_S = 300;

export type StripeFlow = "checkout" | "elements";

export interface StripeGatewayOptions {
	secretKey: string;
	webhookSecret: string;
	flow: StripeFlow;
	/** The Payment Element's public key (elements flow). */
	publishableKey?: string | null;
	/** Overrides for a local fake server in tests ({ host, port, protocol }); unset in production. */
	api?: { host: string; port: number; protocol: "http" | "https" };
	/** The text on Stripe Checkout's line item. */
	statementName?: string;
	/** The clock (ms), for a Checkout Session's expires_at. */
	now?: () => number;
}

/** Stripe Checkout takes an expires_at from 30 minutes to 24 hours after the session's creation. */
const CHECKOUT_MIN_LIFE_S = 30 * 60;
const CHECKOUT_MAX_LIFE_S = 24 * 60 * 60;
/** Kept clear of the bounds, so a second of clock skew between us and Stripe is never a 400. */
const CHECKOUT_MARGIN_S = 60;

/**
 * The Checkout Session's expires_at (unix seconds) for an order that stops waiting at
 * `orderExpiresMs`: the same moment when Stripe allows it, else the nearest one it does. An order
 * waiting less than 30 minutes (the default is 15) keeps a session open past its own expiry:
 * a payment in that gap lands on an expired order, which is revived or refunded automatically.
 */
export function checkoutExpiresAt(orderExpiresMs: number, nowMs: number): number {
	const now = Math.floor(nowMs / 1000);
	const earliest = now + CHECKOUT_MIN_LIFE_S + CHECKOUT_MARGIN_S;
	const latest = now + CHECKOUT_MAX_LIFE_S - CHECKOUT_MARGIN_S;
	return Math.min(latest, Math.max(earliest, Math.ceil(orderExpiresMs / 1000)));
}

export const STRIPE_GATEWAY_NAMES: Record<StripeFlow, string> = { checkout: "stripe_checkout", elements: "stripe" };
/** The account's one webhook URL: POST <storefront>/webhooks/payment/stripe. */
export const STRIPE_WEBHOOK_ENDPOINT = "stripe";

export class StripeGateway implements PaymentGateway {
	readonly name: string;
	/** Both flows' events arrive on the one endpoint of the account, whichever flows are enabled. */
	readonly settlesFor = Object.values(STRIPE_GATEWAY_NAMES);
	readonly webhookEndpoint = STRIPE_WEBHOOK_ENDPOINT;
	private readonly stripe: Stripe;
	private readonly crypto = Stripe.createSubtleCryptoProvider();

	constructor(private readonly o: StripeGatewayOptions) {
		this.name = STRIPE_GATEWAY_NAMES[o.flow];
		this.stripe = new Stripe(o.secretKey, {
			// Fetch and SubtleCrypto run the same in Bun and in workerd.
			httpClient: Stripe.createFetchHttpClient(),
			maxNetworkRetries: 2,
			timeout: 15_000,
			...(o.api ?? {}),
		});
	}

	describe(): GatewayInfo {
		const elements = this.o.flow === "elements";
		// A local stand-in for Stripe (tests) serves its hosted page from its own origin.
		const api = this.o.api;
		const local = api ? [new URL(`${api.protocol}://${api.host}:${api.port}`).origin] : [];
		return {
			name: this.name,
			label: elements ? "Card (Stripe)" : "Card, wallets and more (Stripe Checkout)",
			flow: elements ? "element" : "redirect",
			publishableKey: elements ? (this.o.publishableKey ?? null) : null,
			// js.stripe.com serves the Element (script + frames); checkout.stripe.com the hosted page.
			origins: [
				...(elements
					? ["https://js.stripe.com", "https://api.stripe.com", "https://hooks.stripe.com"]
					: ["https://checkout.stripe.com"]),
				...local,
			],
		};
	}

	async createPayment(req: CreateGatewayPayment): Promise<GatewayPaymentCreated> {
		const metadata = { [STRIPE_METADATA_KEY]: req.paymentId, bazaar_order_id: req.orderId };
		const currency = req.amount.currency.toLowerCase();
		return this.call(async () => {
			if (this.o.flow === "elements") {
				const intent = await this.stripe.paymentIntents.create(
					{ amount: req.amount.amount, currency, metadata, automatic_payment_methods: { enabled: true } },
					{ idempotencyKey: req.idempotencyKey },
				);
				if (!intent.client_secret) throw new Error(`PaymentIntent ${intent.id} came back without a client secret`);
				return { reference: intent.id, clientSecret: intent.client_secret };
			}
			const session = await this.stripe.checkout.sessions.create(
				{
					mode: "payment",
					client_reference_id: req.orderId,
					line_items: [
						{
							quantity: 1,
							price_data: {
								currency,
								unit_amount: req.amount.amount,
								product_data: { name: `${this.o.statementName ?? "Bazaar"} order ${req.orderId}` },
							},
						},
					],
					metadata,
					payment_intent_data: { metadata },
					success_url: req.returnUrl,
					cancel_url: req.cancelUrl,
					// The hosted page closes with the order (as far as Stripe allows).
					...(req.expiresAt
						? { expires_at: checkoutExpiresAt(Date.parse(req.expiresAt), (this.o.now ?? Date.now)()) }
						: {}),
				},
				{ idempotencyKey: req.idempotencyKey },
			);
			if (!session.url) throw new Error(`Checkout Session ${session.id} came back without a URL`);
			return { reference: session.id, redirectUrl: session.url };
		});
	}

	async parseWebhook(rawBody: string, headers: Headers): Promise<GatewayEvent> {
		const signature = headers.get("stripe-signature");
		if (!signature) throw new WebhookRejectedError("no Stripe-Signature header");
		let event: Stripe.Event;
		try {
			event = await this.stripe.webhooks.constructEventAsync(
				rawBody,
				signature,
				this.o.webhookSecret,
				WEBHOOK_TOLERANCE_S,
				this.crypto,
			);
		} catch (err) {
			// The SDK's message says which check failed (signature, timestamp) and never the secret.
			throw new WebhookRejectedError((err instanceof Error && err.message.split("\n")[0]) || "invalid signature");
		}
		return this.toGatewayEvent(event);
	}

	private async toGatewayEvent(event: Stripe.Event): Promise<GatewayEvent> {
		const base = { id: event.id, occurredAt: new Date(event.created * 1000).toISOString() };
		switch (event.type) {
			case "checkout.session.completed":
			case "checkout.session.async_payment_succeeded":
			case "checkout.session.async_payment_failed":
			case "checkout.session.expired": {
				const s = event.data.object;
				const common = { ...base, reference: s.id, ...paymentIdOf(s.metadata) };
				if (event.type === "checkout.session.expired") return { ...common, type: "payment.cancelled" };
				if (event.type === "checkout.session.async_payment_failed") {
					return { ...common, type: "payment.failed", failureReason: "The payment method failed." };
				}
				// A completed session with a delayed method (bank debit) is not paid yet.
				if (s.payment_status !== "paid" && s.payment_status !== "no_payment_required") {
					throw new IgnoredWebhook(`session ${s.id} completed with payment_status ${s.payment_status}`);
				}
				return { ...common, type: "payment.succeeded", amount: moneyOf(s.amount_total ?? 0, s.currency ?? "usd") };
			}
			case "payment_intent.succeeded":
			case "payment_intent.payment_failed":
			case "payment_intent.canceled": {
				const pi = event.data.object;
				const common = { ...base, reference: pi.id, ...paymentIdOf(pi.metadata) };
				if (event.type === "payment_intent.succeeded") {
					return { ...common, type: "payment.succeeded", amount: moneyOf(pi.amount_received, pi.currency) };
				}
				if (event.type === "payment_intent.canceled") return { ...common, type: "payment.cancelled" };
				return {
					...common,
					type: "payment.failed",
					failureReason: (pi.last_payment_error?.message ?? "The payment was declined.").slice(0, 500),
				};
			}
			case "charge.refunded": {
				// The charge carries the cumulative refunded amount; its PaymentIntent carries our id.
				const charge = event.data.object;
				const intentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
				if (!intentId) throw new IgnoredWebhook(`charge ${charge.id} has no PaymentIntent`);
				const intent = await this.call(() => this.stripe.paymentIntents.retrieve(intentId));
				return {
					...base,
					type: "payment.refunded",
					reference: intentId,
					...paymentIdOf(intent.metadata),
					refundedAmount: charge.amount_refunded,
				};
			}
			default:
				throw new IgnoredWebhook(`Stripe event type ${event.type}`);
		}
	}

	async getStatus(reference: string): Promise<GatewayPaymentStatus> {
		return this.call(async () => {
			if (reference.startsWith("cs_")) {
				const s = await this.stripe.checkout.sessions.retrieve(reference, { expand: ["payment_intent.latest_charge"] });
				const intent = typeof s.payment_intent === "object" ? s.payment_intent : null;
				const amount = moneyOf(s.amount_total ?? 0, s.currency ?? "usd");
				const refundedAmount = refundedOf(intent);
				if (s.payment_status === "paid") return { status: "succeeded", amount, refundedAmount };
				if (s.status === "expired") return { status: "cancelled", amount, refundedAmount };
				return { status: "requires_action", amount, refundedAmount };
			}
			const pi = await this.stripe.paymentIntents.retrieve(reference, { expand: ["latest_charge"] });
			const amount = moneyOf(pi.amount, pi.currency);
			const refundedAmount = refundedOf(pi);
			if (pi.status === "succeeded") return { status: "succeeded", amount, refundedAmount };
			if (pi.status === "canceled") return { status: "cancelled", amount, refundedAmount };
			if (pi.status === "requires_payment_method" && pi.last_payment_error) {
				return { status: "failed", amount, refundedAmount };
			}
			return { status: "requires_action", amount, refundedAmount };
		});
	}

	async refund(reference: string, amount: Money, idempotencyKey: string): Promise<GatewayRefund> {
		return this.call(async () => {
			let intentId = reference;
			if (reference.startsWith("cs_")) {
				const s = await this.stripe.checkout.sessions.retrieve(reference);
				const pi = typeof s.payment_intent === "string" ? s.payment_intent : s.payment_intent?.id;
				if (!pi) throw new ServiceError(409, "This Checkout Session has no payment to refund.");
				intentId = pi;
			}
			try {
				const refund = await this.stripe.refunds.create(
					{ payment_intent: intentId, amount: amount.amount },
					{ idempotencyKey },
				);
				const status = refund.status === "succeeded" ? "succeeded" : refund.status === "failed" ? "failed" : "pending";
				return { refundId: refund.id, status };
			} catch (err) {
				if (err instanceof Stripe.errors.StripeInvalidRequestError) {
					// e.g. amount_too_large / charge_already_refunded: Stripe refused the refund itself.
					throw new ServiceError(422, `Stripe refused the refund: ${err.message}`);
				}
				throw err;
			}
		});
	}

	/**
	 * Stripe's failures as our errors: a network or 5xx is the gateway's trouble (502), never the
	 * shopper's; the SDK's messages carry no key (it redacts), so they are safe to log.
	 */
	private async call<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (err) {
			if (err instanceof ServiceError || err instanceof IgnoredWebhook) throw err;
			if (err instanceof Stripe.errors.StripeError) {
				const status = err.statusCode && err.statusCode < 500 && err.statusCode !== 429 ? 502 : 503;
				throw new ServiceError(status, `Stripe: ${err.message}`);
			}
			throw err;
		}
	}
}

function paymentIdOf(metadata: Stripe.Metadata | null | undefined): { paymentId?: string } {
	const id = metadata?.[STRIPE_METADATA_KEY];
	return id && /^pay_[0-9A-Z]{26}$/.test(id) ? { paymentId: id } : {};
}

function moneyOf(amount: number, currency: string): Money {
	return { amount, currency: currency.toUpperCase() };
}

function refundedOf(intent: Stripe.PaymentIntent | null): number {
	const charge = intent?.latest_charge;
	return charge && typeof charge === "object" ? charge.amount_refunded : 0;
}
