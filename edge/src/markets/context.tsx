import type { Market } from "@bazaar/contracts/market";
import { formatMoney, type Money } from "@bazaar/money";
import { createContext, useContext } from "hono/jsx";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { MarketView } from "./state";

// Rendering pages see the shopper's market through this context: its currency picks the prices
// shown, its locale writes them, and the header's chooser lists the others.

export const MarketContext = createContext<MarketView | null>(null);

export function useMarketView(): MarketView | null {
	return useContext(MarketContext);
}

/** The market being rendered for; null outside one (an error page rendered without it). */
export function useMarket(): Market | null {
	const view = useContext(MarketContext);
	return view ? view.market : null;
}

/** Money written in the market's locale (en-US outside one): "€12.50", "¥1,200", "KWD 1.250". */
export function useFormatMoney(): (m: Money) => string {
	const locale = useMarket()?.locale ?? "en-US";
	return (m) => formatMoney(m, locale);
}

/** The same, for one amount written while a page renders (cart, checkout, order, filters). */
export function formatInMarket(m: Money): string {
	return formatMoney(m, useMarket()?.locale ?? "en-US");
}

export const inMarket = (view: MarketView, node: JSX.Element) => (
	<MarketContext.Provider value={view}>{node}</MarketContext.Provider>
);
