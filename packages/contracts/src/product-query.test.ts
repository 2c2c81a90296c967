import { describe, expect, test } from "bun:test";
import { parseProductQuery, productQueryToParams } from "./catalog";

const parse = (qs: string) => parseProductQuery(new URLSearchParams(qs));

describe("product query from a URL", () => {
	test("defaults, numbers and attribute filters", () => {
		const r = parse("category=shoes&minPrice=1000&maxPrice=5000&attr.color=red&attr.color=blue&inStock=true");
		expect(r.success).toBe(true);
		expect(r.data).toMatchObject({
			category: "shoes",
			minPrice: 1000,
			maxPrice: 5000,
			inStock: true,
			limit: 24,
			currency: "USD",
			attr: { color: ["red", "blue"] },
		});
	});

	test("blank form fields mean no filter", () => {
		const r = parse("q=lamp&minPrice=&maxPrice=&sort=");
		expect(r.success).toBe(true);
		expect(r.data?.minPrice).toBeUndefined();
	});

	test.each([
		["limit=0"],
		["limit=101"],
		["limit=abc"],
		["minPrice=-1"],
		["minPrice=1.5"],
		["minPrice=500&maxPrice=100"],
		["sort=cheapest"],
		["kind=furniture"],
		["currency=usd"],
		["bogus=1"],
		["limit=10&limit=20"],
		["attr.Color!=red"],
		["cursor=not%20a%20cursor"],
	])("%s is refused", (qs) => {
		expect(parse(qs).success).toBe(false);
	});

	test("canonical params give one cache key for any order", () => {
		const a = parse("attr.size=M&attr.color=red&category=shoes&sort=price_asc");
		const b = parse("sort=price_asc&category=shoes&attr.color=red&attr.size=M");
		expect(productQueryToParams(a.data!).toString()).toBe(productQueryToParams(b.data!).toString());
	});
});
