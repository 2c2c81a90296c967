import { Currency } from "@bazaar/money";
import { z } from "zod";

// A market is a group of countries the shop sells to in one currency (US/USD, Eurozone/EUR,
// UK/GBP). Staff keep the list in the catalog (PUT /api/admin/catalog/markets); the edge picks one
// per shopper from `request.cf.country`, a chooser and a cookie, and renders, caches and charges
// in its currency. A product without a price in that currency is unavailable there: prices are
// never converted.

/** The query parameter that names a market's page (the addresses `hreflang` announces). */
export const MARKET_PARAM = "market";

export const MarketCode = z
	.string()
	.regex(/^[a-z]{2,8}$/, "2 to 8 lower-case letters, e.g. eu")
	.describe("A market's code: in the market cookie and the `market` query parameter");
export type MarketCode = z.infer<typeof MarketCode>;

export const CountryCode = z
	.string()
	.regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, e.g. DE")
	.describe("ISO 3166-1 alpha-2 country code, as Cloudflare's request.cf.country");

export const Market = z.object({
	code: MarketCode,
	name: z.string().trim().min(1).max(60),
	currency: Currency,
	/** BCP 47 locale money and dates are written in, e.g. de-DE. */
	locale: z
		.string()
		.regex(/^[a-z]{2,3}(?:-[A-Z]{2})?$/, "a language, optionally with a region, e.g. en-GB")
		.refine((l) => {
			try {
				return Intl.NumberFormat.supportedLocalesOf([l]).length === 1;
			} catch {
				return false;
			}
		}, "a locale this runtime knows"),
	/** The hreflang its pages are announced under (a language and region, or x-default). */
	hreflang: z.string().regex(/^(?:[a-z]{2,3}(?:-[A-Z]{2})?|x-default)$/, "e.g. en-GB"),
	/** The countries whose shoppers land in it on their first visit. */
	countries: z.array(CountryCode).max(300),
});
export type Market = z.infer<typeof Market>;

export const MarketList = z
	.object({
		/** The market of a shopper whose country no market lists. */
		defaultCode: MarketCode,
		items: z.array(Market).min(1).max(50),
	})
	.superRefine((list, ctx) => {
		const codes = new Set<string>();
		const countries = new Map<string, string>();
		list.items.forEach((m, i) => {
			if (codes.has(m.code)) ctx.addIssue({ code: "custom", path: ["items", i, "code"], message: "used twice" });
			codes.add(m.code);
			for (const country of m.countries) {
				const other = countries.get(country);
				if (other)
					ctx.addIssue({ code: "custom", path: ["items", i, "countries"], message: `${country} is in ${other} too` });
				countries.set(country, m.code);
			}
		});
		if (!codes.has(list.defaultCode))
			ctx.addIssue({ code: "custom", path: ["defaultCode"], message: "not one of the markets" });
	});
export type MarketList = z.infer<typeof MarketList>;

const EUROZONE = [
	"AT",
	"BE",
	"CY",
	"DE",
	"EE",
	"ES",
	"FI",
	"FR",
	"GR",
	"HR",
	"IE",
	"IT",
	"LT",
	"LU",
	"LV",
	"MT",
	"NL",
	"PT",
	"SI",
	"SK",
];

/** The markets a fresh shop starts with (migration 0005 writes the same list). */
export const DEFAULT_MARKETS: MarketList = {
	defaultCode: "us",
	items: [
		{ code: "us", name: "United States", currency: "USD", locale: "en-US", hreflang: "en-US", countries: ["US"] },
		{ code: "eu", name: "Eurozone", currency: "EUR", locale: "en-IE", hreflang: "en-IE", countries: EUROZONE },
		{ code: "uk", name: "United Kingdom", currency: "GBP", locale: "en-GB", hreflang: "en-GB", countries: ["GB"] },
	],
};

/** The market a country's shoppers land in: the one listing it, else the default. */
export function marketForCountry(list: MarketList, country: string | null | undefined): Market {
	const upper = country?.toUpperCase();
	const found = upper ? list.items.find((m) => m.countries.includes(upper)) : undefined;
	return found ?? marketByCode(list, list.defaultCode) ?? (list.items[0] as Market);
}

export function marketByCode(list: MarketList, code: string | null | undefined): Market | undefined {
	return code ? list.items.find((m) => m.code === code) : undefined;
}
