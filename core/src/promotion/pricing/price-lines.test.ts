import { describe, expect, test } from "bun:test";
import type { Rule, RuleSpec } from "@bazaar/contracts/promotion";
import { type LiveRule, type PricingLine, priceLines, prorate } from "./price-lines";

// The engine on its own: every rule kind, the four levels and how they stack, priorities,
// coupons first, currencies, rounding. Amounts are USD cents.

let n = 0;
function live(
	spec: RuleSpec,
	opts: { priority?: number; activityPriority?: number; coupon?: string; activity?: string } = {},
): LiveRule {
	n++;
	const id = `rul_${String(n).padStart(26, "0")}`;
	const activity = opts.activity ?? "act_00000000000000000000000001";
	const rule: Rule = {
		id,
		activityId: activity,
		label: `rule ${n}`,
		priority: opts.priority ?? 0,
		couponOnly: opts.coupon !== undefined,
		spec,
		createdAt: "",
		updatedAt: "",
	};
	return {
		rule,
		activity: { id: activity, slug: "sale", badge: "11.11", priority: opts.activityPriority ?? 0 },
		couponCode: opts.coupon ?? null,
	};
}

const line = (key: string, unitPrice: number, quantity: number, extra: Partial<PricingLine> = {}): PricingLine => ({
	key,
	variantId: key,
	productId: `p-${key}`,
	categoryId: "shoes",
	unitPrice,
	quantity,
	...extra,
});
const shop = { scope: "shop" } as const;

describe("each rule kind", () => {
	test("percent off a product: only that product's lines, rounded half up per line", () => {
		const r = priceLines(
			"USD",
			[line("a", 999, 1), line("b", 1000, 2)],
			[live({ kind: "percent_off", percentBp: 1500, target: { scope: "products", productIds: ["p-a"] } })],
		);
		expect(r.lines[0]?.discountTotal).toBe(150); // 149.85 → 150
		expect(r.lines[1]?.discountTotal).toBe(0);
		expect(r.discount).toBe(150);
		expect(r.lines[0]?.badge).toBe("11.11");
		expect(r.lines[1]?.badge).toBeNull();
	});

	test("percent off a category", () => {
		const r = priceLines(
			"USD",
			[line("a", 2000, 1), line("b", 2000, 1, { categoryId: "hats" })],
			[live({ kind: "percent_off", percentBp: 1000, target: { scope: "categories", categoryIds: ["hats"] } })],
		);
		expect(r.lines.map((l) => l.discountTotal)).toEqual([0, 200]);
	});

	test("amount off each unit of a product, never below zero", () => {
		const r = priceLines(
			"USD",
			[line("a", 300, 3)],
			[live({ kind: "amount_off", amount: 500, currency: "USD", target: { scope: "products", productIds: ["p-a"] } })],
		);
		expect(r.lines[0]?.discountTotal).toBe(900);
		expect(r.lines[0]?.netTotal).toBe(0);
	});

	test("amount off the whole shop is once per order, pro-rated onto the lines", () => {
		const r = priceLines(
			"USD",
			[line("a", 1000, 1), line("b", 2000, 1)],
			[live({ kind: "amount_off", amount: 1000, currency: "USD", target: shop })],
		);
		expect(r.discount).toBe(1000);
		expect(r.lines.map((l) => l.discountTotal)).toEqual([333, 667]);
		expect(r.applied).toHaveLength(1);
		expect(r.applied[0]?.amount).toBe(1000);
	});

	test("tiered: the highest tier reached, over the matching lines only", () => {
		const tiered = live({
			kind: "tiered",
			currency: "USD",
			tiers: [
				{ minSpend: 5000, off: 500 },
				{ minSpend: 10000, off: 1500 },
			],
			target: { scope: "categories", categoryIds: ["shoes"] },
		});
		const below = priceLines("USD", [line("a", 4999, 1), line("h", 9000, 1, { categoryId: "hats" })], [tiered]);
		expect(below.discount).toBe(0);
		const first = priceLines("USD", [line("a", 6000, 1)], [tiered]);
		expect(first.discount).toBe(500);
		const second = priceLines("USD", [line("a", 6000, 2)], [tiered]);
		expect(second.discount).toBe(1500);
	});

	test("buy 2 get 1 free: the cheapest unit of each group of three", () => {
		const r = priceLines(
			"USD",
			[line("a", 3000, 2), line("b", 1000, 1), line("c", 2000, 3)],
			[live({ kind: "buy_x_get_y", buy: 2, get: 1, percentBp: 10_000, target: shop })],
		);
		// units by price: 3000 3000 2000 | 2000 2000 1000 → free: 2000 and 1000
		expect(r.lines.map((l) => l.discountTotal)).toEqual([0, 1000, 2000]);
		expect(r.discount).toBe(3000);
	});

	test("buy 1 get 1 half off, and an incomplete group gives nothing", () => {
		const rule = live({ kind: "buy_x_get_y", buy: 1, get: 1, percentBp: 5000, target: shop });
		expect(priceLines("USD", [line("a", 1001, 1)], [rule]).discount).toBe(0);
		expect(priceLines("USD", [line("a", 1001, 3)], [rule]).discount).toBe(501);
	});

	test("free shipping from a minimum spend on the goods after discounts", () => {
		const free = live({ kind: "free_shipping", minSpend: 5000, currency: "USD" });
		const pct = live({ kind: "percent_off", percentBp: 1000, target: shop });
		expect(priceLines("USD", [line("a", 5000, 1)], [free]).freeShipping?.ruleId).toBe(free.rule.id);
		// 5000 − 10% = 4500 < 5000
		expect(priceLines("USD", [line("a", 5000, 1)], [free, pct]).freeShipping).toBeNull();
		expect(priceLines("USD", [line("a", 1, 1)], [live({ kind: "free_shipping" })]).freeShipping).not.toBeNull();
	});

	test("a sale price for a variant, only when below the list price", () => {
		const sale = live({
			kind: "sale_price",
			prices: [
				{ variantId: "a", amount: 1500, currency: "USD" },
				{ variantId: "b", amount: 9999, currency: "USD" },
			],
		});
		const r = priceLines("USD", [line("a", 2000, 2), line("b", 5000, 1)], [sale]);
		expect(r.lines[0]).toMatchObject({ listUnitPrice: 2000, unitPrice: 1500, lineTotal: 3000, discountTotal: 0 });
		expect(r.lines[0]?.salePrice?.amount).toBe(1000);
		expect(r.lines[1]).toMatchObject({ listUnitPrice: 5000, unitPrice: 5000, salePrice: null });
		expect(r.subtotal).toBe(8000);
	});

	test("rules in another currency do not apply", () => {
		const r = priceLines(
			"EUR",
			[line("a", 2000, 1)],
			[
				live({ kind: "amount_off", amount: 500, currency: "USD", target: shop }),
				live({ kind: "sale_price", prices: [{ variantId: "a", amount: 100, currency: "USD" }] }),
				live({ kind: "free_shipping", minSpend: 1, currency: "USD" }),
			],
		);
		expect(r.discount).toBe(0);
		expect(r.lines[0]?.unitPrice).toBe(2000);
		expect(r.freeShipping).toBeNull();
	});
});

describe("stacking and priority", () => {
	test("sale price, then one item discount, then one order discount, then free shipping", () => {
		const r = priceLines(
			"USD",
			[line("a", 10000, 1), line("b", 5000, 1)],
			[
				live({ kind: "sale_price", prices: [{ variantId: "a", amount: 8000, currency: "USD" }] }),
				live({ kind: "percent_off", percentBp: 1000, target: shop }),
				live({ kind: "amount_off", amount: 1200, currency: "USD", target: shop }),
				live({ kind: "free_shipping" }),
			],
		);
		// a: 8000 − 800 = 7200; b: 5000 − 500 = 4500; order −1200 over 7200:4500
		expect(r.lines[0]?.discounts.map((d) => d.kind)).toEqual(["percent_off", "amount_off"]);
		expect(r.lines.map((l) => l.discountTotal)).toEqual([800 + 738, 500 + 462]);
		expect(r.discount).toBe(800 + 500 + 1200);
		expect(r.freeShipping).not.toBeNull();
	});

	test("one item rule per line: the higher priority wins, the other takes only lines left", () => {
		const low = live({ kind: "percent_off", percentBp: 5000, target: shop }, { priority: 1 });
		const high = live(
			{ kind: "percent_off", percentBp: 1000, target: { scope: "products", productIds: ["p-a"] } },
			{ priority: 5 },
		);
		const r = priceLines("USD", [line("a", 1000, 1), line("b", 1000, 1)], [low, high]);
		expect(r.lines[0]?.discounts.map((d) => d.ruleId)).toEqual([high.rule.id]);
		expect(r.lines[1]?.discounts.map((d) => d.ruleId)).toEqual([low.rule.id]);
	});

	test("the activity's priority comes before the rule's", () => {
		const a = live({ kind: "percent_off", percentBp: 1000, target: shop }, { priority: 100, activityPriority: 0 });
		const b = live(
			{ kind: "percent_off", percentBp: 2000, target: shop },
			{ priority: 0, activityPriority: 1, activity: "act_00000000000000000000000002" },
		);
		expect(priceLines("USD", [line("a", 1000, 1)], [a, b]).discount).toBe(200);
	});

	test("one order discount per order: the first by priority that gives something", () => {
		const big = live(
			{ kind: "tiered", currency: "USD", tiers: [{ minSpend: 100000, off: 10000 }], target: shop },
			{ priority: 9 },
		);
		const small = live({ kind: "amount_off", amount: 300, currency: "USD", target: shop }, { priority: 1 });
		expect(priceLines("USD", [line("a", 5000, 1)], [big, small]).discount).toBe(300);
		expect(priceLines("USD", [line("a", 50000, 2)], [big, small]).discount).toBe(10000);
	});

	test("a coupon's rule comes before automatic ones at its level, whatever the priorities", () => {
		const auto = live(
			{ kind: "percent_off", percentBp: 2000, target: shop },
			{ priority: 1000, activityPriority: 1000 },
		);
		const coupon = live({ kind: "percent_off", percentBp: 500, target: shop }, { coupon: "SAVE5" });
		const r = priceLines("USD", [line("a", 1000, 1)], [auto, coupon]);
		expect(r.lines[0]?.discounts).toEqual([
			expect.objectContaining({ ruleId: coupon.rule.id, couponCode: "SAVE5", amount: 50 }),
		]);
	});

	test("a rule that gives nothing leaves the line to the next", () => {
		const bogo = live({ kind: "buy_x_get_y", buy: 1, get: 1, percentBp: 10_000, target: shop }, { priority: 9 });
		const pct = live({ kind: "percent_off", percentBp: 1000, target: shop });
		expect(priceLines("USD", [line("a", 1000, 1)], [bogo, pct]).discount).toBe(100);
	});
});

describe("prorate", () => {
	test("shares sum to the amount exactly, in proportion", () => {
		expect(prorate(100, [1, 1, 1])).toEqual([34, 33, 33]);
		expect(prorate(1000, [7200, 4500])).toEqual([615, 385]);
		expect(prorate(0, [5, 5])).toEqual([0, 0]);
		const big = prorate(9_000_000_000_000, [9_000_000_000_000, 1]);
		expect(big.reduce((s, x) => s + x, 0)).toBe(9_000_000_000_000);
	});
});
