import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openInventory } from "../module";

// The inventory reserve path alone, through the verb in-process (no HTTP, no signature): N
// reservations of 1 unit at a given concurrency, over one hot SKU or spread over 100, then
// optionally every k-th committed. Prints throughput and p50/p99 (and BENCH_JSON with --json,
// for `npm run bench -- checkout`).
// Usage: bun core/src/inventory/testing/bench-reserve.ts [total=4000] [concurrency=64]
//          [--skus hot|spread] [--commit-every 2 (0: none)] [--json]

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		skus: { type: "string", default: "spread" },
		"commit-every": { type: "string", default: "2" },
		json: { type: "boolean", default: false },
	},
});
const total = Number(positionals[0] ?? 4000);
const concurrency = Number(positionals[1] ?? 64);
const hot = values.skus === "hot";
const commitEvery = Number(values["commit-every"]);
const dir = mkdtempSync(join(tmpdir(), "bazaar-inv-bench-"));
const inv = await openInventory({ url: `file:${join(dir, "inventory.db")}` });
try {
	const skus = Array.from({ length: hot ? 1 : 100 }, (_, i) => `BENCH-${i}`);
	for (const sku of skus) {
		await inv.defineSku(sku, { policy: "tracked" });
		// Enough for every reservation even when they all take the one hot SKU.
		for (let left = total; left > 0; left -= 1_000_000) {
			await inv.receiveStock(sku, { quantity: Math.min(left, 1_000_000) }, "bench");
		}
	}
	const latencies: number[] = [];
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < total) {
				const n = next++;
				const t0 = performance.now();
				const { reservation } = await inv.reserve({
					orderId: `bench-${n}`,
					lines: [{ sku: skus[n % skus.length] as string, quantity: 1 }],
				});
				latencies.push(performance.now() - t0);
				if (commitEvery > 0 && n % commitEvery === 0) await inv.commit(reservation.id);
			}
		}),
	);
	const seconds = (performance.now() - started) / 1000;
	latencies.sort((a, b) => a - b);
	const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
	const books = await inv.reconcile();
	const committed = commitEvery > 0 ? ` (every ${commitEvery}${commitEvery === 2 ? "nd" : "th"} then committed)` : "";
	if (values.json) {
		console.log(
			`BENCH_JSON ${JSON.stringify({
				total,
				concurrency,
				skus: skus.length,
				commitEvery,
				seconds,
				perSecond: total / seconds,
				p50: pct(0.5),
				p99: pct(0.99),
				max: latencies.at(-1) ?? 0,
				balanced: books.balanced,
			})}`,
		);
	} else {
		console.log(
			`reserve: ${total} over ${skus.length} SKU(s) at concurrency ${concurrency}${committed} in ${seconds.toFixed(2)} s → ` +
				`${Math.round(total / seconds)} reservations/s, p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms`,
		);
		console.log(`books balanced: ${books.balanced}`);
	}
} finally {
	await inv.stop();
	rmSync(dir, { recursive: true, force: true });
}
