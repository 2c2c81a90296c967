import { Cart } from "@bazaar/contracts/cart";
import { CheckoutConfirmed, CheckoutResponse, Quote } from "@bazaar/contracts/checkout";
import { AddressList, Address as BookAddress } from "@bazaar/contracts/identity";
import { OrderDetail, OrderId } from "@bazaar/contracts/order";
import { GatewayList } from "@bazaar/contracts/payment";
import type { Caller } from "@bazaar/signature";
import { callCore } from "../lib/core-call";

// The checkout's calls to the core, signed for the signed-in shopper. The core computes every
// amount; the edge only shows what it answers and passes the shopper's choices on.

/** What the checkout sends for an address: a book entry's id, or the fields of a new one. */
export type AddressChoice = { addressId: string } | { address: Record<string, string> };

export const checkoutCore = {
	cart: (env: Env, caller: Caller) => callCore(env, Cart, "GET", "/cart", caller),
	addresses: (env: Env, caller: Caller) => callCore(env, AddressList, "GET", "/identity/me/addresses", caller),
	saveAddress: (env: Env, caller: Caller, input: unknown) =>
		callCore(env, BookAddress, "POST", "/identity/me/addresses", caller, { body: input }),
	/** The body is a QuoteRequest; the core validates it. */
	quote: (env: Env, caller: Caller, body: object) => callCore(env, Quote, "POST", "/checkout/quote", caller, { body }),
	/** `replayOf`: only the checkout that placed this order under the key (404 otherwise; nothing is placed). */
	place: (env: Env, caller: Caller, idempotencyKey: string, body: unknown, replayOf?: string) =>
		callCore(env, CheckoutResponse, "POST", "/checkout", caller, {
			body,
			headers: { "idempotency-key": idempotencyKey, ...(replayOf ? { "checkout-replay-of": replayOf } : {}) },
		}),
	order: (env: Env, caller: Caller, id: string) =>
		callCore(env, OrderDetail, "GET", `/orders/${encodeURIComponent(id)}`, caller),
	/** The gateways the shopper may choose (and the origins their pages need in the CSP). */
	gateways: (env: Env, caller: Caller) => callCore(env, GatewayList, "GET", "/checkout/gateways", caller),
	/** Back from the gateway: settle from its own answer now instead of waiting for its webhook. */
	confirm: (env: Env, caller: Caller, id: string) =>
		callCore(env, CheckoutConfirmed, "POST", `/checkout/orders/${encodeURIComponent(id)}/confirm`, caller),
};

/** Whether a path segment can name an order at all (anything else is a 404 without a core call). */
export const isOrderId = (id: string) => OrderId.safeParse(id).success;
