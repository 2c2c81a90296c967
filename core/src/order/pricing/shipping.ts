import type { ShippingMethod } from "@bazaar/contracts/order";

// Shipping rates by total weight and destination zone, per currency, in minor units. A rate is
// the base price (first kilogram included) plus a price per further started kilogram. Standard
// shipping is free at or above a per-currency subtotal threshold. Pure data and functions.

export type Zone = "north_america" | "europe" | "asia_pacific" | "world";

interface Rate {
	base: number;
	perKg: number;
}
interface CurrencyRates {
	standard: Record<Zone, Rate>;
	express: Record<Zone, Rate>;
	/** Subtotal from which standard shipping costs nothing. */
	freeStandardFrom: number;
}

const EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split(" ");
const EUROPE = new Set([...EU, "GB", "CH", "NO", "IS", "LI"]);
const NORTH_AMERICA = new Set(["US", "CA", "MX"]);
const ASIA_PACIFIC = new Set(["JP", "CN", "KR", "TW", "HK", "SG", "AU", "NZ", "IN", "TH", "MY", "ID", "PH", "VN"]);

export function zoneOf(country: string): Zone {
	if (NORTH_AMERICA.has(country)) return "north_america";
	if (EUROPE.has(country)) return "europe";
	if (ASIA_PACIFIC.has(country)) return "asia_pacific";
	return "world";
}

/** One table in cents-like units, scaled by an integer per currency (no floats, no FX). */
const CENT_TABLE: Omit<CurrencyRates, "freeStandardFrom"> = {
	standard: {
		north_america: { base: 499, perKg: 150 },
		europe: { base: 599, perKg: 200 },
		asia_pacific: { base: 899, perKg: 300 },
		world: { base: 1299, perKg: 400 },
	},
	express: {
		north_america: { base: 1499, perKg: 300 },
		europe: { base: 1799, perKg: 400 },
		asia_pacific: { base: 2499, perKg: 500 },
		world: { base: 3499, perKg: 700 },
	},
};

function scaled(factor: number, freeStandardFrom: number): CurrencyRates {
	const scale = (rates: Record<Zone, Rate>) =>
		Object.fromEntries(
			Object.entries(rates).map(([zone, r]) => [zone, { base: r.base * factor, perKg: r.perKg * factor }]),
		) as Record<Zone, Rate>;
	return { standard: scale(CENT_TABLE.standard), express: scale(CENT_TABLE.express), freeStandardFrom };
}

export const SHIPPING_RATES: Record<string, CurrencyRates> = {
	USD: scaled(1, 5_000),
	EUR: scaled(1, 5_000),
	GBP: scaled(1, 4_500),
	// Currencies without cents (JPY) or with small units (CNY) get integer factors.
	JPY: scaled(1, 7_500),
	CNY: scaled(7, 35_000),
};

export interface ShippingQuote {
	method: ShippingMethod;
	amount: number;
	zone: Zone;
	free: boolean;
}

/** Grams of all lines together. */
export function totalWeightGrams(lines: { weightGrams: number; quantity: number }[]): number {
	return lines.reduce((sum, l) => sum + l.weightGrams * l.quantity, 0);
}

/**
 * The price of one method. Nothing to ship (weight 0: digital goods, services) costs nothing;
 * otherwise the base covers the first kilogram and each further started kilogram adds perKg.
 */
export function shippingRate(input: {
	method: ShippingMethod;
	country: string;
	currency: string;
	weightGrams: number;
	subtotal: number;
}): ShippingQuote {
	const table = SHIPPING_RATES[input.currency];
	if (!table) throw new RangeError(`no shipping rates for ${input.currency}`);
	const zone = zoneOf(input.country);
	if (input.weightGrams <= 0) return { method: input.method, amount: 0, zone, free: true };
	if (input.method === "standard" && input.subtotal >= table.freeStandardFrom) {
		return { method: input.method, amount: 0, zone, free: true };
	}
	const rate = table[input.method][zone];
	const extraKg = Math.max(0, Math.ceil(input.weightGrams / 1000) - 1);
	return { method: input.method, amount: rate.base + rate.perKg * extraKg, zone, free: false };
}

/** Every method with its price, for the checkout's shipping step. */
export function shippingQuotes(input: Omit<Parameters<typeof shippingRate>[0], "method">): ShippingQuote[] {
	return (["standard", "express"] as const).map((method) => shippingRate({ ...input, method }));
}
