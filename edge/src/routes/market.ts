import { MARKET_PARAM, marketByCode } from "@bazaar/contracts/market";
import { Hono } from "hono";
import { coreCart, hasCart } from "../cart/core-cart";
import { guestToken } from "../cart/guest";
import type { AppContext, AppEnv } from "../env";
import { formFields, sameOrigin } from "../lib/forms";
import { coreTrouble, errorPage, seeOther } from "../lib/personal-page";
import { keepMarket } from "../markets/preference";
import { marketOf } from "../markets/state";
import { formBodyLimit } from "../middleware/body";
import { loadSession } from "../session/middleware";

// The header's market chooser (a plain form: it works without script). The pages it sits on are
// cached for every shopper of a market, so it cannot carry a per-shopper CSRF token: like add to
// cart, it requires the browser's Origin (or Sec-Fetch-Site) to be this site, and the session
// cookie is SameSite=Lax. The worst a forged post could do is show another market's prices.
//
// Choosing a market re-prices a non-empty cart in its currency at once (the core's PUT
// /cart/currency): lines not sold in it stay, flagged "not sold in GBP", and block checkout until
// removed or the shopper switches back. Nothing is converted.

export const market = new Hono<AppEnv>();

market.use("*", formBodyLimit(4 * 1024));
market.use("*", loadSession);

market.post("/", async (c) => {
	if (!sameOrigin(c, { required: true })) return errorPage(c, 403, "Change the market from this shop's own pages.");
	const fields = await formFields(c);
	if (!fields) return errorPage(c, 400, "Send this form from the shop's header.");
	const { list } = await marketOf(c);
	const chosen = marketByCode(list, fields.market);
	if (!chosen) return errorPage(c, 400, `Choose one of the markets: ${list.items.map((m) => m.name).join(", ")}.`);
	const session = c.get("session") ?? null;
	await keepMarket(c, chosen, session);
	const token = guestToken(c);
	if (hasCart(c, token)) {
		const answer = await coreCart.setCurrency(c, token, chosen.currency);
		if (!answer.ok && answer.status !== 404) return coreTrouble(c, answer.status);
	}
	c.header("cache-control", "no-store");
	return seeOther(c, backTo(c));
});

/**
 * Back to the page the chooser was on (the Referer, when it is this site's), without a `market`
 * parameter, which would outrank the choice just made; else the home page.
 */
function backTo(c: AppContext): string {
	const referer = c.req.header("referer");
	if (!referer) return "/";
	try {
		const from = new URL(referer);
		if (from.origin !== new URL(c.req.url).origin) return "/";
		from.searchParams.delete(MARKET_PARAM);
		return `${from.pathname}${from.search}`;
	} catch {
		return "/";
	}
}
