import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Cart } from "@bazaar/contracts/cart";
import type { Quote } from "@bazaar/contracts/checkout";
import type { Order } from "@bazaar/contracts/order";
import type { Activity, Coupon, Redemption } from "@bazaar/contracts/promotion";
import type { Caller } from "@bazaar/signature";
import { and, eq } from "drizzle-orm";
import { products, variantPrices, variants } from "../catalog/schema";
import { json } from "../testing/harness";
import { checkoutBody, eventually, registerCustomer, type Stack, stack } from "./testing/stack";

// Promotions through the real composed core over HTTP: a running activity with a sale price,
// a category discount and coupon-only rules; the cart shows them, the quote and the order
// compute them on the server and record them line by line, the coupon is redeemed with the
// order and given back when the order is cancelled (via the bus).

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

/** Two active physical variants in USD from two products of different categories, with stock. */
async function twoVariants() {
	const rows = await s.core.catalog.catalog.database.db
		.select({
			id: variants.id,
			sku: variants.sku,
			productId: products.id,
			categoryId: products.categoryId,
			price: variantPrices.amount,
		})
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(and(eq(products.status, "active"), eq(products.kind, "physical"), eq(variants.inStock, true)));
	const picked: typeof rows = [];
	for (const r of rows) {
		if (picked.some((p) => p.categoryId === r.categoryId) || r.price < 2_000) continue;
		const { items } = await s.core.inventory.availability([{ sku: r.sku }]);
		if ((items[0]?.available ?? 0) >= 10) picked.push(r);
		if (picked.length === 2) break;
	}
	return picked as [(typeof rows)[number], (typeof rows)[number]];
}

const localIso = (ms: number) => new Date(ms).toISOString().slice(0, 19);

describe("promotions in the cart, the quote and the order", () => {
	test("sale price + category discount + a coupon: shown in the cart, recorded on the order, given back on cancel", async () => {
		const [a, b] = await twoVariants();
		const salePrice = Math.floor(a.price * 0.7);

		const activity = await json<Activity>(
			await s.call("POST", "/promotion/admin/activities", {
				caller: ADMIN,
				body: {
					slug: "black-friday",
					name: "Black Friday",
					badge: "Black Friday",
					timeZone: "UTC",
					startsAt: localIso(Date.now() - 3_600_000),
					endsAt: localIso(Date.now() + 86_400_000),
				},
			}),
		);
		expect(activity.state).toBe("running");
		const rule = (body: unknown) =>
			s.call("POST", `/promotion/admin/activities/${activity.id}/rules`, { caller: ADMIN, body });
		expect(
			(
				await rule({
					spec: {
						kind: "sale_price",
						prices: [{ variantId: a.id, productId: a.productId, amount: salePrice, currency: "USD" }],
					},
				})
			).status,
		).toBe(201);
		expect(
			(
				await rule({
					spec: { kind: "percent_off", percentBp: 1000, target: { scope: "categories", categoryIds: [b.categoryId] } },
				})
			).status,
		).toBe(201);
		expect(
			(
				await rule({
					couponOnly: true,
					spec: { kind: "amount_off", amount: 500, currency: "USD", target: { scope: "shop" } },
				})
			).status,
		).toBe(201);
		expect((await rule({ couponOnly: true, spec: { kind: "free_shipping" } })).status).toBe(201);
		const coupon = await json<Coupon>(
			await s.call("POST", "/promotion/admin/coupons", {
				caller: ADMIN,
				body: { code: "bf-five", activityId: activity.id, maxRedemptions: 1 },
			}),
		);
		expect(coupon.code).toBe("BF-FIVE");

		const alice = await registerCustomer(s, "Alice");
		expect(
			(await s.call("POST", "/cart/lines", { caller: alice, body: { variantId: a.id, quantity: 2 } })).status,
		).toBe(200);
		expect(
			(await s.call("POST", "/cart/lines", { caller: alice, body: { variantId: b.id, quantity: 1 } })).status,
		).toBe(200);

		// The cart: list prices, the sale price, the category discount, the badge; no coupon yet.
		let cart = await json<Cart>(await s.call("GET", "/cart", { caller: alice }));
		const lineA = cart.promotion?.lines.find((l) => l.key === a.id);
		const lineB = cart.promotion?.lines.find((l) => l.key === b.id);
		expect(lineA).toMatchObject({
			listUnitPrice: a.price,
			unitPrice: salePrice,
			badge: "Black Friday",
			discountTotal: 0,
		});
		expect(lineB).toMatchObject({
			listUnitPrice: b.price,
			unitPrice: b.price,
			discountTotal: Math.floor((b.price * 1000 + 5000) / 10000),
		});
		expect(cart.promotion?.freeShipping).toBeNull();

		// A code that does not exist and one that is not valid get the same answer; the right one applies.
		const unknown = await s.call("POST", "/cart/coupon", { caller: alice, body: { code: "NOPE-NOPE" } });
		expect(unknown.status).toBe(422);
		const applied = await s.call("POST", "/cart/coupon", { caller: alice, body: { code: "bf-five" } });
		expect(applied.status).toBe(200);
		cart = await json<Cart>(applied);
		expect(cart.couponCode).toBe("BF-FIVE");
		expect(cart.promotion?.coupon).toEqual({ code: "BF-FIVE", status: "applied", message: null });
		expect(cart.promotion?.freeShipping).not.toBeNull();
		const expectedDiscount = (lineB?.discountTotal ?? 0) + 500;
		expect(cart.promotion?.discount).toBe(expectedDiscount);

		// The quote: the same money the order will charge.
		const quote = await json<Quote>(
			await s.call("POST", "/checkout/quote", {
				caller: alice,
				body: { address: checkoutBody().address, shippingMethod: "express" },
			}),
		);
		expect(quote.selected).toMatchObject({ discount: expectedDiscount, shipping: 0, free: true });
		// Express shipping is free only because of the coupon's rule.
		expect(quote.options.find((o) => o.method === "express")?.free).toBe(true);

		// The order: every price and discount recorded line by line, the coupon redeemed.
		const placed = await s.call("POST", "/checkout", {
			caller: alice,
			body: checkoutBody({ shippingMethod: "express" }),
			headers: { "idempotency-key": "promo-checkout-0001" },
		});
		expect(placed.status).toBe(201);
		const { order } = await json<{ order: Order }>(placed);
		expect(order.discountAmount).toBe(expectedDiscount);
		expect(order.total).toBe(quote.selected?.total as number);
		expect(order.shippingAmount).toBe(0);
		const orderA = order.lines.find((l) => l.variantId === a.id);
		const orderB = order.lines.find((l) => l.variantId === b.id);
		expect(orderA).toMatchObject({ unitPrice: salePrice, listUnitPrice: a.price, lineTotal: salePrice * 2 });
		expect(orderB?.discounts?.map((d) => d.kind).sort()).toEqual(["amount_off", "percent_off"]);
		expect((orderA?.discountTotal ?? 0) + (orderB?.discountTotal ?? 0)).toBe(expectedDiscount);
		expect(order.promotions.couponCode).toBe("BF-FIVE");
		expect(order.promotions.applied.map((p) => p.kind).sort()).toEqual([
			"amount_off",
			"free_shipping",
			"percent_off",
			"sale_price",
		]);
		expect(order.promotions.shippingDiscount).toBeGreaterThan(0);
		// The coupon is spent: it left the cart with the lines, and nobody else can use it.
		cart = await json<Cart>(await s.call("GET", "/cart", { caller: alice }));
		expect(cart.couponCode).toBeNull();
		const redemptions = await json<{ items: Redemption[] }>(
			await s.call("GET", `/promotion/admin/coupons/${coupon.id}/redemptions`, { caller: ADMIN }),
		);
		expect(redemptions.items).toMatchObject([{ orderId: order.id, status: "held", customerId: alice.user }]);
		const bob = await registerCustomer(s, "Bob");
		expect((await s.call("POST", "/cart/coupon", { caller: bob, body: { code: "BF-FIVE" } })).status).toBe(422);

		// Cancelled: order.cancelled on the bus gives the redemption back, and the code works again.
		expect((await s.call("POST", `/orders/${order.id}/cancel`, { caller: alice, body: {} })).status).toBe(200);
		await eventually(
			async () => ((await s.core.promotions.getCoupon(coupon.id)).redeemed === 0 ? true : undefined),
			10_000,
			"the coupon given back",
		);
		const [released] = await s.core.promotions.listRedemptions(coupon.id);
		expect(released).toMatchObject({ status: "released", releaseReason: "order cancelled" });
		expect((await s.call("POST", "/cart/coupon", { caller: bob, body: { code: "BF-FIVE" } })).status).toBe(200);
	}, 60_000);

	test("a coupon that no longer holds stops the checkout with a 409 and holds nothing", async () => {
		const [a] = await twoVariants();
		const activity = await json<Activity>(
			await s.call("POST", "/promotion/admin/activities", {
				caller: ADMIN,
				body: {
					slug: "flash-coupons",
					name: "Coupons",
					badge: "Deal",
					timeZone: "UTC",
					startsAt: localIso(Date.now() - 3_600_000),
					endsAt: localIso(Date.now() + 86_400_000),
				},
			}),
		);
		const coupon = await json<Coupon>(
			await s.call("POST", "/promotion/admin/coupons", {
				caller: ADMIN,
				body: { activityId: activity.id, maxRedemptions: null, minSpend: { amount: 10_000_000, currency: "USD" } },
			}),
		);
		expect(coupon.code).toMatch(/^[A-Z0-9]{12}$/);
		const carol = await registerCustomer(s, "Carol");
		await s.call("POST", "/cart/lines", { caller: carol, body: { variantId: a.id, quantity: 1 } });
		const applied = await json<Cart>(
			await s.call("POST", "/cart/coupon", { caller: carol, body: { code: coupon.code } }),
		);
		expect(applied.promotion?.coupon?.status).toBe("not_applicable");
		const stockBefore = (await s.core.inventory.availability([{ sku: a.sku }])).items[0]?.available;
		const res = await s.call("POST", "/checkout", {
			caller: carol,
			body: checkoutBody(),
			headers: { "idempotency-key": "promo-checkout-0002" },
		});
		expect(res.status).toBe(409);
		expect((await s.core.inventory.availability([{ sku: a.sku }])).items[0]?.available).toBe(stockBefore);
		// Removing it lets the checkout go on without it.
		expect((await json<Cart>(await s.call("DELETE", "/cart/coupon", { caller: carol }))).couponCode).toBeNull();
		const ok = await s.call("POST", "/checkout", {
			caller: carol,
			body: checkoutBody(),
			headers: { "idempotency-key": "promo-checkout-0003" },
		});
		expect(ok.status).toBe(201);
	}, 60_000);

	test("a code typed at checkout: an unknown one is a 422 that holds nothing; a good one is redeemed and recorded", async () => {
		const [a] = await twoVariants();
		const activity = await json<Activity>(
			await s.call("POST", "/promotion/admin/activities", {
				caller: ADMIN,
				body: {
					slug: "checkout-codes",
					name: "Codes",
					badge: "Code",
					timeZone: "UTC",
					startsAt: localIso(Date.now() - 3_600_000),
					endsAt: localIso(Date.now() + 86_400_000),
				},
			}),
		);
		await s.call("POST", `/promotion/admin/activities/${activity.id}/rules`, {
			caller: ADMIN,
			body: { couponOnly: true, spec: { kind: "percent_off", percentBp: 2500, target: { scope: "shop" } } },
		});
		const coupon = await json<Coupon>(
			await s.call("POST", "/promotion/admin/coupons", {
				caller: ADMIN,
				body: { activityId: activity.id, code: "AT-CHECKOUT" },
			}),
		);
		const dave = await registerCustomer(s, "Dave");
		await s.call("POST", "/cart/lines", { caller: dave, body: { variantId: a.id, quantity: 1 } });
		const stockBefore = (await s.core.inventory.availability([{ sku: a.sku }])).items[0]?.available;
		const bad = await s.call("POST", "/checkout", {
			caller: dave,
			body: checkoutBody({ couponCode: "NOT-THIS-ONE" }),
			headers: { "idempotency-key": "promo-checkout-0004" },
		});
		expect(bad.status).toBe(422);
		expect((await s.core.inventory.availability([{ sku: a.sku }])).items[0]?.available).toBe(stockBefore);
		const good = await s.call("POST", "/checkout", {
			caller: dave,
			body: checkoutBody({ couponCode: "at-checkout" }),
			headers: { "idempotency-key": "promo-checkout-0005" },
		});
		expect(good.status).toBe(201);
		const { order } = await json<{ order: Order }>(good);
		expect(order.promotions.couponCode).toBe("AT-CHECKOUT");
		// 25% of the line as it stands (the earlier test's sale price for this variant still runs).
		const line = order.lines[0]?.lineTotal ?? 0;
		expect(order.discountAmount).toBe(Math.floor((line * 2500 + 5000) / 10000));
		expect((await s.core.promotions.getCoupon(coupon.id)).redeemed).toBe(1);
	}, 60_000);
});
