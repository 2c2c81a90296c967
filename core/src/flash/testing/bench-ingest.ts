import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { FlashIngestResult, FlashItem, FlashReservation } from "@bazaar/contracts/flash";
import { sign } from "@bazaar/signature";
import { sql } from "drizzle-orm";
import { createFetch } from "../../app";
import { loadConfig } from "../../config";
import { TEST_PASSWORD_COST } from "../../identity/test-harness";
import { openCore } from "../../workflows/compose";
import { insertShoppers, signedReservation } from "./fixtures";

// The core's ingest of flash reservations into pending orders, alone (bench (b) of
// `npm run bench -- flash`): the composed core on temp files (durable: the group-commit writer
// fsyncs every batch before answering), one armed item, shoppers with addresses, and a pre-filled
// queue of signed reservations in shard-sized batches. `--senders` batches are in flight at once
// (several shards flushing together), each sent as the edge sends it — a signed POST
// /flash/reservations through the app (signature, JSON, zod), without a socket — or with --direct
// to the workflow verb. Afterwards it checks that every reservation is exactly one order and that
// the inventory's books balance with the quota still held. Prints BENCH_JSON with --json.
// Usage: bun core/src/flash/testing/bench-ingest.ts [total=100000] [--batch 2000] [--senders 4]
//          [--shoppers 20000] [--direct] [--json]

const { positionals, values } = parseArgs({
	allowPositionals: true,
	options: {
		batch: { type: "string", default: "2000" },
		senders: { type: "string", default: "4" },
		shoppers: { type: "string", default: "20000" },
		direct: { type: "boolean", default: false },
		json: { type: "boolean", default: false },
	},
});
const total = Number(positionals[0] ?? 100_000);
const batchSize = Number(values.batch);
const senders = Number(values.senders);
const shopperCount = Number(values.shoppers);
const SECRET = "bench-signing-secret-0123456789abcdef";
const SKU = "FLASH-BENCH";
const dir = mkdtempSync(join(tmpdir(), "bazaar-flash-ingest-"));
const log = (m: string) => process.stderr.write(`${m}\n`);

const config = loadConfig({
	BAZAAR_ENV: "test",
	DATA_DIR: dir,
	EDGE_PUSH: "off",
	BAZAAR_SIGNING_SECRET: SECRET,
	PAYMENT_SANDBOX: "on",
});
const core = await openCore(config, { passwordCost: TEST_PASSWORD_COST });
try {
	const shoppers: string[] = [];
	for (let i = 0; i < shopperCount; i += 5_000) {
		shoppers.push(...(await insertShoppers(core.identity, Math.min(5_000, shopperCount - i))));
	}
	await core.inventory.defineSku(SKU, { policy: "tracked" });
	for (let left = total + 1_000; left > 0; left -= 1_000_000) {
		await core.inventory.receiveStock(SKU, { quantity: Math.min(left, 1_000_000) }, "bench");
	}
	const now = Date.now();
	const item: FlashItem = await core.flashSales.createItem({
		variantId: "var_bench",
		sku: SKU,
		title: "Bench item",
		currency: "USD",
		flashPrice: 1_000,
		quota: total,
		perShopperLimit: 100,
		startsAt: new Date(now - 60_000).toISOString(),
		endsAt: new Date(now + 3_600_000).toISOString(),
		shards: 64,
		paymentWindowSeconds: 3_600,
	});
	await core.flashSales.arm(item.id, "bench");

	log(`  pre-filling ${total} signed reservations in batches of ${batchSize}`);
	const batches: FlashReservation[][] = [];
	for (let i = 0; i < total; i += batchSize) {
		const batch: FlashReservation[] = [];
		for (let j = i; j < Math.min(total, i + batchSize); j++) {
			batch.push(signedReservation(SECRET, item, shoppers[j % shoppers.length] as string, { shard: j % 64 }));
		}
		batches.push(batch);
	}
	const bodies = batches.map((b) => JSON.stringify({ reservations: b }));
	const fetch = createFetch({ secret: SECRET, ...core });
	const SERVICE = { user: "edge", roles: ["service"] };
	async function send(body: string): Promise<FlashIngestResult> {
		if (values.direct) return core.flashSales.ingest(JSON.parse(body));
		const headers = { "content-type": "application/json" };
		const signed = await sign({
			secret: SECRET,
			method: "POST",
			path: "/flash/reservations",
			body,
			headers,
			caller: SERVICE,
		});
		const res = await fetch(
			new Request("http://core/flash/reservations", { method: "POST", headers: { ...headers, ...signed }, body }),
		);
		if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
		return (await res.json()) as FlashIngestResult;
	}

	const latencies: number[] = [];
	let created = 0;
	let refused = 0;
	let next = 0;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: senders }, async () => {
			while (next < bodies.length) {
				const body = bodies[next++] as string;
				const s = performance.now();
				const r = await send(body);
				latencies.push(performance.now() - s);
				created += r.created;
				refused += r.refused.length;
			}
		}),
	);
	const seconds = (performance.now() - t0) / 1000;
	const cpu = process.cpuUsage(cpu0);
	// Sent again (a shard that lost the answers): nothing new.
	const again = await send(bodies[0] as string);

	const [orders] = await core.orders.context.database.db.all<{ n: number }>(
		sql`SELECT count(*) AS n FROM orders WHERE reservation_id LIKE 'fr\\_%' ESCAPE '\\'`,
	);
	const books = await core.inventory.reconcile([SKU]);
	const stock = await core.inventory.getStock(SKU);
	const reserved = stock.rows.reduce((n, r) => n + r.reserved, 0);
	latencies.sort((a, b) => a - b);
	const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
	const result = {
		total,
		batchSize,
		senders,
		mode: values.direct ? "verb" : "signed POST through the app",
		seconds,
		perSecond: total / seconds,
		batchP50Ms: pct(50),
		batchP99Ms: pct(99),
		cpuMsPerReservation: (cpu.user + cpu.system) / 1000 / total,
		created,
		refused,
		resentCreated: again.created,
		ordersExact: Number(orders?.n ?? 0) === total && created === total && again.created === 0,
		stockExact: books.balanced && reserved === total,
		orderWriter: core.orders.context.database.stats,
	};
	if (values.json) process.stdout.write(`BENCH_JSON ${JSON.stringify(result)}\n`);
	else console.log(result);
} finally {
	await core.stop();
	rmSync(dir, { recursive: true, force: true });
}
