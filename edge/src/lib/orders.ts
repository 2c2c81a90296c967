import {
	BookingAnswer,
	BookingList,
	GUEST_ORDER_KEY_HEADER,
	GuestOrderAccess,
	type GuestOrderLookup,
	ORDER_STATUS_WORDS,
	Order,
	OrderDetail,
	OrderId,
	OrderList,
	type OrderStatus,
} from "@bazaar/contracts/order";
import type { Caller } from "@bazaar/signature";
import { callCore } from "./core-call";

// The edge's calls to the core's order module for the signed-in customer (the core answers
// 404 for anyone else's order), and the words the pages use for an order's state.

export const orders = {
	list: (env: Env, caller: Caller, query: { cursor?: string | undefined; limit?: number | undefined }) => {
		const params = new URLSearchParams();
		if (query.cursor) params.set("cursor", query.cursor);
		if (query.limit) params.set("limit", String(query.limit));
		const qs = params.toString();
		return callCore(env, OrderList, "GET", `/orders${qs ? `?${qs}` : ""}`, caller);
	},
	get: (env: Env, caller: Caller, id: string) =>
		callCore(env, OrderDetail, "GET", `/orders/${encodeURIComponent(id)}`, caller),
	cancel: (env: Env, caller: Caller, id: string, body: { reason?: string } = {}) =>
		callCore(env, Order, "POST", `/orders/${encodeURIComponent(id)}/cancel`, caller, { body }),
	/** A guest order by its link's key (any other key, or an account's order: 404). */
	guest: (env: Env, caller: Caller, id: string, key: string) =>
		callCore(env, OrderDetail, "GET", `/orders/guest/${encodeURIComponent(id)}`, caller, {
			headers: { [GUEST_ORDER_KEY_HEADER]: key },
		}),
	/** A guest cancels their unpaid order by its link's key (404 for any other key; 409 once paid). */
	cancelGuest: (env: Env, caller: Caller, id: string, key: string) =>
		callCore(env, Order, "POST", `/orders/guest/${encodeURIComponent(id)}/cancel`, caller, {
			body: {},
			headers: { [GUEST_ORDER_KEY_HEADER]: key },
		}),
	/** The order's booked lines (an account's order; with `key`, a guest's by its link). */
	bookings: (env: Env, caller: Caller, id: string, key?: string) =>
		callCore(env, BookingList, "GET", `${orderBase(id, key)}/bookings`, caller, keyed(key)),
	/** A booked line into another free slot of its service (409: full, past the cut-off, changed meanwhile). */
	reschedule: (env: Env, caller: Caller, id: string, line: number, slot: string, key?: string) =>
		callCore(env, BookingAnswer, "POST", `${orderBase(id, key)}/bookings/${line}/reschedule`, caller, {
			body: { slot },
			...keyed(key),
		}),
	/** A booked line cancelled and refunded (409 past the cut-off). */
	cancelBooking: (env: Env, caller: Caller, id: string, line: number, key?: string) =>
		callCore(env, BookingAnswer, "POST", `${orderBase(id, key)}/bookings/${line}/cancel`, caller, {
			body: {},
			...keyed(key),
		}),
	/** Order number + email → the key of the guest order's link (rate limited; one 404 for every miss). */
	lookup: (env: Env, caller: Caller, body: GuestOrderLookup) =>
		callCore(env, GuestOrderAccess, "POST", "/orders/guest/lookup", caller, { body }),
};

const orderBase = (id: string, key?: string) =>
	key === undefined ? `/orders/${encodeURIComponent(id)}` : `/orders/guest/${encodeURIComponent(id)}`;
const keyed = (key?: string) => (key === undefined ? {} : { headers: { [GUEST_ORDER_KEY_HEADER]: key } });

/** The storefront's page of a guest order, opened by its key (what the mail links to). */
export const guestOrderPath = (id: string, key: string) => `/orders/guest/${id}?key=${encodeURIComponent(key)}`;

/** Whether a path segment can name an order at all (anything else is a 404 without a core call). */
export const isOrderId = (id: string) => OrderId.safeParse(id).success;

export const statusWords = (status: OrderStatus) => ORDER_STATUS_WORDS[status];

/** Who moved an order, for its timeline: the customer, the shop's sweeper, a gateway, or staff. */
export function actorWords(actor: string, customerId: string): string {
	if (actor === customerId) return "you";
	if (actor === "system") return "the shop (automatically)";
	if (actor.startsWith("payment:")) return `payment gateway (${actor.slice("payment:".length)})`;
	if (actor.startsWith("carrier")) return "the carrier";
	if (actor.startsWith("usr_")) return "shop staff";
	return actor;
}
