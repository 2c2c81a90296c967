import type {
	CreatePaymentInput,
	GatewayList,
	OrderPayment,
	Payment,
	PaymentList,
	PaymentQuery,
	ReconciliationRun,
	ReconciliationRunList,
	ReconciliationRunQuery,
	WebhookResult,
} from "@bazaar/contracts/payment";
import type { Money } from "@bazaar/money";
import { NotFoundError } from "../lib/errors";
import { Sweeper } from "../lib/sweeper";
import { observeGateway } from "../observability/gateway";
import { iso, openPaymentDatabase, type PaymentContext } from "./context";
import { type CreatePaymentResult, createPayment } from "./create-payment";
import { eventFromStatus, type GatewayPaymentStatus, type GatewayRefund, type PaymentGateway } from "./gateway";
import { describeGateway } from "./gateways";
import { getPayment, listOrderPayments } from "./get-payment";
import { applyGatewayEvent, handleWebhook } from "./handle-webhook";
import { listPayments } from "./list-payments";
import { listReconciliationRuns, reconcile } from "./reconcile";
import { refundPayment } from "./refund-payment";
import { SandboxGateway, type SandboxOptions } from "./sandbox/gateway";

// Wires the payment module: its database, the enabled gateways (the sandbox only when switched
// on) and the verbs bound to them. The sandbox's webhooks ride the bus (sandbox/webhooks.ts).

export interface PaymentModuleOptions {
	url: string;
	migrate?: boolean;
	/** The built-in sandbox (config from loadPaymentConfig().sandbox); off when omitted, null or false. */
	sandbox?: Omit<SandboxOptions, "database"> | false | null;
	/** Further gateways (Stripe, PayPal — issue 4). */
	gateways?: (database: PaymentContext["database"]) => PaymentGateway[];
	defaultGateway?: string;
	now?: () => number;
	/** Missed-webhook reconciliation: how often it runs, and how old a waiting payment must be. */
	reconcile?: { intervalMs: number; olderThanMs: number };
}

export interface PaymentModule {
	context: PaymentContext;
	sandbox: SandboxGateway | null;
	createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult>;
	getPayment(id: string): Promise<Payment>;
	/** Each with the refunds asked for it. */
	listOrderPayments(orderId: string): Promise<OrderPayment[]>;
	/** Verifies, de-duplicates and applies a gateway's webhook; throws 400 when it is not genuine. */
	handleWebhook(gateway: string, rawBody: string, headers: Headers): Promise<WebhookResult>;
	/** The gateway's own view of a payment (reconciliation, issue 4). */
	gatewayStatus(paymentId: string): Promise<GatewayPaymentStatus>;
	/**
	 * Asks the gateway to refund (the status changes when its refund webhook arrives). Never more
	 * than what is left of the payment, whatever keys are used (refund-payment.ts); the same key
	 * refunds once.
	 */
	refund(paymentId: string, amount: Money, idempotencyKey: string, reason?: string): Promise<GatewayRefund>;
	/**
	 * Refunds everything left of a payment (automatic refunds of payments that could not settle
	 * their order); the same key answers the same refund. null: nothing was left.
	 */
	refundRest(paymentId: string, idempotencyKey: string, reason: string): Promise<GatewayRefund | null>;
	/** The gateways the shopper may choose, as the checkout page offers them. */
	listGateways(): GatewayList;
	/**
	 * The shopper is back on the return URL: settle now from the gateway's own answer if it has
	 * one (PayPal captures here), instead of waiting for the webhook. Safe to repeat.
	 */
	confirmReturn(paymentId: string): Promise<Payment>;
	/** One reconciliation run now (an admin's button); the schedule runs the same. */
	reconcile(trigger?: "schedule" | "admin"): Promise<ReconciliationRun>;
	listReconciliationRuns(query?: Partial<ReconciliationRunQuery>): Promise<ReconciliationRunList>;
	/** Staff: every payment newest first with its refunds, by status, gateway or order. */
	listPayments(query?: Partial<PaymentQuery>): Promise<PaymentList>;
	start(): void;
	stop(): Promise<void>;
}

export async function openPayments(options: PaymentModuleOptions): Promise<PaymentModule> {
	const database = await openPaymentDatabase(options.url, options.migrate !== false);
	const gateways = new Map<string, PaymentGateway>();
	const now = options.now ?? Date.now;
	const sandbox = options.sandbox ? new SandboxGateway({ now, ...options.sandbox, database }) : null;
	// Each timed, counted and traced once, here, whoever calls it.
	if (sandbox) gateways.set(sandbox.name, observeGateway(sandbox));
	const real = options.gateways?.(database) ?? [];
	for (const g of real) gateways.set(g.name, observeGateway(g));
	const ctx: PaymentContext = {
		database,
		gateways,
		// Where it is switched on (local stacks, tests) the sandbox stays the default; otherwise the
		// first real gateway. None at all: checkout refuses with a 409 before holding anything.
		defaultGateway: options.defaultGateway ?? (sandbox ? sandbox.name : (real[0]?.name ?? null)),
		now,
	};
	const reconcileOptions = options.reconcile ?? { intervalMs: 60_000, olderThanMs: 10 * 60_000 };
	const reconciler = new Sweeper(
		"payment reconciliation",
		async () => (await reconcile(ctx, { olderThanMs: reconcileOptions.olderThanMs })).settled,
		// One process at a time asks the gateways, however many cores share the database.
		{ intervalMs: reconcileOptions.intervalMs, lease: database },
	);
	const gatewayOf = async (paymentId: string) => {
		const payment = await getPayment(ctx, paymentId);
		const gateway = gateways.get(payment.gateway);
		if (!gateway) throw new NotFoundError(`The payment gateway ${payment.gateway}`);
		return { payment, gateway };
	};
	return {
		context: ctx,
		sandbox,
		createPayment: (input) => createPayment(ctx, input),
		getPayment: (id) => getPayment(ctx, id),
		listOrderPayments: (orderId) => listOrderPayments(ctx, orderId),
		handleWebhook: (gateway, rawBody, headers) => handleWebhook(ctx, gateway, rawBody, headers),
		async gatewayStatus(paymentId) {
			const { payment, gateway } = await gatewayOf(paymentId);
			return gateway.getStatus(payment.reference);
		},
		async refund(paymentId, amount, idempotencyKey, reason = "refund") {
			const answer = await refundPayment(ctx, { paymentId, amount, idempotencyKey, reason });
			if (!answer) throw new Error(`refund of ${paymentId}: an amount was asked and nothing came back`);
			return answer;
		},
		refundRest: (paymentId, idempotencyKey, reason) =>
			refundPayment(ctx, { paymentId, amount: "rest", idempotencyKey, reason }),
		listGateways: () => ({ items: [...gateways.values()].map(describeGateway), default: ctx.defaultGateway }),
		async confirmReturn(paymentId) {
			const { payment, gateway } = await gatewayOf(paymentId);
			if (payment.status !== "created" && payment.status !== "requires_action") return payment;
			const event = gateway.confirmReturn
				? await gateway.confirmReturn(payment.reference, { expiresAt: payment.expiresAt })
				: eventFromStatus(await gateway.getStatus(payment.reference), {
						idPrefix: `return:${payment.reference}`,
						reference: payment.reference,
						occurredAt: iso(now()),
					});
			if (event) await applyGatewayEvent(ctx, payment.gateway, { ...event, paymentId: payment.id });
			return getPayment(ctx, paymentId);
		},
		reconcile: (trigger = "admin") => reconcile(ctx, { olderThanMs: reconcileOptions.olderThanMs, trigger }),
		listReconciliationRuns: (query) => listReconciliationRuns(ctx, query),
		listPayments: (query) => listPayments(ctx, query),
		start() {
			reconciler.start();
		},
		async stop() {
			await reconciler.stop();
			await database.close();
		},
	};
}
