import { afterAll, beforeAll, expect, test } from "bun:test";
import { OUT_OF_STOCK_TYPE } from "@bazaar/contracts/inventory";
import type { Caller } from "@bazaar/signature";
import { and, eq, sql } from "drizzle-orm";
import { products, variantPrices, variants } from "../catalog/schema";
import { json } from "../testing/harness";
import { checkoutBody, eventually, registerCustomer, type Stack, stack } from "./testing/stack";

// DESIGN.md: no oversell, ever. 200 customers race through the real HTTP checkout for one SKU
// holding 50 units: exactly 50 orders hold stock, 150 hear a clear out-of-stock problem, nothing
// goes below zero and the ledger balances. Then the catalog hears the SKU sold out (bus).

const SHOPPERS = 200;
const UNITS = 50;

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

async function inBatches<T, R>(items: T[], size: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
	const out: R[] = [];
	for (let i = 0; i < items.length; i += size) {
		out.push(...(await Promise.all(items.slice(i, i + size).map((item, k) => fn(item, i + k)))));
	}
	return out;
}

test(`${SHOPPERS} concurrent checkouts for ${UNITS} units: exactly ${UNITS} orders, the rest out of stock`, async () => {
	const [target] = await s.core.catalog.catalog.database.db
		.select({ id: variants.id, sku: variants.sku })
		.from(variants)
		.innerJoin(products, eq(products.id, variants.productId))
		.innerJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), eq(variantPrices.currency, "USD")))
		.where(and(eq(products.status, "active"), eq(products.kind, "physical"), eq(variants.inStock, true)))
		.limit(1);
	if (!target) throw new Error("no physical variant in the seed");
	const stock = await s.core.inventory.getStock(target.sku);
	const available = stock.rows[0]?.available ?? 0;
	await s.core.inventory.adjustStock(target.sku, { delta: UNITS - available, reason: "race test" }, "test");

	const shoppers: Caller[] = await inBatches(Array.from({ length: SHOPPERS }), 25, (_, i) =>
		registerCustomer(s, `Racer ${i}`),
	);
	await inBatches(shoppers, 25, async (caller) => {
		const res = await s.call("POST", "/cart/lines", { caller, body: { variantId: target.id, quantity: 1 } });
		expect(res.status).toBe(200);
	});

	const started = performance.now();
	const answers = await Promise.all(
		shoppers.map(async (caller, i) => {
			const res = await s.call("POST", "/checkout", {
				caller,
				body: checkoutBody(),
				headers: { "idempotency-key": `race-${i}-0000` },
			});
			return { status: res.status, body: await json<{ type?: string; order?: { id: string } }>(res) };
		}),
	);
	console.log(`${SHOPPERS} concurrent checkouts in ${Math.round(performance.now() - started)} ms`);

	const won = answers.filter((a) => a.status === 201);
	const lost = answers.filter((a) => a.status === 409);
	expect(won).toHaveLength(UNITS);
	expect(lost).toHaveLength(SHOPPERS - UNITS);
	for (const a of lost) expect(a.body.type).toBe(OUT_OF_STOCK_TYPE);
	expect(new Set(won.map((a) => a.body.order?.id)).size).toBe(UNITS);

	const [orders] = await s.core.orders.context.database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM orders`);
	expect(Number(orders?.n)).toBe(UNITS);
	const after = await s.core.inventory.getStock(target.sku);
	for (const row of after.rows) {
		expect(row.available ?? 0).toBeGreaterThanOrEqual(0);
		expect(row.onHand).toBeGreaterThanOrEqual(0);
	}
	expect(after.rows[0]).toMatchObject({ onHand: UNITS, reserved: UNITS, sold: 0, available: 0 });
	const books = await s.core.inventory.reconcile([target.sku]);
	expect(books.balanced).toBe(true);
	expect(books.orphans).toBe(0);

	// inventory.availability_changed → the catalog's variant says sold out.
	await eventually(
		async () => {
			const [v] = await s.core.catalog.catalog.database.db
				.select({ inStock: variants.inStock })
				.from(variants)
				.where(eq(variants.id, target.id));
			return v && !v.inStock ? v : undefined;
		},
		5_000,
		"catalog in-stock flag off",
	);
}, 120_000);
