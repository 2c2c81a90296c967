import { env } from "cloudflare:workers";
import { Product, ProductList } from "@bazaar/contracts";
import type { Cart } from "@bazaar/contracts/cart";
import type { Activity, Coupon } from "@bazaar/contracts/promotion";
import { sign } from "@bazaar/signature";
import { afterAll, describe, expect, it } from "vitest";
import { adminHeaders, edge, edgeJson, receiveStock, syncVersion } from "./helpers";

// Promotions at the edge against the real core: the admin API creates an activity, its rules
// and a coupon; the core's push moves the promotion version; product pages, the sale's landing
// page and the cart show sale prices, badges and discounts; a scheduled sale starts on time
// without a push (the page key carries the starts and ends passed); bad input changes nothing.

const localIso = (ms: number) => new Date(ms).toISOString().slice(0, 19);
let n = 0;
const slug = (what: string) => `${what}-${Date.now().toString(36)}-${++n}`;

/** What the core's promotion push sends after a change: the version, signed as the core. */
async function pushPromotions(version: number): Promise<Response> {
	const body = JSON.stringify({ version });
	const json = { "content-type": "application/json" };
	const headers = await sign({
		secret: env.BAZAAR_SIGNING_SECRET,
		method: "POST",
		path: "/internal/promotion-events",
		body,
		headers: json,
		caller: { user: "core", roles: ["service"] },
	});
	return edge("/internal/promotion-events", { method: "POST", headers: { ...json, ...headers }, body });
}

async function someProduct(): Promise<Product> {
	const list = ProductList.parse((await edgeJson("/api/catalog/products?limit=5&kind=physical&inStock=true")).body);
	const first = list.items[0];
	if (!first) throw new Error("no product in the test catalog");
	return Product.parse((await edgeJson(`/api/catalog/products/${first.slug}`)).body);
}

/** Every activity made here is deleted afterwards: the other files share this core and its pages. */
const created: string[] = [];
afterAll(async () => {
	const headers = await adminHeaders();
	for (const id of created) await edge(`/api/admin/promotions/activities/${id}`, { method: "DELETE", headers });
	await pushPromotions(1_000_000);
});

async function createActivity(headers: Record<string, string>, startsAt: number, endsAt: number, extra = {}) {
	const res = await edge("/api/admin/promotions/activities", {
		method: "POST",
		headers,
		body: JSON.stringify({
			slug: slug("sale"),
			name: "Test sale",
			badge: "Mega",
			bannerText: "Everything must go",
			timeZone: "UTC",
			startsAt: localIso(startsAt),
			endsAt: localIso(endsAt),
			...extra,
		}),
	});
	expect(res.status, await res.clone().text()).toBe(201);
	const activity = (await res.json()) as Activity;
	created.push(activity.id);
	return activity;
}

describe("promotions at the edge", () => {
	it("a running sale: sale price and badge on the product page, its landing page, the coupon in the cart", async () => {
		await syncVersion();
		const headers = await adminHeaders();
		const product = await someProduct();
		const variant = product.variants[0];
		const list = variant?.prices.find((p) => p.currency === "USD");
		if (!variant || !list) throw new Error("no USD variant");
		const sale = Math.max(1, Math.floor(list.amount / 2));
		const activity = await createActivity(headers, Date.now() - 60_000, Date.now() + 3_600_000);
		const rule = await edge(`/api/admin/promotions/activities/${activity.id}/rules`, {
			method: "POST",
			headers,
			body: JSON.stringify({
				spec: {
					kind: "sale_price",
					prices: [{ variantId: variant.id, productId: product.id, amount: sale, currency: "USD" }],
				},
			}),
		});
		expect(rule.status).toBe(201);
		const couponRule = await edge(`/api/admin/promotions/activities/${activity.id}/rules`, {
			method: "POST",
			headers,
			body: JSON.stringify({
				couponOnly: true,
				spec: { kind: "percent_off", percentBp: 1000, target: { scope: "shop" } },
			}),
		});
		expect(couponRule.status).toBe(201);
		const coupon = (await (
			await edge("/api/admin/promotions/coupons", {
				method: "POST",
				headers,
				body: JSON.stringify({ activityId: activity.id, maxRedemptions: null }),
			})
		).json()) as Coupon;
		const snapshot = (await (await edge("/api/admin/promotions/activities", { headers })).json()) as {
			items: Activity[];
		};
		expect(snapshot.items.some((a) => a.id === activity.id && a.state === "running")).toBe(true);

		// The core's push (EDGE_PUSH is off for this core, so the test sends it).
		const pushed = await pushPromotions(1);
		expect(pushed.status).toBe(200);

		const page = await (await edge(`/products/${product.slug}`)).text();
		expect(page).toContain('data-testid="sale-price"');
		expect(page).toContain('data-testid="promo-badge"');
		expect(page).toContain(`/sales/${activity.slug}`);

		const landing = await edge(`/sales/${activity.slug}`);
		expect(landing.status).toBe(200);
		const html = await landing.text();
		expect(html).toContain("Everything must go");
		expect(html).toContain('data-testid="countdown"');
		expect(html).toContain("Ends in");
		expect(html).toContain(`/products/${product.slug}`);

		// Other files of this run buy from the same catalog: make sure two units are there.
		await receiveStock(variant.sku, 10);

		// A guest's cart: the sale price from the core, the coupon's discount once applied.
		const added = await edge("/api/cart/lines", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ variantId: variant.id, quantity: 2 }),
		});
		expect(added.status, await added.clone().text()).toBe(200);
		const token = added.headers.get("x-bazaar-cart-token") as string;
		const cartHeaders = { "content-type": "application/json", "x-bazaar-cart-token": token };
		const cart = (await added.json()) as Cart;
		expect(cart.promotion?.lines[0]).toMatchObject({ listUnitPrice: list.amount, unitPrice: sale, badge: "Mega" });
		const wrong = await edge("/api/cart/coupon", {
			method: "POST",
			headers: cartHeaders,
			body: JSON.stringify({ code: "NOT-A-CODE" }),
		});
		expect(wrong.status).toBe(422);
		const applied = await edge("/api/cart/coupon", {
			method: "POST",
			headers: cartHeaders,
			body: JSON.stringify({ code: coupon.code.toLowerCase() }),
		});
		expect(applied.status, await applied.clone().text()).toBe(200);
		const withCoupon = (await applied.json()) as Cart;
		expect(withCoupon.couponCode).toBe(coupon.code);
		expect(withCoupon.promotion?.discount).toBe(Math.floor((sale * 2 * 1000 + 5000) / 10000));
	});

	it("a scheduled sale starts on time without a push; an unknown sale is a 404", async () => {
		const headers = await adminHeaders();
		const product = await someProduct();
		const variant = product.variants[0];
		if (!variant) throw new Error("no variant");
		const startsAt = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
		const activity = await createActivity(headers, startsAt, startsAt + 3_600_000, { badge: "Soon", priority: 10 });
		await edge(`/api/admin/promotions/activities/${activity.id}/rules`, {
			method: "POST",
			headers,
			body: JSON.stringify({
				spec: {
					kind: "sale_price",
					prices: [{ variantId: variant.id, productId: product.id, amount: 1, currency: "USD" }],
				},
			}),
		});
		expect((await pushPromotions(2)).status).toBe(200);
		const before = await (await edge(`/sales/${activity.slug}`)).text();
		expect(before).toContain("Starts in");
		await new Promise((r) => setTimeout(r, Math.max(0, startsAt - Date.now()) + 300));
		const after = await (await edge(`/sales/${activity.slug}`)).text();
		expect(after).toContain("Ends in");
		expect(await (await edge(`/products/${product.slug}`)).text()).toContain("Soon");

		expect((await edge("/sales/no-such-sale")).status).toBe(404);
		expect((await edge("/sales/Not_A_Slug")).status).toBe(404);
	});

	it("admin: bad input is a 4xx and changes nothing; customers are refused; the API is documented", async () => {
		const headers = await adminHeaders();
		const before = (await (await edge("/api/admin/promotions/activities", { headers })).json()) as { items: unknown[] };
		for (const body of [
			{
				slug: "x",
				name: "x",
				badge: "x",
				timeZone: "Nowhere/Land",
				startsAt: "2026-01-01T00:00",
				endsAt: "2026-01-02T00:00",
			},
			{ slug: "x", name: "x", badge: "x", timeZone: "UTC", startsAt: "2026-01-02T00:00", endsAt: "2026-01-01T00:00" },
			{ nonsense: true },
		]) {
			const res = await edge("/api/admin/promotions/activities", {
				method: "POST",
				headers,
				body: JSON.stringify(body),
			});
			expect(res.status).toBe(400);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		const after = (await (await edge("/api/admin/promotions/activities", { headers })).json()) as { items: unknown[] };
		expect(after.items.length).toBe(before.items.length);
		expect((await edge("/api/admin/promotions/activities")).status).toBe(401);
		const doc = (await (await edge("/openapi.json")).json()) as { paths: Record<string, unknown> };
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining([
				"/api/admin/promotions/activities",
				"/api/admin/promotions/coupons",
				"/api/admin/promotions/activities/{id}/rules",
				"/api/cart/coupon",
			]),
		);
	});
});
