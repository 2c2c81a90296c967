import { Cart } from "@bazaar/contracts/cart";
import { CheckoutConfirmed, CheckoutResponse, Quote } from "@bazaar/contracts/checkout";
import { AddressList, Address as BookAddress } from "@bazaar/contracts/identity";
import { OrderDetail, OrderId } from "@bazaar/contracts/order";
import { GatewayList } from "@bazaar/contracts/payment";
import type { Caller } from "@bazaar/signature";
import { callCore } from "../lib/core-call";
import type { Shopper } from "./shopper";

// The checkout's calls to the core, signed for the signed-in shopper. The core computes every
// amount; the edge only shows what it answers and passes the shopper's choices on.

/**
 * What the checkout sends for where the order goes: a book entry's id, the fields of a new
 * address, or — for a cart with nothing to ship — only the billing name and country.
 */
export type AddressChoice =
	| { addressId: string }
	| { address: Record<string, string> }
	| { billing: Record<string, string> };

/** The signed caller alone, or a checkout shopper (a guest's calls carry the cart token too). */
type Who = Caller | Pick<Shopper, "caller" | "headers">;
const split = (who: Who): [Caller, Record<string, string>] => ("caller" in who ? [who.caller, who.headers] : [who, {}]);

export const checkoutCore = {
	cart: (env: Env, who: Who) => {
		const [caller, headers] = split(who);
		return callCore(env, Cart, "GET", "/cart", caller, { headers });
	},
	addresses: (env: Env, caller: Caller) => callCore(env, AddressList, "GET", "/identity/me/addresses", caller),
	saveAddress: (env: Env, caller: Caller, input: unknown) =>
		callCore(env, BookAddress, "POST", "/identity/me/addresses", caller, { body: input }),
	/** The body is a QuoteRequest; the core validates it. */
	quote: (env: Env, who: Who, body: object) => {
		const [caller, headers] = split(who);
		return callCore(env, Quote, "POST", "/checkout/quote", caller, { body, headers });
	},
	/** `replayOf`: only the checkout that placed this order under the key (404 otherwise; nothing is placed). */
	place: (env: Env, who: Who, idempotencyKey: string, body: unknown, replayOf?: string) => {
		const [caller, headers] = split(who);
		return callCore(env, CheckoutResponse, "POST", "/checkout", caller, {
			body,
			headers: {
				...headers,
				"idempotency-key": idempotencyKey,
				...(replayOf ? { "checkout-replay-of": replayOf } : {}),
			},
		});
	},
	order: (env: Env, who: Who, id: string) =>
		callCore(env, OrderDetail, "GET", `/orders/${encodeURIComponent(id)}`, split(who)[0]),
	/** The gateways the shopper may choose (and the origins their pages need in the CSP). */
	gateways: (env: Env, who: Who) => {
		const [caller, headers] = split(who);
		return callCore(env, GatewayList, "GET", "/checkout/gateways", caller, { headers });
	},
	/** Back from the gateway: settle from its own answer now instead of waiting for its webhook. */
	confirm: (env: Env, who: Who, id: string) => {
		const [caller, headers] = split(who);
		return callCore(env, CheckoutConfirmed, "POST", `/checkout/orders/${encodeURIComponent(id)}/confirm`, caller, {
			headers,
		});
	},
};

/** Whether a path segment can name an order at all (anything else is a 404 without a core call). */
export const isOrderId = (id: string) => OrderId.safeParse(id).success;
