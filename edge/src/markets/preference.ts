import { type Market, MarketCode, marketByCode } from "@bazaar/contracts/market";
import { coreCart } from "../cart/core-cart";
import type { AppContext } from "../env";
import { writeCookie } from "../session/cookie";
import type { ActiveSession } from "../session/store";
import { MARKET_COOKIE, marketOf } from "./state";

// Remembering a shopper's market: a cookie on this browser, and for a signed-in shopper their
// account's preference (in the sessions KV, keyed by user: it follows them to another browser at
// sign-in). Changing market re-prices the cart in the new currency; nothing is ever converted.

const COOKIE_TTL_SECONDS = 365 * 24 * 3600;
const preferenceKey = (userId: string) => `market-pref:${userId}`;

/** Makes `market` the request's and the browser's market, and the account's when signed in. */
export async function keepMarket(c: AppContext, market: Market, session: ActiveSession | null): Promise<void> {
	const view = await marketOf(c);
	c.set("market", { list: view.list, market });
	writeCookie(c, MARKET_COOKIE, market.code, COOKIE_TTL_SECONDS);
	if (session) await c.env.SESSIONS.put(preferenceKey(session.userId), market.code).catch(() => {});
}

/**
 * Right after a sign-in in the browser (startSession made `session` the request's, and the guest
 * cart is merged): the account's market, if it chose one, becomes
 * this browser's, and the customer's cart is priced in the market's currency. A failure here
 * must not fail the sign-in: the cart keeps its currency and says so on the cart page.
 */
export async function settleMarketAtSignIn(c: AppContext, session: ActiveSession): Promise<void> {
	const { list } = await marketOf(c);
	const stored = await c.env.SESSIONS.get(preferenceKey(session.userId)).catch(() => null);
	const preferred = MarketCode.safeParse(stored).success ? marketByCode(list, stored) : undefined;
	if (preferred) await keepMarket(c, preferred, session);
	const { market } = await marketOf(c);
	const answer = await coreCart.setCurrency(c, null, market.currency).catch(() => null);
	if (!answer?.ok) console.warn(`market at sign-in for ${session.userId}: cart not re-priced`);
}
