import { Cart } from "@bazaar/contracts/cart";
import { CheckoutResponse, Quote } from "@bazaar/contracts/checkout";
import { AddressList, Address as BookAddress } from "@bazaar/contracts/identity";
import { OrderDetail, OrderId } from "@bazaar/contracts/order";
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
	place: (env: Env, caller: Caller, idempotencyKey: string, body: unknown) =>
		callCore(env, CheckoutResponse, "POST", "/checkout", caller, {
			body,
			headers: { "idempotency-key": idempotencyKey },
		}),
	order: (env: Env, caller: Caller, id: string) =>
		callCore(env, OrderDetail, "GET", `/orders/${encodeURIComponent(id)}`, caller),
};

/** Whether a path segment can name an order at all (anything else is a 404 without a core call). */
export const isOrderId = (id: string) => OrderId.safeParse(id).success;
