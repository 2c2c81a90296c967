import { OrderDelivery, Redeemed } from "@bazaar/contracts/delivery";
import type { Caller } from "@bazaar/signature";
import { callCore } from "./core-call";

// The edge's calls to the core's delivery routes: a customer's links and keys (404 for anyone
// else's order), and one counted download of a link (anyone holding the link; the core checks it).

export const delivery = {
	ofOrder: (env: Env, caller: Caller, orderId: string) =>
		callCore(env, OrderDelivery, "GET", `/delivery/orders/${encodeURIComponent(orderId)}`, caller),
	redeem: (env: Env, caller: Caller, token: string) =>
		callCore(env, Redeemed, "POST", "/delivery/downloads/redeem", caller, { body: { token } }),
};

/** A token as the core makes them (`dl_<ulid>.<seconds>.<hex HMAC>`); anything else is a 404 without a core call. */
export const isDownloadToken = (token: string) => /^dl_[0-9A-Z]{26}\.\d{1,12}\.[0-9a-f]{64}$/.test(token);
