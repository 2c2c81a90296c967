import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openInventory } from "../module";

// The inventory reserve path alone: N reservations (1 line each, spread over 100 SKUs) at a
// given concurrency through the verb, then committed. Prints throughput and p50/p99.
// Usage: bun core/src/inventory/testing/bench-reserve.ts [total=4000] [concurrency=64]

const total = Number(process.argv[2] ?? 4000);
const concurrency = Number(process.argv[3] ?? 64);
const dir = mkdtempSync(join(tmpdir(), "bazaar-inv-bench-"));
const inv = await openInventory({ url: `file:${join(dir, "inventory.db")}` });
try {
	const skus = Array.from({ length: 100 }, (_, i) => `BENCH-${i}`);
	for (const sku of skus) {
		await inv.defineSku(sku, { policy: "tracked" });
		await inv.receiveStock(sku, { quantity: 1_000_000 }, "bench");
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
				if (n % 2 === 0) await inv.commit(reservation.id);
			}
		}),
	);
	const seconds = (performance.now() - started) / 1000;
	latencies.sort((a, b) => a - b);
	const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(2);
	console.log(
		`reserve: ${total} at concurrency ${concurrency} (half then committed) in ${seconds.toFixed(2)} s → ` +
			`${Math.round(total / seconds)} reservations/s, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
	);
	const books = await inv.reconcile();
	console.log(`books balanced: ${books.balanced}`);
} finally {
	await inv.stop();
	rmSync(dir, { recursive: true, force: true });
}
