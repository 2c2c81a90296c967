import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Product } from "@bazaar/contracts";
import type { ShipmentList } from "@bazaar/contracts/fulfillment";
import type { Review, ReviewableList } from "@bazaar/contracts/review";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { catalogPort } from "./cart-ports";
import { approvePayment, orderWhen, pickVariants, placeOrder, pollFor, signUp } from "./testing/journey";
import { type Stack, stack } from "./testing/stack";

// Reviews in the composed core over HTTP: an order paid, shipped and delivered puts its products
// in the customer's reviewable list (order.delivered → the review module, never the order tables);
// a review written then moves the product's rating in the catalog (review.rating_changed → the
// catalog's copy, a new catalog version), which is what the edge caches key on.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

async function catalogVersion(): Promise<number> {
	const res = await s.call("GET", "/catalog/version");
	return ((await res.json()) as { version: number }).version;
}

describe("delivered order → review → the product's rating in the catalog", () => {
	test("only after delivery may the customer review; the catalog's rating and version follow the review", async () => {
		const shopper = await signUp(s, "Grace Hopper");
		const [line] = await pickVariants(s.core.catalog.catalog, s.core.inventory, 1, "physical", 5);
		const placed = await placeOrder(s, shopper, [line as { id: string }]);
		await approvePayment(s, shopper, placed.redirectUrl);
		await orderWhen(s, shopper, placed.orderId, (o) => o.status === "paid");
		// The test asks the catalog's verb which product it bought.
		const bought = await catalogPort(s.core.catalog.catalog).variants([line?.id as string], "USD");
		const variant = bought.get(line?.id as string);
		const summary = { product_id: variant?.productId as string, slug: variant?.productSlug as string };
		const body = { productId: summary.product_id, rating: 5, title: "Great", body: "Arrived quickly, works well." };

		// Paid but not delivered: refused.
		expect((await s.call("POST", "/reviews", { caller: shopper, body })).status).toBe(403);

		const shipments = await pollFor(
			async () => {
				const res = await s.call("GET", `/fulfillment/orders/${placed.orderId}/shipments`, { caller: shopper });
				return res.status === 200 ? (await json<ShipmentList>(res)).items : undefined;
			},
			10_000,
			"the shipment",
		);
		const id = shipments[0]?.id;
		expect((await s.call("POST", `/fulfillment/admin/shipments/${id}/ship`, { caller: ADMIN })).status).toBe(200);
		expect((await s.call("POST", `/fulfillment/admin/shipments/${id}/deliver`, { caller: ADMIN })).status).toBe(200);
		await orderWhen(s, shopper, placed.orderId, (o) => o.status === "delivered");

		const reviewable = await pollFor(
			async () => {
				const res = await s.call("GET", `/reviews/mine/reviewable?orderId=${placed.orderId}`, { caller: shopper });
				const list = await json<ReviewableList>(res);
				return list.items.length > 0 ? list.items : undefined;
			},
			10_000,
			"the delivered product to be reviewable",
		);
		expect(reviewable).toEqual([
			expect.objectContaining({
				productId: summary.product_id,
				productSlug: summary.slug,
				orderId: placed.orderId,
				review: null,
			}),
		]);
		// Someone else has nothing to review.
		const stranger = await signUp(s, "Stranger");
		expect((await s.call("POST", "/reviews", { caller: stranger, body })).status).toBe(403);

		const before = await catalogVersion();
		const written = await s.call("POST", "/reviews", { caller: shopper, body });
		expect(written.status).toBe(201);
		const review = await json<Review>(written);
		expect(review).toMatchObject({ status: "published", authorName: "Grace H.", orderId: placed.orderId });

		const product = await pollFor(
			async () => {
				const res = await s.call("GET", `/catalog/products/${summary.slug}`);
				const p = await json<Product>(res);
				return p.rating.count === 1 ? p : undefined;
			},
			10_000,
			"the catalog's rating",
		);
		expect(product.rating).toEqual({ average: 5, count: 1, histogram: [0, 0, 0, 0, 1] });
		expect(await catalogVersion()).toBeGreaterThan(before);

		// An edit moves it exactly.
		await s.call("PATCH", `/reviews/${review.id}`, { caller: shopper, body: { rating: 3 } });
		await pollFor(
			async () => {
				const p = await json<Product>(await s.call("GET", `/catalog/products/${summary.slug}`));
				return p.rating.average === 3 ? p : undefined;
			},
			10_000,
			"the edited rating",
		);
		// Listings filter by it.
		const rated = await json<{ items: { id: string }[] }>(
			await s.call("GET", "/catalog/products?minRating=3&limit=100"),
		);
		expect(rated.items.map((p) => p.id)).toContain(summary.product_id);
		const high = await json<{ items: { id: string }[] }>(
			await s.call("GET", "/catalog/products?minRating=4&limit=100"),
		);
		expect(high.items.map((p) => p.id)).not.toContain(summary.product_id);
	}, 60_000);
});
