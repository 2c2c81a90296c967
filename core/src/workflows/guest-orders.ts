import { ACCOUNT_CREATED, AccountCreated } from "@bazaar/contracts/identity";
import { GUEST_ORDER_KEY_HEADER, type GuestOrderAccess, GuestOrderLookup } from "@bazaar/contracts/order";
import { Hono } from "hono";
import type { Bus, SubscribeOptions } from "../bus";
import { RateLimitedError, type RateLimiter, type RateRule } from "../identity/rate-limit";
import { emailHash } from "../lib/email-key";
import { NotFoundError } from "../lib/errors";
import { type AppEnv, jsonResponse, readJson } from "../lib/http";
import type { OrderModule } from "../order/module";

// A guest's way back to an order without an account: the mailed link's key, or the order number
// with the email it was placed with. A lookup takes tokens from the core's one rate limiter (per
// IP, per order number, per address) before it looks; a wrong number and a wrong address get the
// same 404, and only misses count (a hit gives its tokens back, as a login does).

export const GUEST_LOOKUPS_PER_IP: RateRule = { capacity: 20, windowMs: 15 * 60_000 };
export const GUEST_LOOKUPS_PER_ORDER: RateRule = { capacity: 10, windowMs: 15 * 60_000 };
export const GUEST_LOOKUPS_PER_EMAIL: RateRule = { capacity: 10, windowMs: 15 * 60_000 };

export interface GuestOrderDeps {
	orders: Pick<OrderModule, "openGuestOrder" | "findGuestOrder" | "cancel">;
	limiter: RateLimiter;
}

export async function lookupGuestOrder(
	deps: GuestOrderDeps,
	body: unknown,
	ip: string | undefined,
): Promise<GuestOrderAccess> {
	const req = GuestOrderLookup.parse(body);
	const buckets = [
		{ key: `guest-lookup-order:${req.orderId}`, rule: GUEST_LOOKUPS_PER_ORDER },
		{ key: `guest-lookup-mail:${emailHash(req.email)}`, rule: GUEST_LOOKUPS_PER_EMAIL },
	];
	if (ip) buckets.push({ key: `guest-lookup-ip:${ip}`, rule: GUEST_LOOKUPS_PER_IP });
	const took = await deps.limiter.take(buckets);
	if (!took.ok) throw new RateLimitedError(Math.max(1, Math.ceil(took.retryAfterMs / 1000)));
	const found = await deps.orders.findGuestOrder(req.orderId, req.email);
	await Promise.all(buckets.map((b) => deps.limiter.give(b.key, b.rule, 1)));
	return { orderId: req.orderId, key: found.key };
}

/**
 * The guest cancels their unpaid order: the key proves it is theirs (404 otherwise, as for a
 * read), then the same verb and rule as an account's cancel (only while it waits for payment;
 * 409 after), with the guest as the actor and owner.
 */
export async function cancelGuestOrder(deps: GuestOrderDeps, id: string, key: string) {
	const order = await deps.orders.openGuestOrder(id, key);
	return (await deps.orders.cancel(order.id, { actor: order.customerId, ownerId: order.customerId })).order;
}

/**
 * GET /orders/guest/:id and POST /orders/guest/:id/cancel (the key in `x-bazaar-order-key`) and
 * POST /orders/guest/lookup; mounted
 * before the order module's /orders routes, behind the edge's signature (any caller: a guest has
 * no account, the key is the credential).
 */
export function guestOrderRoutes(deps: GuestOrderDeps): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.post("/lookup", async (c) =>
		jsonResponse(await lookupGuestOrder(deps, readJson(c, GuestOrderLookup), c.get("caller").ip)),
	);
	app.get("/:id", async (c) => {
		const key = c.req.header(GUEST_ORDER_KEY_HEADER);
		if (!key) throw new NotFoundError("The order");
		return jsonResponse(await deps.orders.openGuestOrder(c.req.param("id"), key));
	});
	app.post("/:id/cancel", async (c) => {
		const key = c.req.header(GUEST_ORDER_KEY_HEADER);
		if (!key) throw new NotFoundError("The order");
		return jsonResponse(await cancelGuestOrder(deps, c.req.param("id"), key));
	});
	return app;
}

export const GUEST_CLAIMS_GROUP = "guest-order-claims";

/**
 * identity.account_created → the guest orders placed with that (now verified) address move into
 * the new account. Idempotent: a repeat finds nothing left to claim.
 */
export function subscribeGuestClaims(
	bus: Bus,
	orders: Pick<OrderModule, "claimGuestOrders">,
	tuning: SubscribeOptions = {},
): void {
	bus.subscribe(
		GUEST_CLAIMS_GROUP,
		[ACCOUNT_CREATED],
		async (event) => {
			const { userId, emailHash: hash } = AccountCreated.parse(event.data);
			await orders.claimGuestOrders(userId, hash);
		},
		{ maxDeliveries: 20, ...tuning },
	);
}
