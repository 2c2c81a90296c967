import { describe, expect, test } from "bun:test";
import { add, decimalString, formatMoney, minorDigits, money, multiply, parseDecimal, percentOf } from "./index";

describe("money", () => {
	test("minor units follow the currency", () => {
		expect(minorDigits("USD")).toBe(2);
		expect(minorDigits("JPY")).toBe(0);
		expect(formatMoney(money(123456, "USD"))).toBe("$1,234.56");
		expect(formatMoney(money(1200, "JPY"))).toBe("¥1,200");
	});

	test("currencies with 0 and 3 decimals format in the shopper's locale", () => {
		expect(minorDigits("KWD")).toBe(3);
		expect(minorDigits("BHD")).toBe(3);
		expect(decimalString(1250, "KWD")).toBe("1.250");
		expect(decimalString(5, "KWD")).toBe("0.005");
		expect(decimalString(1200, "JPY")).toBe("1200");
		expect(decimalString(1234, "EUR")).toBe("12.34");
		expect(formatMoney(money(1250, "KWD"), "en-US")).toBe("KWD\u00a01.250");
		expect(formatMoney(money(1234567, "BHD"), "en-GB")).toBe("BHD\u00a01,234.567");
		expect(formatMoney(money(1200, "JPY"), "ja-JP")).toBe("￥1,200");
		expect(formatMoney(money(1200, "JPY"), "en-GB")).toBe("JP¥1,200");
		expect(formatMoney(money(1250, "EUR"), "de-DE")).toBe("12,50\u00a0€");
		expect(formatMoney(money(1250, "EUR"), "en-IE")).toBe("€12.50");
		expect(formatMoney(money(999, "GBP"), "en-GB")).toBe("£9.99");
		// Exact past a double's precision: no float on the way.
		expect(formatMoney(money(9_007_199_254_740_991, "USD"))).toBe("$90,071,992,547,409.91");
	});

	test("arithmetic stays in integers and refuses mixed currencies", () => {
		expect(add(money(199, "EUR"), money(1, "EUR"))).toEqual(money(200, "EUR"));
		expect(multiply(money(333, "USD"), 3)).toEqual(money(999, "USD"));
		expect(percentOf(money(1999, "USD"), 825)).toEqual(money(165, "USD"));
		expect(() => add(money(1, "USD"), money(1, "EUR"))).toThrow();
		expect(() => money(0.1, "USD")).toThrow();
	});

	test("decimal text parses without float rounding", () => {
		expect(parseDecimal("19.99", "USD")).toBe(1999);
		expect(parseDecimal("0.1", "USD")).toBe(10);
		expect(parseDecimal("1200", "JPY")).toBe(1200);
		expect(() => parseDecimal("1.234", "USD")).toThrow();
		expect(() => parseDecimal("-1", "USD")).toThrow();
	});
});
