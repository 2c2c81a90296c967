// SQL statements per checkout, counted per database on the composed core in-process (the same
// stack the workflow tests run: every module on temp libSQL files, the bus, relays, consumers).
// One checkout of a 1-line cart and one of a 3-line cart, so a count that grows with the lines
// (an N+1) shows. Prints one line: BENCH_JSON {...}.
//
//   bun bench/lib/checkout-statements.mjs
//
// Plain JS run by Bun (which loads the core's TypeScript itself): the bench's tsconfig project does
// not take in the core's sources.

import { countStatements, enableStatementCounting } from "../../core/src/lib/db.ts";
import { removeTempDirs } from "../../core/src/testing/harness.ts";
import { checkoutBody, registerCustomer, stack } from "../../core/src/workflows/testing/stack.ts";

// Before the stack opens its databases: statements are counted from the connection up.
enableStatementCounting();
const s = await stack();
try {
	const c = s.core;

	// Physical products in stock, one variant each (priced in the cart's currency, USD).
	const list = await (await s.call("GET", "/catalog/products?kind=physical&inStock=true&limit=20")).json();
	const variants = [];
	for (const { slug } of list.items) {
		const p = await (await s.call("GET", `/catalog/products/${slug}`)).json();
		const v = p.variants.find((x) => x.inStock && x.prices.some((m) => m.currency === "USD"));
		if (!v) continue;
		const { items } = await c.inventory.availability([{ sku: v.sku }]);
		if ((items[0]?.available ?? 0) >= 5) variants.push(v);
		if (variants.length === 3) break;
	}
	if (variants.length < 3) throw new Error(`found ${variants.length} stocked physical variants, need 3`);

	const runs = {};
	for (const lines of [1, 3]) {
		const customer = await registerCustomer(s, "Bench Counter");
		for (const v of variants.slice(0, lines)) {
			const res = await s.call("POST", "/cart/lines", { caller: customer, body: { variantId: v.id, quantity: 1 } });
			if (res.status !== 200) throw new Error(`cart add: ${res.status} ${await res.text()}`);
		}
		const measured = await countStatements(() =>
			s.call("POST", "/checkout", {
				caller: customer,
				body: checkoutBody(),
				headers: { "idempotency-key": `bench-statements-${lines}` },
				inProcess: true,
			}),
		);
		if (measured.result.status !== 201)
			throw new Error(`checkout: ${measured.result.status} ${await measured.result.text()}`);
		runs[`${lines} line${lines > 1 ? "s" : ""}`] = {
			total: measured.total,
			counts: measured.counts,
			commits: measured.totalCommits,
			commitsPerDatabase: measured.commits,
		};
	}
	console.log(`BENCH_JSON ${JSON.stringify({ runs })}`);
} finally {
	await s.close();
	removeTempDirs();
}
