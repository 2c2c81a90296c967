import { describe, expect, test } from "bun:test";
import { shippingQuotes, shippingRate, totalWeightGrams, zoneOf } from "./pricing/shipping";
import { taxOn, taxRateBp } from "./pricing/tax";
import { computeTotals } from "./pricing/totals";

describe("shipping rates", () => {
	test("zones by destination country", () => {
		expect(zoneOf("US")).toBe("north_america");
		expect(zoneOf("DE")).toBe("europe");
		expect(zoneOf("GB")).toBe("europe");
		expect(zoneOf("JP")).toBe("asia_pacific");
		expect(zoneOf("BR")).toBe("world");
	});

	test("base covers the first kilogram; each further started kilogram adds perKg", () => {
		const at = (weightGrams: number, method: "standard" | "express" = "standard") =>
			shippingRate({ method, country: "US", currency: "USD", weightGrams, subtotal: 1000 }).amount;
		expect(at(1)).toBe(499);
		expect(at(1000)).toBe(499);
		expect(at(1001)).toBe(649);
		expect(at(3500)).toBe(499 + 3 * 150);
		expect(at(1000, "express")).toBe(1499);
		expect(
			shippingRate({ method: "standard", country: "FR", currency: "EUR", weightGrams: 2000, subtotal: 0 }).amount,
		).toBe(799);
		expect(
			shippingRate({ method: "standard", country: "BR", currency: "CNY", weightGrams: 500, subtotal: 0 }).amount,
		).toBe(1299 * 7);
	});

	test("standard is free over the currency's threshold, express never; nothing to ship costs nothing", () => {
		const quotes = shippingQuotes({ country: "US", currency: "USD", weightGrams: 800, subtotal: 5_000 });
		expect(quotes).toEqual([
			{ method: "standard", amount: 0, zone: "north_america", free: true },
			{ method: "express", amount: 1499, zone: "north_america", free: false },
		]);
		expect(
			shippingRate({ method: "standard", country: "US", currency: "USD", weightGrams: 800, subtotal: 4_999 }).amount,
		).toBe(499);
		expect(
			shippingRate({ method: "standard", country: "GB", currency: "GBP", weightGrams: 800, subtotal: 4_500 }).free,
		).toBe(true);
		expect(
			shippingRate({ method: "express", country: "US", currency: "USD", weightGrams: 0, subtotal: 0 }).amount,
		).toBe(0);
		expect(() =>
			shippingRate({ method: "standard", country: "US", currency: "XXX", weightGrams: 1, subtotal: 0 }),
		).toThrow();
	});

	test("weight sums units", () => {
		expect(
			totalWeightGrams([
				{ weightGrams: 400, quantity: 2 },
				{ weightGrams: 300, quantity: 1 },
			]),
		).toBe(1100);
	});
});

describe("tax table", () => {
	test("US states, EU VAT, GB, Canadian provinces, unknown → 0", () => {
		expect(taxRateBp("US", "CA")).toBe(725);
		expect(taxRateBp("US", "OR")).toBe(0);
		expect(taxRateBp("US", "ZZ")).toBe(0);
		expect(taxRateBp("US")).toBe(0);
		expect(taxRateBp("DE")).toBe(1900);
		expect(taxRateBp("FR", "75")).toBe(2000);
		expect(taxRateBp("GB")).toBe(2000);
		expect(taxRateBp("CA", "ON")).toBe(1300);
		expect(taxRateBp("CA")).toBe(500);
		expect(taxRateBp("AQ")).toBe(0);
	});

	test("rounds half away from zero in integers", () => {
		expect(taxOn(1999, 825)).toBe(165); // 164.9175
		expect(taxOn(200, 2500)).toBe(50);
		expect(taxOn(2, 2500)).toBe(1); // 0.5 → 1
		expect(taxOn(1, 2500)).toBe(0); // 0.25 → 0
		expect(taxOn(0, 2000)).toBe(0);
		expect(() => taxOn(-1, 100)).toThrow();
		expect(() => taxOn(0.5, 100)).toThrow();
	});
});

describe("totals", () => {
	const lines = [
		{ variantId: "v1", sku: "A", title: "A", unitPrice: 1250, quantity: 2, weightGrams: 400 },
		{ variantId: "v2", sku: "B", title: "B", unitPrice: 999, quantity: 1, weightGrams: 300 },
	];

	test("subtotal + shipping + tax (on goods and shipping) − discount", () => {
		const { lines: priced, totals } = computeTotals({
			currency: "USD",
			lines,
			address: { country: "US", region: "CA" },
			shippingMethod: "standard",
		});
		expect(priced.map((l) => l.lineTotal)).toEqual([2500, 999]);
		// 1.1 kg → base + 1 kg
		expect(totals).toEqual({
			currency: "USD",
			subtotal: 3499,
			shipping: 649,
			tax: Math.floor(((3499 + 649) * 725 + 5000) / 10000),
			taxRateBp: 725,
			discount: 0,
			total: 3499 + 649 + 301,
		});
		expect(totals.tax).toBe(301);
	});

	test("free standard shipping over the threshold; VAT in Germany", () => {
		const { totals } = computeTotals({
			currency: "EUR",
			lines: [{ ...lines[0], quantity: 4 } as (typeof lines)[number]],
			address: { country: "DE" },
			shippingMethod: "standard",
		});
		expect(totals.subtotal).toBe(5000);
		expect(totals.shipping).toBe(0);
		expect(totals.tax).toBe(950);
		expect(totals.total).toBe(5950);
	});
});
