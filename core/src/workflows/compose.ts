import { createHmac } from "node:crypto";
import type { FlashReturnBatch } from "@bazaar/contracts/flash";
import { type Bus, BusRelay, type BusRelayOptions, createBus } from "../bus";
import { type CartModule, openCart } from "../cart/module";
import { type CatalogModule, type CatalogModuleOptions, createCatalogModule } from "../catalog/module";
import type { Config, CrashPoint } from "../config";
import { type DeliveryModule, openDelivery } from "../delivery/module";
import { type FlashModule, openFlash } from "../flash/module";
import { type FulfillmentModule, openFulfillment } from "../fulfillment/module";
import { type IdentityModule, openIdentity, signupGlobalRule } from "../identity/module";
import type { PasswordCost } from "../identity/password";
import { type Inventory, openInventory } from "../inventory/module";
import { openReplayGuard, type ReplayGuard } from "../lib/replay-guard";
import { type OrderModule, openOrders } from "../order/module";
import { realGateways } from "../payment/gateways";
import { openPayments, type PaymentModule } from "../payment/module";
import { subscribeSandboxWebhooks } from "../payment/sandbox/webhooks";
import { openPromotions, type PromotionModule } from "../promotion/module";
import { openReviews, type ReviewModule } from "../review/module";
import { openSupport, type SupportModule } from "../support/module";
import { catalogPort, inventoryPort, promotionPort } from "./cart-ports";
import { type CheckoutWorkflow, createCheckout } from "./checkout";
import { subscribeConsumers } from "./consumers";
import { createDigital, type DigitalWorkflow, subscribeDigitalDelivery } from "./digital-delivery";
import { subscribeEdgePromotionPush, subscribeEdgePush } from "./edge-push";
import { createFlash, type FlashWorkflow } from "./flash";
import { edgeFlashReturns } from "./flash-returns";
import { subscribeGuestClaims } from "./guest-orders";
import { subscribeMailer } from "./mailer";
import { type BookingWorkflow, createBookings } from "./manage-booking";
import { emailOf, subscribeOrderMail } from "./order-mail";
import { createRefunds, type RefundWorkflow } from "./refund";
import { authorNamePort, subscribeReviewFlows } from "./review-flows";
import { subscribeSupportMail } from "./support-mail";
import { supportPorts } from "./support-ports";

// The composition root: every module opened on its own database, the message bus, one relay per
// database that produces events, the bus consumers and the checkout workflow. main.ts serves it;
// the workflow tests run the very same thing on temp files.

export interface CoreOptions {
	/** Tests shorten the bus's and the relays' idle polls (production defaults otherwise). */
	busPollMs?: number;
	/** Tests shorten the consumers' retry backoff too. */
	busBackoffMs?: number;
	busMaxBackoffMs?: number;
	relayPollMs?: number;
	passwordCost?: PasswordCost;
	catalog?: Partial<CatalogModuleOptions>;
	/** Where expired flash units go (the edge by default; tests capture them). */
	flashReturns?: (batch: FlashReturnBatch) => Promise<void>;
}

export interface Core {
	config: Config;
	catalog: CatalogModule;
	identity: IdentityModule;
	inventory: Inventory;
	cart: CartModule;
	orders: OrderModule;
	payments: PaymentModule;
	fulfillment: FulfillmentModule;
	flash: FlashModule;
	/** Flash sales across modules: arm, ingest, pay, settle. */
	flashSales: FlashWorkflow;
	promotions: PromotionModule;
	reviews: ReviewModule;
	/** Live support's lasting side: knowledge base, bot, transcripts, tickets. */
	support: SupportModule;
	/** Digital goods: download files, licence-key pools, links and keys of paid orders. */
	delivery: DeliveryModule;
	digital: DigitalWorkflow;
	bus: Bus;
	relays: {
		catalog: BusRelay;
		identity: BusRelay;
		order: BusRelay;
		payment: BusRelay;
		inventory: BusRelay;
		fulfillment: BusRelay;
		promotion: BusRelay;
		review: BusRelay;
		support: BusRelay;
	};
	checkout: CheckoutWorkflow;
	/** Admin refunds (POST /orders/admin/:id/refund). */
	refunds: RefundWorkflow;
	/** The shopper's bookings: reschedule and cancel (workflows/manage-booking.ts). */
	bookings: BookingWorkflow;
	/** The edge signatures' seen-set (in Redis when REDIS_URL is set). */
	replay: ReplayGuard;
	/** Starts sweepers, relays and consumers. */
	start(): Promise<void>;
	/** Relays, then the bus (its handlers finish), then the modules. The HTTP server stops first (main.ts). */
	stop(): Promise<void>;
}

export async function openCore(config: Config, options: CoreOptions = {}): Promise<Core> {
	const catalog = await createCatalogModule({
		dbUrl: config.catalogDbUrl,
		replica: config.catalogReplica,
		imagesDir: config.imagesDir,
		redisUrl: config.redisUrl,
		...options.catalog,
	});
	const identity = await openIdentity({
		dbUrl: config.identityDbUrl,
		edgeUrl: config.storefrontUrl,
		redisUrl: config.redisUrl,
		smtpUrl: config.smtpUrl,
		mailFrom: config.mailFrom,
		passwordCost: options.passwordCost,
		devMailbox: config.env === "production" ? "admin" : "local",
		reservedEmails: [config.adminEmail],
		rateLimits: { signupGlobal: signupGlobalRule(config.signupGlobalPerMinute) },
	});
	const bus = await createBus({
		redisUrl: config.redisUrl,
		dataDir: config.dataDir,
		busDbUrl: config.busDbUrl,
		prefix: config.busRedisPrefix,
	});

	const inventory = await openInventory({
		url: config.inventory.url,
		defaultTtlMs: config.inventory.defaultTtlMs,
		sweeper: { intervalMs: config.inventory.sweepIntervalMs },
	});
	// Coupon attempts take from the core's one rate limiter (identity's buckets, or Redis).
	const promotions = await openPromotions({ url: config.promotionDbUrl, limiter: identity.identity.limiter });
	const cart = await openCart({
		url: config.cart.url,
		catalog: catalogPort(catalog.catalog),
		inventory: inventoryPort(inventory),
		promotions: promotionPort(promotions),
		currency: config.cart.currency,
		guestTtlMs: config.cart.guestTtlMs,
	});
	const orders = await openOrders({
		url: config.order.url,
		// Its own key, derived from the signing secret: a guest link's key signs nothing else.
		guestLinkSecret: createHmac("sha256", config.signingSecret).update("bazaar-guest-order-links").digest("hex"),
		paymentTtlMs: config.order.paymentTtlMs,
		sweepIntervalMs: config.order.sweepIntervalMs,
	});
	const payments = await openPayments({
		url: config.payment.url,
		// Only where PAYMENT_SANDBOX=on (local stacks, tests); then it is the default gateway.
		sandbox: config.payment.sandbox && {
			...config.payment.sandbox,
			// Its page is for the shopper who owns the order only.
			ownerOf: (orderId) => orders.ownerOf(orderId),
		},
		// Stripe and PayPal when their keys are set.
		gateways: () => realGateways(config.payment),
	});
	const fulfillment = await openFulfillment({
		url: config.fulfillment.url,
		carrierWebhookSecret: config.fulfillment.carrierWebhookSecret,
	});
	const flash = await openFlash({ url: config.flash.url });
	const delivery = await openDelivery({
		url: config.delivery.url,
		linkSecret: config.delivery.linkSecret,
		linkTtlMs: config.delivery.linkTtlMs,
		maxDownloads: config.delivery.maxDownloads,
	});
	const digital = createDigital({ delivery, catalog: catalog.catalog, inventory, orders });
	const flashSales = createFlash({
		flash,
		inventory,
		orders,
		identity,
		payments,
		secret: config.signingSecret,
		storefrontUrl: config.storefrontUrl,
		returnUnits:
			options.flashReturns ??
			(config.edgeUrl
				? edgeFlashReturns({ url: config.edgeUrl, secret: config.signingSecret })
				: async (batch) => console.warn(`[flash] EDGE_PUSH=off: ${batch.reservations.length} units not returned`)),
	});
	const reviews = await openReviews({
		url: config.review.url,
		imagesDir: config.imagesDir,
		authorName: authorNamePort(identity),
	});
	const support = await openSupport({ url: config.support.url, ...supportPorts({ orders, catalog, identity }) });
	// One relay per database that emits; each wakes on its database's commits.
	// A crashed process's claimed rows are taken over after the same idle time as its deliveries.
	const relay = (database: BusRelayOptions["database"]) =>
		new BusRelay({ database, bus, pollMs: options.relayPollMs, leaseMs: config.busIdleTimeoutMs ?? undefined });
	const relays: Core["relays"] = {
		catalog: relay(catalog.catalog.database),
		identity: relay(identity.identity.database),
		order: relay(orders.context.database),
		payment: relay(payments.context.database),
		inventory: relay(inventory.context.database),
		fulfillment: relay(fulfillment.context.database),
		promotion: relay(promotions.context.database),
		review: relay(reviews.context.database),
		support: relay(support.context.database),
	};

	subscribeMailer(bus, identity.identity.mail, options.busPollMs ? { pollMs: options.busPollMs } : {});
	subscribeGuestClaims(bus, orders, options.busPollMs ? { pollMs: options.busPollMs } : {});
	subscribeOrderMail(
		bus,
		{ orders, identity, digital, storefrontUrl: config.storefrontUrl, organizerEmail: emailOf(config.mailFrom) },
		// Its RetryLater (links still to come) waits as long as the digital consumer's does.
		{
			...(options.busPollMs ? { pollMs: options.busPollMs } : {}),
			...(options.busBackoffMs ? { backoffMs: options.busBackoffMs } : {}),
			...(options.busMaxBackoffMs ? { maxBackoffMs: options.busMaxBackoffMs } : {}),
		},
	);
	if (config.payment.sandbox) {
		subscribeSandboxWebhooks(
			bus,
			{ secret: config.payment.sandbox.webhookSecret, webhookUrl: config.payment.sandbox.webhookUrl },
			options.busPollMs ? { pollMs: options.busPollMs } : {},
		);
	}
	if (config.edgeUrl) {
		subscribeEdgePush(
			bus,
			{ url: config.edgeUrl, secret: config.signingSecret },
			options.busPollMs ? { pollMs: options.busPollMs } : {},
		);
		subscribeEdgePromotionPush(
			bus,
			{ url: config.edgeUrl, secret: config.signingSecret },
			options.busPollMs ? { pollMs: options.busPollMs } : {},
		);
	}
	const refunds = createRefunds({ orders, payments, inventory });
	const bookings = createBookings({
		orders,
		inventory,
		catalog: catalogPort(catalog.catalog, { thumbnails: false }),
		refunds,
		identity,
		storefrontUrl: config.storefrontUrl,
		organizerEmail: emailOf(config.mailFrom),
	});
	const crashPoint = crashHook(config.crashAfter);
	subscribeConsumers(
		bus,
		{
			catalog,
			inventory,
			orders,
			payments,
			fulfillment,
			flash: flashSales,
			promotions,
			bookings,
			reservationTtlMs: config.order.paymentTtlMs + config.reservationGraceMs,
		},
		{
			pollMs: options.busPollMs,
			backoffMs: options.busBackoffMs,
			maxBackoffMs: options.busMaxBackoffMs,
			idleTimeoutMs: config.busIdleTimeoutMs ?? undefined,
			crashPoint,
		},
	);
	subscribeDigitalDelivery(
		bus,
		digital,
		{ delivery, orders },
		{
			...(options.busPollMs ? { pollMs: options.busPollMs } : {}),
			...(options.busBackoffMs ? { backoffMs: options.busBackoffMs } : {}),
			...(options.busMaxBackoffMs ? { maxBackoffMs: options.busMaxBackoffMs } : {}),
		},
	);
	subscribeReviewFlows(
		bus,
		{ catalog, reviews },
		{
			...(options.busPollMs ? { pollMs: options.busPollMs } : {}),
			...(options.busBackoffMs ? { backoffMs: options.busBackoffMs } : {}),
			...(options.busMaxBackoffMs ? { maxBackoffMs: options.busMaxBackoffMs } : {}),
		},
	);
	subscribeSupportMail(bus, { support, identity }, options.busPollMs ? { pollMs: options.busPollMs } : {});
	const checkout = createCheckout({
		identity,
		catalog: catalog.catalog,
		cart,
		inventory,
		orders:
			config.crashAfter === "order-placed-commit"
				? {
						...orders,
						async placeOrder(input) {
							const placed = await orders.placeOrder(input);
							if (placed.created) crashPoint("order-placed-commit");
							return placed;
						},
					}
				: orders,
		payments,
		promotions,
		storefrontUrl: config.storefrontUrl,
		reservationTtlMs: config.order.paymentTtlMs + config.reservationGraceMs,
	});

	const replay = openReplayGuard(config.redisUrl);

	let started = false;
	return {
		config,
		catalog,
		identity,
		inventory,
		cart,
		orders,
		payments,
		fulfillment,
		flash,
		flashSales,
		promotions,
		reviews,
		support,
		delivery,
		digital,
		bus,
		relays,
		checkout,
		refunds,
		bookings,
		replay,
		async start() {
			if (started) return;
			started = true;
			catalog.start();
			identity.start();
			inventory.start();
			cart.start();
			orders.start();
			payments.start();
			for (const r of Object.values(relays)) r.start();
			await bus.start();
		},
		async stop() {
			await Promise.all(Object.values(relays).map((r) => r.stop()));
			await bus.stop();
			// The sweepers stop with their modules.
			await payments.stop();
			await fulfillment.stop();
			await flash.stop();
			await promotions.stop();
			await reviews.stop();
			await support.stop();
			await delivery.stop();
			await orders.stop();
			await cart.stop();
			await inventory.stop();
			await identity.stop();
			await catalog.stop();
			await replay.close();
		},
	};
}

/**
 * TEST ONLY (BAZAAR_TEST_CRASH_AFTER, core/src/workflows/crash.test.ts): the process SIGKILLs
 * itself at the configured point — no cleanup, no finally, no acknowledgement: exactly what a
 * power cut or an OOM kill leaves. A no-op for every other point, and always when unset.
 */
function crashHook(configured: CrashPoint | null): (point: CrashPoint) => void {
	if (configured === null) return () => {};
	return (point) => {
		if (point !== configured) return;
		console.log(`core: BAZAAR_TEST_CRASH_AFTER=${point}: SIGKILL`);
		process.kill(process.pid, "SIGKILL");
	};
}
