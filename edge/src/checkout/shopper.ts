import { GUEST_ROLE, GUEST_TOKEN_HEADER, GuestToken, guestIdOf } from "@bazaar/contracts/cart";
import type { Caller } from "@bazaar/signature";
import { guestToken } from "../cart/guest";
import type { AppContext } from "../env";
import { callerOf, clientIp } from "../lib/core-call";
import { csrfToken } from "../session/csrf";

// Who is checking out: a signed-in customer (their session), or a guest — a shopper with a cart
// cookie and no account. A guest is signed to the core with the id their cart token derives and
// the `guest` role, the token itself riding beside it (the core checks the two agree), so the
// core's owner checks on orders and payment pages work for guests unchanged: a guest reaches the
// orders of their own cookie and nothing else. Guest forms carry the anonymous CSRF pair.

export interface Shopper {
	caller: Caller;
	/** Headers that go with every checkout call to the core (the guest's cart token). */
	headers: Record<string, string>;
	csrf: string;
	guest: boolean;
}

/**
 * The shopper checking out, or null for someone with neither a session nor a cart. The JSON API
 * (`api`) also takes the cart token an API client keeps in `x-bazaar-cart-token`, as /api/cart does.
 */
export async function checkoutShopper(c: AppContext, options: { api?: boolean } = {}): Promise<Shopper | null> {
	const session = c.get("session");
	if (session) return { caller: callerOf(c, session), headers: {}, csrf: session.csrf, guest: false };
	const header = options.api ? c.req.header(GUEST_TOKEN_HEADER) : undefined;
	const token = header === undefined ? guestToken(c) : GuestToken.safeParse(header).success ? header : null;
	if (!token) return null;
	const ip = clientIp(c.req.raw);
	return {
		caller: { user: await guestIdOf(token), roles: [GUEST_ROLE], ...(ip === undefined ? {} : { ip }) },
		headers: { [GUEST_TOKEN_HEADER]: token },
		csrf: await csrfToken(c, null),
		guest: true,
	};
}
