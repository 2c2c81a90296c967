import { describe, expect, test } from "bun:test";
import { add, formatMoney, minorDigits, money, multiply, parseDecimal, percentOf } from "./index";

describe("money", () => {
	test("minor units follow the currency", () => {
		expect(minorDigits("USD")).toBe(2);
		expect(minorDigits("JPY")).toBe(0);
		expect(formatMoney(money(123456, "USD"))).toBe("$1,234.56");
		expect(formatMoney(money(1200, "JPY"))).toBe("¥1,200");
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
