import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { busRoutes } from "./bus/routes";
import type { Bus } from "./bus/transport";
import type { CartModule } from "./cart/module";
import { cartRoutes } from "./cart/routes";
import { catalogHotRead } from "./catalog/hot-read";
import type { CatalogModule } from "./catalog/module";
import { catalogAdminRoutes, catalogRoutes } from "./catalog/routes";
import type { DeliveryModule } from "./delivery/module";
import type { FlashModule } from "./flash/module";
import type { FulfillmentModule } from "./fulfillment/module";
import { fulfillmentAdminRoutes, fulfillmentPublicRoutes, fulfillmentRoutes } from "./fulfillment/routes";
import type { IdentityModule } from "./identity/module";
import { identityAdminRoutes, identityRoutes } from "./identity/routes";
import type { Inventory } from "./inventory/module";
import { inventoryAdminRoutes, inventoryOnError, inventoryRoutes } from "./inventory/routes";
import { type AppEnv, notFound, payloadTooLarge, requireSignature } from "./lib/http";
import { referenceAssetRoutes } from "./lib/reference-assets";
import type { ReplayGuard } from "./lib/replay-guard";
import { noteRoute, observeFetch } from "./observability/http";
import type { Readiness } from "./observability/readiness";
import type { OrderModule } from "./order/module";
import { orderAdminRoutes, orderRoutes } from "./order/routes";
import type { PaymentModule } from "./payment/module";
import { paymentAdminRoutes, paymentPublicRoutes, paymentRoutes, sandboxPageRoutes } from "./payment/routes";
import type { PromotionModule } from "./promotion/module";
import { promotionAdminRoutes, promotionRoutes } from "./promotion/routes";
import type { ReviewModule } from "./review/module";
import { reviewAdminRoutes, reviewRoutes } from "./review/routes";
import type { SupportModule } from "./support/module";
import { supportAdminRoutes, supportRoutes } from "./support/routes";
import { type CheckoutWorkflow, checkoutRoutes } from "./workflows/checkout";
import { type DigitalWorkflow, deliveryAdminRoutes, deliveryRoutes } from "./workflows/digital-delivery";
import { type FlashWorkflow, flashAdminRoutes, flashRoutes } from "./workflows/flash";
import { guestOrderRoutes } from "./workflows/guest-orders";
import { type BookingWorkflow, bookingRoutes } from "./workflows/manage-booking";
import { type RefundWorkflow, refundRoutes } from "./workflows/refund";

// The core's HTTP surface. Only /healthz, /readyz, the payment gateways' webhooks (signed by the gateway)
// and the carrier webhook (signed by the carrier) are open; everything else must be signed by the
// edge. Modules other than the catalog are optional
// so a catalog-only app (its tests) still composes.

export const MAX_BODY_BYTES = 1024 * 1024;
/** Image uploads carry a base64 PNG (ImageInput allows up to 8 MB of it). */
export const MAX_IMAGE_BODY_BYTES = 10 * 1024 * 1024;
const IMAGE_UPLOAD = /^\/catalog\/admin\/products\/[^/]+\/images\/?$/;
/** A review with its photos (4 × 2 MB, base64) is written or edited with one JSON body. */
export const MAX_REVIEW_BODY_BYTES = 12 * 1024 * 1024;
const REVIEW_WRITE = /^\/reviews\/?(rev_[0-9A-Z]{26}\/?)?$/;
/** A closed conversation's transcript (up to 10,000 messages) comes in one PUT from its room. */
const SUPPORT_TRANSCRIPT = /^\/support\/conversations\/[^/]+\/transcript\/?$/;

export interface AppDeps {
	secret: string;
	/** The signatures' seen-set; a process-local one when not given (a test's app). */
	replay?: ReplayGuard;
	catalog: CatalogModule;
	identity?: IdentityModule;
	inventory?: Inventory;
	cart?: CartModule;
	orders?: OrderModule;
	payments?: PaymentModule;
	fulfillment?: FulfillmentModule;
	promotions?: PromotionModule;
	reviews?: ReviewModule;
	support?: SupportModule;
	checkout?: CheckoutWorkflow;
	refunds?: RefundWorkflow;
	bookings?: BookingWorkflow;
	flash?: FlashModule;
	flashSales?: FlashWorkflow;
	delivery?: DeliveryModule;
	digital?: DigitalWorkflow;
	/** Its dead letters for admins (GET /bus/admin/dead-letters). */
	bus?: Bus;
	/** GET /readyz: whether this core may take traffic (main.ts passes the real probe). */
	readiness?: () => Promise<Readiness>;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	// First, so the request metrics learn the matched route pattern whatever answers.
	app.use("*", noteRoute());
	// Alive: no I/O. Ready: the databases, Redis and the bus answer (observability/readiness.ts).
	app.get("/healthz", (c) => c.json({ ok: true, service: "core" }));
	app.get("/readyz", async (c) => {
		const readiness = deps.readiness ? await deps.readiness() : { ready: true, checks: [] };
		c.header("cache-control", "no-store");
		return c.json({ ...readiness, service: "core" }, readiness.ready ? 200 : 503);
	});

	const small = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: payloadTooLarge(MAX_BODY_BYTES) });
	const large = bodyLimit({ maxSize: MAX_IMAGE_BODY_BYTES, onError: payloadTooLarge(MAX_IMAGE_BODY_BYTES) });
	const review = bodyLimit({ maxSize: MAX_REVIEW_BODY_BYTES, onError: payloadTooLarge(MAX_REVIEW_BODY_BYTES) });
	app.use("*", (c, next) => {
		const method = c.req.method;
		if (method === "GET" || method === "HEAD") return next();
		if (IMAGE_UPLOAD.test(c.req.path) || SUPPORT_TRANSCRIPT.test(c.req.path)) return large(c, next);
		return REVIEW_WRITE.test(c.req.path) ? review(c, next) : small(c, next);
	});
	// Registered before the signature check, so they answer first; other /payment paths fall through.
	if (deps.payments) app.route("/payment", paymentPublicRoutes(deps.payments));
	if (deps.fulfillment) app.route("/fulfillment", fulfillmentPublicRoutes(deps.fulfillment));
	app.use("*", requireSignature(deps.secret, deps.replay));

	app.route("/catalog/admin", catalogAdminRoutes(deps.catalog));
	app.route("/catalog", catalogRoutes(deps.catalog));
	app.route("/reference-assets", referenceAssetRoutes());
	if (deps.identity) app.route("/identity/admin", identityAdminRoutes(deps.identity));
	if (deps.identity) app.route("/identity", identityRoutes(deps.identity));
	if (deps.inventory) app.route("/inventory/admin", inventoryAdminRoutes(deps.inventory));
	if (deps.inventory) app.route("/inventory", inventoryRoutes(deps.inventory));
	if (deps.cart) app.route("/cart", cartRoutes(deps.cart));
	// The refund workflow's one admin route, before the order module's own /orders/admin routes.
	if (deps.refunds) app.route("/orders/admin", refundRoutes(deps.refunds));
	// Booked lines: reschedule and cancel (the account's and the guest's), before the order routes.
	if (deps.bookings) {
		const routes = bookingRoutes(deps.bookings);
		app.route("/orders/guest", routes.guest);
		app.route("/orders", routes.account);
	}
	// A guest's orders by key or lookup, before the order module's own /orders routes.
	if (deps.orders && deps.identity) {
		app.route("/orders/guest", guestOrderRoutes({ orders: deps.orders, limiter: deps.identity.identity.limiter }));
	}
	if (deps.orders) app.route("/orders/admin", orderAdminRoutes(deps.orders));
	if (deps.orders) app.route("/orders", orderRoutes(deps.orders));
	// The sandbox's page (signed as the shopper who owns the order), before the service-only routes.
	if (deps.payments) app.route("/payment", sandboxPageRoutes(deps.payments));
	if (deps.payments) app.route("/payment/admin", paymentAdminRoutes(deps.payments));
	if (deps.payments) app.route("/payment", paymentRoutes(deps.payments));
	if (deps.fulfillment) app.route("/fulfillment/admin", fulfillmentAdminRoutes(deps.fulfillment));
	if (deps.fulfillment) app.route("/fulfillment", fulfillmentRoutes(deps.fulfillment));
	if (deps.promotions) app.route("/promotion/admin", promotionAdminRoutes(deps.promotions));
	if (deps.promotions) app.route("/promotion", promotionRoutes(deps.promotions));
	if (deps.checkout) app.route("/checkout", checkoutRoutes(deps.checkout));
	if (deps.flashSales && deps.flash) app.route("/flash/admin", flashAdminRoutes(deps.flashSales, deps.flash));
	if (deps.flashSales && deps.flash) app.route("/flash", flashRoutes(deps.flashSales, deps.flash));
	if (deps.reviews) app.route("/reviews/admin", reviewAdminRoutes(deps.reviews));
	if (deps.reviews) app.route("/reviews", reviewRoutes(deps.reviews));
	if (deps.support) app.route("/support/admin", supportAdminRoutes(deps.support));
	if (deps.support) app.route("/support", supportRoutes(deps.support));
	if (deps.digital && deps.delivery) app.route("/delivery/admin", deliveryAdminRoutes(deps.digital, deps.delivery));
	if (deps.digital && deps.delivery) app.route("/delivery", deliveryRoutes(deps.digital, deps.delivery));
	if (deps.bus) app.route("/bus/admin", busRoutes(deps.bus));
	app.notFound(notFound);
	// The shared handler, plus the machine-readable shortages of an out-of-stock answer (checkout).
	app.onError(inventoryOnError);
	return app;
}

/**
 * What Bun.serve calls: cached catalog reads straight from memory, everything else through the
 * app; each request with its request id, counted per route (observability/http.ts).
 */
export function createFetch(deps: AppDeps): (req: Request) => Response | Promise<Response> {
	const app = createApp(deps);
	const hot = catalogHotRead(deps.catalog.cache, deps.secret);
	return observeFetch(hot, (req) => app.fetch(req));
}
