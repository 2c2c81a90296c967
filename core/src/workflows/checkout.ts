import {
	type CartOwner,
	GUEST_ROLE,
	GUEST_TOKEN_HEADER,
	GuestId,
	guestIdOf,
	type InventoryPort,
} from "@bazaar/contracts/cart";
import { CHECKOUT_PLACEHOLDER, type CheckoutPayment, CheckoutRequest, type Quote } from "@bazaar/contracts/checkout";
import { UserId } from "@bazaar/contracts/identity";
import {
	type Billing,
	billingOf,
	IdempotencyKey,
	type Order,
	Address as OrderAddress,
	type OrderDetail,
	type ShippingMethod,
} from "@bazaar/contracts/order";
import type { GatewayList, Payment } from "@bazaar/contracts/payment";
import { newId } from "@bazaar/ids";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { cartForCheckout } from "../cart/cart-for-checkout";
import type { CartContext } from "../cart/context";
import type { CartModule } from "../cart/module";
import type { Catalog } from "../catalog/context";
import type { IdentityModule } from "../identity/module";
import type { Inventory } from "../inventory/module";
import { NotFoundError, ServiceError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson } from "../lib/http";
import type { OrderModule } from "../order/module";
import { NoGatewayError } from "../payment/create-payment";
import type { PaymentModule } from "../payment/module";
import type { PromotionModule } from "../promotion/module";
import { catalogPort } from "./cart-ports";
import { cartShips, destinationOf } from "./destination";
import { priceCheckout, promotedOrderLines, requireUsableCoupon } from "./promote-checkout";
import { quoteCheckout } from "./quote";

// Checkout, the one flow that crosses modules synchronously (DESIGN.md flow 3), kept outside
// them: each module does its own part through its verbs and never reads another's tables.
//
//   cart (priced lines) → promotion.price (sale prices, discounts, the coupon) → inventory.reserve
//   (order id chosen first) → promotion.redeem (the coupon, atomically) → order.placeOrder (the
//   discounts recorded line by line) → payment.createPayment → the cart lets go of the ordered
//   lines and the spent coupon → 201 {order, payment}
//
// Same Idempotency-Key → same answer: the order placed under the key is looked up first (one
// statement), so a retry never touches the cart or the stock again. A failure after the
// reservation gives the units and the coupon back (and cancels the order once it exists).

export { CHECKOUT_PLACEHOLDER, CheckoutPayment, CheckoutRequest } from "@bazaar/contracts/checkout";

export interface CheckoutResult {
	order: Order;
	payment: CheckoutPayment;
	/** true when the key had already placed this order. */
	replayed: boolean;
}

export interface CheckoutDeps {
	identity: Pick<IdentityModule, "getProfile" | "getAddress">;
	catalog: Catalog;
	cart: CartModule;
	inventory: Pick<Inventory, "reserve" | "release">;
	orders: Pick<OrderModule, "placeOrder" | "findByIdempotencyKey" | "getOrder" | "cancel" | "context">;
	payments: Pick<PaymentModule, "createPayment" | "listOrderPayments" | "listGateways" | "confirmReturn" | "context">;
	promotions: Pick<PromotionModule, "price" | "checkCoupon" | "redeem" | "releaseForOrder">;
	/** The storefront's origin: where the gateway may send the shopper back. */
	storefrontUrl: string;
	/** The order's payment window plus a grace, so a late payment still finds its units held. */
	reservationTtlMs: number;
}

/**
 * Who checks out: a signed-in customer (the signed caller), or a guest — the edge signs a guest
 * caller (role `guest`, the id derived from the cart token) and forwards the cart token itself,
 * which must derive that very id.
 */
export interface CheckoutCaller {
	user: string;
	roles: string[];
	ip?: string;
	guestToken?: string;
}

export interface CheckoutWorkflow {
	run(
		caller: CheckoutCaller,
		idempotencyKey: string | undefined,
		body: unknown,
		options?: { replayOf?: string },
	): Promise<CheckoutResult>;
	/** What the cart would cost shipped to an address, per shipping method (nothing is held). */
	quote(caller: CheckoutCaller, body: unknown): Promise<Quote>;
	/** The gateways the shopper may choose (the review page's list). */
	gateways(caller: CheckoutCaller): Promise<GatewayList>;
	/**
	 * The shopper is back from the gateway: its latest payment is settled from the gateway's own
	 * answer now (PayPal captures here) rather than when the webhook lands. The caller's own
	 * orders only; safe to repeat.
	 */
	confirm(caller: CheckoutCaller, orderId: string): Promise<ConfirmResult>;
}

export interface ConfirmResult {
	/** As it stands now: a settled payment reaches the order through the bus a moment later. */
	order: OrderDetail;
	payment: CheckoutPayment;
}

class CheckoutAuthError extends ServiceError {}

/** Declined attempts one order may have before the shopper must start over. */
const MAX_PAYMENT_ATTEMPTS = 20;

/** The reservation is what holds stock; the cart's own stock check would be a second read of the same rows. */
const STOCK_CHECKED_BY_RESERVATION: InventoryPort = {
	async availability(skus) {
		return new Map(skus.map((sku) => [sku, { available: null }]));
	},
};

export function createCheckout(deps: CheckoutDeps): CheckoutWorkflow {
	const origin = new URL(deps.storefrontUrl).origin;
	// Checkout prices lines without thumbnails and without the redundant stock read.
	const checkoutCart: CartContext = {
		...deps.cart.context,
		catalog: catalogPort(deps.catalog, { thumbnails: false }),
		inventory: STOCK_CHECKED_BY_RESERVATION,
	};

	const shopUrl = (raw: string, path: "returnUrl" | "cancelUrl", orderId: string) => {
		const url = URL.canParse(raw.replaceAll(CHECKOUT_PLACEHOLDER, orderId))
			? new URL(raw.replaceAll(CHECKOUT_PLACEHOLDER, orderId))
			: null;
		if (!url || url.origin !== origin) {
			throw new ServiceError(422, `The ${path} must be a URL on the storefront (${origin}).`, [
				{ path, message: `a URL starting with ${origin}/` },
			]);
		}
		return url.toString();
	};

	async function addressOf(userId: string, req: { address?: OrderAddress; addressId?: string }) {
		if (req.address) return req.address;
		if (req.addressId === undefined) {
			throw new ServiceError(422, "Send the shipping address (address or addressId).", [
				{ path: "address", message: "required" },
			]);
		}
		if (GuestId.safeParse(userId).success) {
			throw new ServiceError(422, "A guest has no address book: send the address itself.", [
				{ path: "addressId", message: "not for guests; send address" },
			]);
		}
		const a = await deps.identity.getAddress(userId, req.addressId as string);
		const mapped = OrderAddress.safeParse({
			name: a.recipient,
			line1: a.line1,
			...(a.line2 ? { line2: a.line2 } : {}),
			city: a.city,
			...(a.region ? { region: a.region } : {}),
			postalCode: a.postalCode ?? "",
			country: a.country,
			...(a.phone ? { phone: a.phone } : {}),
		});
		if (!mapped.success) {
			throw new ServiceError(422, "That address cannot be shipped to as it stands (e.g. it has no postal code).", [
				{ path: "addressId", message: mapped.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") },
			]);
		}
		return mapped.data;
	}

	/** The address the request names, when it names one (billing alone names none). */
	const givenAddress = (userId: string, req: { address?: OrderAddress; addressId?: string; billing?: Billing }) =>
		req.billing !== undefined ? Promise.resolve(null) : addressOf(userId, req);

	const paymentView = (p: Payment) => ({
		id: p.id,
		gateway: p.gateway,
		status: p.status,
		redirectUrl: p.redirectUrl,
		clientSecret: p.clientSecret,
	});

	function startPayment(
		order: Order,
		req: CheckoutRequest,
		attemptKey = `checkout:${order.id}`,
		gateway: string | undefined = req.gateway,
	) {
		return deps.payments.createPayment({
			orderId: order.id,
			amount: { amount: order.total, currency: order.currency },
			gateway,
			returnUrl: shopUrl(req.returnUrl, "returnUrl", order.id),
			cancelUrl: shopUrl(req.cancelUrl, "cancelUrl", order.id),
			// One payment attempt per order (and per failed one), whatever key the shopper's retries carry.
			idempotencyKey: attemptKey,
			// The gateway's session ends with the order, as far as the gateway allows.
			expiresAt: order.expiresAt,
		});
	}

	/** The order this key placed earlier: the same request gets the same order and payment. */
	async function replay(userId: string, order: Order, req: CheckoutRequest): Promise<CheckoutResult> {
		const asked = destinationOf(order.address !== null, req, await givenAddress(userId, req));
		const emailDiffers = GuestId.safeParse(userId).success && req.email !== undefined && req.email !== order.email;
		if (
			order.shippingMethod !== asked.shippingMethod ||
			!sameAddress(order.address ?? order.billing, asked.address ?? asked.billing) ||
			emailDiffers
		) {
			throw new ServiceError(422, "This Idempotency-Key was already used for a different checkout.");
		}
		if (order.status === "cancelled" || order.status === "expired") {
			throw new ServiceError(409, `The order of this checkout is ${order.status}; start a new checkout.`);
		}
		if (order.status === "pending_payment") {
			const attempts = await deps.payments.listOrderPayments(order.id);
			const latest = attempts.at(-1);
			// Placed, then stopped before its payment existed: this opens it.
			if (!latest) return { order, payment: paymentView((await startPayment(order, req)).payment), replayed: true };
			// Without a choice the shopper goes on with the gateway of the latest attempt.
			const gateway = req.gateway ?? latest.gateway;
			const open = latest.status === "created" || latest.status === "requires_action";
			const over = latest.status !== "failed" && latest.status !== "cancelled";
			// Open at the chosen gateway: the same page again. Succeeded: the order follows through the bus.
			if ((open && latest.gateway === gateway) || (!open && over)) {
				return { order, payment: paymentView(latest), replayed: true };
			}
			if (attempts.length >= MAX_PAYMENT_ATTEMPTS) {
				throw new ServiceError(409, "This order's payment failed too many times; start a new checkout.");
			}
			// A declined or cancelled attempt does not end the order, and the shopper may switch
			// gateways while it waits for payment. The next attempt is keyed on the latest one, so a
			// double click on "try again" still opens one attempt (createPayment gives up an open
			// attempt at another gateway: one live attempt per order).
			const next = await startPayment(order, req, `checkout:${order.id}:after:${latest.id}`, gateway);
			return { order, payment: paymentView(next.payment), replayed: true };
		}
		const payments = await deps.payments.listOrderPayments(order.id);
		const paid = payments.find((p) => p.id === order.paymentId) ?? payments[0];
		if (!paid) throw new Error(`order ${order.id} is ${order.status} without a payment`);
		return { order, payment: paymentView(paid), replayed: true };
	}

	return {
		async gateways(caller) {
			await shopperOf(caller);
			return deps.payments.listGateways();
		},
		async confirm(caller, orderId) {
			const shopper = await shopperOf(caller);
			// Someone else's order is a 404, exactly like one that does not exist.
			const order = await deps.orders.getOrder(orderId, shopper.id);
			const attempts = await deps.payments.listOrderPayments(order.id);
			const latest = attempts.find((p) => p.id === order.paymentId) ?? attempts.at(-1);
			if (!latest) throw new ServiceError(409, "This order has no payment to confirm yet.");
			const payment = order.status === "pending_payment" ? await deps.payments.confirmReturn(latest.id) : latest;
			return { order, payment: paymentView(payment) };
		},
		async quote(caller, body) {
			const shopper = await shopperOf(caller);
			return quoteCheckout({ cart: deps.cart.context, promotions: deps.promotions, givenAddress }, shopper, body);
		},
		async run(caller, idempotencyKey, body, options = {}) {
			const shopper = await shopperOf(caller);
			const key = IdempotencyKey.safeParse(idempotencyKey);
			if (!key.success) {
				throw new ServiceError(
					idempotencyKey === undefined ? 428 : 400,
					"Checkout needs an Idempotency-Key header (8–200 printable characters, e.g. a UUID).",
					[{ path: "Idempotency-Key", message: key.error.issues[0]?.message ?? "required" }],
				);
			}
			const req = CheckoutRequest.parse(body);
			const userId = shopper.id;
			if (shopper.guest && req.email === undefined) {
				throw new ServiceError(422, "A guest checks out with an email address: the order and its mail go there.", [
					{ path: "email", message: "required for a guest" },
				]);
			}
			// Fail on a bad return URL before anything is held.
			shopUrl(req.returnUrl, "returnUrl", "ord_CHECK");
			shopUrl(req.cancelUrl, "cancelUrl", "ord_CHECK");
			// Nothing to pay with: refused before anything is held (the sandbox is off outside local stacks).
			if (deps.payments.context.defaultGateway === null) throw new NoGatewayError();
			if (req.gateway && !deps.payments.context.gateways.has(req.gateway)) {
				throw new ServiceError(422, `The payment gateway ${req.gateway} is not enabled.`, [
					{ path: "gateway", message: `one of ${[...deps.payments.context.gateways.keys()].join(", ")}` },
				]);
			}

			const seen = await deps.orders.findByIdempotencyKey(userId, key.data);
			// A page that pays an existing order (the Payment Element page, "try again") only ever
			// replays: a key that did not place that order places nothing from the cart.
			if (options.replayOf !== undefined && seen?.id !== options.replayOf) {
				throw new NotFoundError("A checkout of that order under this Idempotency-Key");
			}
			if (seen) return replay(userId, seen, req);

			const [email, given, cart] = await Promise.all([
				shopper.guest
					? (req.email as string)
					: deps.identity.getProfile(userId).then(
							(profile) => profile.email,
							(err) => {
								if (err instanceof NotFoundError) {
									throw new CheckoutAuthError(401, "The signed-in customer does not exist.");
								}
								throw err;
							},
						),
				givenAddress(userId, req),
				cartForCheckout(checkoutCart, shopper.cart),
			]);
			// Only what ships needs a shipping address and method; the rest is billed to a country.
			const destination = destinationOf(cartShips(cart.lines), req, given);

			// A code typed at checkout is checked like one typed in the cart (rate limited, one answer
			// for every unusable code); then every price and discount is the promotion module's.
			if (req.couponCode !== undefined && req.couponCode.trim().toUpperCase() !== cart.couponCode) {
				await deps.promotions.checkCoupon(req.couponCode, {
					subject: `${shopper.guest ? "guest" : "customer"}:${userId}`,
					ip: caller.ip ?? null,
				});
			}
			const priced = await priceCheckout(deps.promotions, cart, userId, req.couponCode ?? cart.couponCode);
			const couponCode = requireUsableCoupon(priced);

			// Ids first: the reservation names its order, the order its reservation.
			const orderId = newId("ord");
			const { reservation } = await deps.inventory.reserve(
				{ orderId, lines: cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, slot: l.slot ?? undefined })) },
				{ ttlMs: deps.reservationTtlMs },
			);
			const giveBack = () =>
				deps.inventory.release(reservation.id).catch((err) => {
					// The sweeper releases it at its expiry anyway.
					console.error(`checkout: release of ${reservation.id} failed:`, err);
				});

			const giveCouponBack = async () => {
				if (!couponCode) return;
				await deps.promotions
					.releaseForOrder(orderId, "checkout did not place the order")
					.catch((err) => console.error(`checkout: giving back the coupon of ${orderId} failed:`, err));
			};
			if (couponCode) {
				try {
					await deps.promotions.redeem({
						code: couponCode,
						customerId: userId,
						orderId,
						goodsTotal: priced.subtotal - priced.discount,
						currency: cart.currency,
					});
				} catch (err) {
					await giveBack();
					throw err;
				}
			}

			let order: Order;
			try {
				const placed = await deps.orders.placeOrder({
					customerId: userId,
					email,
					idempotencyKey: key.data,
					orderId,
					currency: cart.currency,
					lines: promotedOrderLines(cart, priced),
					...destination,
					reservationId: reservation.id,
					promotions: priced.applied,
					freeShipping: priced.freeShipping,
					couponCode,
				});
				if (!placed.created) {
					// A concurrent request with the same key placed its order first: ours is not needed.
					await giveBack();
					await giveCouponBack();
					return replay(userId, placed.order, req);
				}
				order = placed.order;
			} catch (err) {
				await giveBack();
				await giveCouponBack();
				throw err;
			}

			let payment: Payment;
			try {
				payment = (await startPayment(order, req)).payment;
			} catch (err) {
				// No way to pay: the order ends here and its units go back (order.cancelled releases
				// them too; releasing now makes them available at once, and a second release is a no-op).
				await deps.orders
					.cancel(order.id, { actor: "checkout", reason: "the payment could not be started" })
					.catch((e) => console.error(`checkout: cancel of ${order.id} failed:`, e));
				await giveBack();
				await giveCouponBack();
				throw err;
			}

			// The order holds the lines now. A failure here leaves them in the cart, nothing worse.
			await deps.cart
				.removeOrderedLines(
					cart.cartId,
					cart.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity, slot: l.slot })),
					couponCode,
				)
				.catch((err) => console.error(`checkout: clearing cart ${cart.cartId} failed:`, err));
			return { order, payment: paymentView(payment), replayed: false };
		},
	};
}

/** Whose checkout it is and which cart it takes; anyone else is refused before anything is read. */
export interface Shopper {
	/** The order's owner: the customer's user id, or the guest's id. */
	id: string;
	cart: CartOwner;
	guest: boolean;
}

async function shopperOf(caller: CheckoutCaller): Promise<Shopper> {
	if (!caller.user) throw new CheckoutAuthError(401, "Checkout needs a signed-in customer or a guest cart.");
	if (caller.roles.includes(GUEST_ROLE)) {
		// The signed guest id must be the one this cart token derives: a guest reaches only their own cart.
		const token = caller.guestToken;
		if (!GuestId.safeParse(caller.user).success || !token || (await guestIdOf(token)) !== caller.user) {
			throw new CheckoutAuthError(403, `A guest checkout needs the guest's own cart token (${GUEST_TOKEN_HEADER}).`);
		}
		return { id: caller.user, cart: { kind: "guest", token }, guest: true };
	}
	if (!caller.roles.includes("customer") || !UserId.safeParse(caller.user).success) {
		throw new CheckoutAuthError(403, "Checkout is for customer accounts and guests.");
	}
	return { id: caller.user, cart: { kind: "customer", userId: caller.user }, guest: false };
}

function sameAddress(a: OrderAddress | Billing, b: OrderAddress | Billing): boolean {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof OrderAddress>;
	const at = (x: OrderAddress | Billing, k: keyof OrderAddress) => (x as Partial<OrderAddress>)[k] ?? null;
	return [...keys].every((k) => at(a, k) === at(b, k));
}

/** With this header (an order id), POST /checkout only replays the checkout that placed that order (404 otherwise). */
export const REPLAY_OF_HEADER = "checkout-replay-of";

/**
 * POST /checkout, POST /checkout/quote, GET /checkout/gateways and POST
 * /checkout/orders/:orderId/confirm (mounted behind the signature check; the caller is the
 * signed-in customer).
 */
export function checkoutRoutes(checkout: CheckoutWorkflow): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	// A guest's cart token rides beside the signed caller (checkoutCaller).
	app.get("/gateways", async (c) => jsonResponse(await checkout.gateways(checkoutCaller(c))));
	app.post("/orders/:orderId/confirm", async (c) =>
		jsonResponse(await checkout.confirm(checkoutCaller(c), c.req.param("orderId"))),
	);
	app.post("/", async (c) => {
		const replayOf = c.req.header(REPLAY_OF_HEADER);
		const result = await checkout.run(
			checkoutCaller(c),
			c.req.header("idempotency-key"),
			readJson(c, z.unknown()),
			replayOf === undefined ? {} : { replayOf },
		);
		return jsonResponse({ order: result.order, payment: result.payment }, 201, {
			location: `/orders/${result.order.id}`,
			...(result.replayed ? { "idempotent-replayed": "true" } : {}),
		});
	});
	app.post("/quote", async (c) => jsonResponse(await checkout.quote(checkoutCaller(c), readJson(c, z.unknown()))));
	return app;
}

function checkoutCaller(c: Context<AppEnv>): CheckoutCaller {
	const token = c.req.header(GUEST_TOKEN_HEADER);
	return token === undefined ? c.get("caller") : { ...c.get("caller"), guestToken: token };
}
