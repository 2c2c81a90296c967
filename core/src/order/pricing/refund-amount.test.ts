import { describe, expect, test } from "bun:test";
import type { Order } from "@bazaar/contracts/order";
import { ValidationError } from "../../lib/errors";
import { lineRefundAmount } from "./refund-amount";

// Refunding units of a discounted order gives back what was paid for them.

const discount = (amount: number) => ({
	ruleId: "rul_01AAAAAAAAAAAAAAAAAAAAAAAA",
	activityId: "act_01AAAAAAAAAAAAAAAAAAAAAAAA",
	activitySlug: "sale",
	badge: "Sale",
	kind: "percent_off" as const,
	label: "10% off",
	amount,
	couponCode: null,
});
const order: Pick<Order, "lines" | "taxRateBp"> = {
	taxRateBp: 1000,
	lines: [
		// 3 × 1,000 at a sale price, 300 off on the line (its own 10% and a share of an order discount)
		{
			variantId: "a",
			sku: "A",
			title: "A",
			unitPrice: 1000,
			quantity: 3,
			weightGrams: 0,
			lineTotal: 3000,
			listUnitPrice: 1500,
			discounts: [discount(300)],
			discountTotal: 300,
		},
		// an order placed before promotions: no discount fields
		{ variantId: "b", sku: "B", title: "B", unitPrice: 700, quantity: 1, weightGrams: 0, lineTotal: 700 },
	],
};

describe("lineRefundAmount", () => {
	test("one of three discounted units: a third of the discounted line, plus its tax", () => {
		expect(lineRefundAmount(order, [{ variantId: "a", quantity: 1 }])).toBe(900 + 90);
	});
	test("whole lines: their nets exactly, plus tax", () => {
		expect(
			lineRefundAmount(order, [
				{ variantId: "a", quantity: 3 },
				{ variantId: "b", quantity: 1 },
			]),
		).toBe(2700 + 700 + 340);
	});
	test("a line that is not on the order, or more units than it has: 400", () => {
		expect(() => lineRefundAmount(order, [{ variantId: "zz", quantity: 1 }])).toThrow(ValidationError);
		expect(() =>
			lineRefundAmount(order, [
				{ variantId: "a", quantity: 2 },
				{ variantId: "a", quantity: 2 },
			]),
		).toThrow(ValidationError);
	});
});
