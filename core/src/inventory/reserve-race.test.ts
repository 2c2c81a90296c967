import { afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import { type Inventory, openInventory } from "./module";
import { Sweeper } from "./sweeper";
import { INV_ADMIN, type InventoryHarness, inventoryHarness } from "./testing/fixtures";
import { type RaceOutcome, type RaceSpec, runRace } from "./testing/race";

// 200 reservations racing for 50 units, for real: three libSQL clients in this process and two
// more in a second OS process, all on one database file. Whatever the interleaving, exactly the
// stock is held, the rest hear "out of stock", nothing goes below zero, and the books balance.

const ROOT = resolve(import.meta.dir, "../../..");
const BUN = existsSync(resolve(ROOT, "node_modules/.bin/bun"))
	? resolve(ROOT, "node_modules/.bin/bun")
	: process.execPath;
const WORKER = resolve(import.meta.dir, "testing/race-worker.ts");

let h: InventoryHarness;
let extra: Inventory[] = [];
afterEach(async () => {
	await Promise.all(extra.map((c) => c.stop()));
	extra = [];
	await h?.close();
});

async function setup(stock: { sku: string; warehouse?: string; quantity: number }[]): Promise<Inventory[]> {
	h = await inventoryHarness();
	for (const s of stock) {
		await h.inv.defineSku(s.sku, { policy: "tracked" });
		await h.inv.receiveStock(s.sku, { quantity: s.quantity, warehouse: s.warehouse }, INV_ADMIN.user);
	}
	extra = await Promise.all([1, 2].map(() => openInventory({ url: h.url, migrate: false })));
	return [h.inv, ...extra];
}

/** The second OS process: ready → go → its tally. */
async function spawnWorker(args: { url: string; clients: number; sweepMs?: number; spec: RaceSpec }) {
	const proc = Bun.spawn([BUN, WORKER, JSON.stringify(args)], {
		cwd: ROOT,
		stdin: "pipe",
		stdout: "pipe",
		stderr: "inherit",
	});
	const reader = proc.stdout.getReader();
	let buffered = "";
	const nextLine = async (): Promise<string> => {
		for (;;) {
			const at = buffered.indexOf("\n");
			if (at !== -1) {
				const line = buffered.slice(0, at);
				buffered = buffered.slice(at + 1);
				return line;
			}
			const { value, done } = await reader.read();
			if (done) throw new Error(`race worker exited early (${await proc.exited})`);
			buffered += new TextDecoder().decode(value);
		}
	};
	expect(await nextLine()).toBe("ready");
	return {
		/** Starts the worker and resolves once its first attempt has begun. */
		async go() {
			proc.stdin.write("go\n");
			proc.stdin.flush();
			expect(await nextLine()).toBe("started");
		},
		async result(): Promise<RaceOutcome> {
			const outcome = JSON.parse(await nextLine()) as RaceOutcome;
			expect(await proc.exited).toBe(0);
			return outcome;
		},
	};
}

/** Reads the stock row every few ms during a race: it must never hold more than it has. */
function sampler(sku: string, limit: number) {
	const violations: string[] = [];
	let samples = 0;
	let stopped = false;
	const run = (async () => {
		while (!stopped) {
			const rows = await h.inv.context.database.db.all<{ onHand: number; reserved: number; sold: number }>(
				sql`SELECT sum(on_hand) AS onHand, sum(reserved) AS reserved, sum(sold) AS sold FROM stock WHERE sku = ${sku}`,
			);
			const r = rows[0];
			samples++;
			if (r && (r.reserved < 0 || r.sold < 0 || r.reserved + r.sold > r.onHand || r.reserved + r.sold > limit)) {
				violations.push(JSON.stringify(r));
			}
			await Bun.sleep(2);
		}
	})();
	return {
		async stop() {
			stopped = true;
			await run;
			return { violations, samples };
		},
	};
}

async function expectBalanced(skus: string[]) {
	const books = await h.inv.reconcile(skus);
	expect(books.orphans).toBe(0);
	for (const row of books.rows) {
		// available + reserved + sold = received + adjustments (in − out), each ≥ 0
		expect((row.available ?? 0) + row.reserved + row.sold).toBe(row.ledger.received + row.ledger.adjusted);
		expect(row.reserved).toBe(row.ledger.reserved - row.ledger.released - row.ledger.expired - row.ledger.committed);
		expect(row.sold).toBe(row.ledger.committed);
		expect(row.reserved).toBe(row.held.active);
		expect(row.sold).toBe(row.held.committed);
		for (const n of [row.available ?? 0, row.reserved, row.sold, row.onHand]) expect(n).toBeGreaterThanOrEqual(0);
		expect(row.balanced).toBe(true);
	}
	expect(books.balanced).toBe(true);
	return books;
}

function merge(a: RaceOutcome, b: RaceOutcome): RaceOutcome {
	return {
		reserved: [...a.reserved, ...b.reserved],
		outOfStock: a.outOfStock + b.outOfStock,
		committed: [...a.committed, ...b.committed],
		commitRefused: a.commitRefused + b.commitRefused,
		errors: [...a.errors, ...b.errors],
		badShortages: a.badShortages + b.badShortages,
		firstAt: Math.min(a.firstAt, b.firstAt),
		lastAt: Math.max(a.lastAt, b.lastAt),
	};
}

/** Half the attempts here over three clients, half in the second process over two. */
async function race(clients: Inventory[], spec: Omit<RaceSpec, "prefix" | "attempts">, sweepMs?: number) {
	const worker = await spawnWorker({
		url: h.url,
		clients: 2,
		sweepMs,
		spec: { ...spec, prefix: "child", attempts: 100 },
	});
	// This process starts only once the other is racing: a cold second process (CI's fresh
	// checkout compiles everything) would otherwise start after this one has finished.
	await worker.go();
	const mine = await runRace(clients, { ...spec, prefix: "parent", attempts: 100 });
	const theirs = await worker.result();
	// Both sides really raced: each started before the other finished.
	expect(theirs.firstAt).toBeLessThan(mine.lastAt);
	expect(mine.firstAt).toBeLessThan(theirs.lastAt);
	return { all: merge(mine, theirs), mine, theirs };
}

describe("200 concurrent reservations for 50 units", () => {
	test("exactly 50 succeed, 150 are told out of stock, available ends at 0", async () => {
		const clients = await setup([{ sku: "HOT-1", quantity: 50 }]);
		const watch = sampler("HOT-1", 50);
		// Spread over 150 ms so both processes are still finding stock while the other writes
		// (a pure burst tends to be won wholesale by whichever process holds the lock first).
		// Who wins how many is timing (race() asserts the two processes overlapped); what must
		// hold is the total.
		const { all } = await race(clients, { lines: [{ sku: "HOT-1", quantity: 1 }], spreadMs: 150 });
		const sampled = await watch.stop();

		expect(all.errors).toEqual([]);
		expect(all.reserved.length).toBe(50);
		expect(new Set(all.reserved).size).toBe(50);
		expect(all.outOfStock).toBe(150);
		expect(all.badShortages).toBe(0);
		expect(sampled.violations).toEqual([]);
		expect(sampled.samples).toBeGreaterThan(0);

		const stock = await h.inv.getStock("HOT-1");
		expect(stock.rows).toEqual([{ warehouse: "main", slot: null, onHand: 50, reserved: 50, sold: 0, available: 0 }]);
		expect((await h.inv.availability([{ sku: "HOT-1" }])).items[0]?.available).toBe(0);
		await expectBalanced(["HOT-1"]);
	}, 30_000);

	test("with reservations expiring and payments committing during the race", async () => {
		const clients = await setup([{ sku: "HOT-2", quantity: 50 }]);
		// A sweeper in this process and one in the second process, every 5 ms.
		const fast = new Sweeper(h.inv.context, { intervalMs: 5 });
		fast.start();
		const watch = sampler("HOT-2", 50);
		const { all } = await race(
			clients,
			{ lines: [{ sku: "HOT-2", quantity: 1 }], ttlMs: 40, spreadMs: 400, commitEvery: 3 },
			5,
		);
		const sampled = await watch.stop();
		await fast.stop();
		await Bun.sleep(50);
		const late = await h.inv.expireDue();

		expect(all.errors).toEqual([]);
		expect(all.badShortages).toBe(0);
		expect(all.reserved.length + all.outOfStock).toBe(200);
		expect(sampled.violations).toEqual([]);

		const ledger = await h.inv.reconcile(["HOT-2"]);
		const row = ledger.rows[0];
		if (!row) throw new Error("no stock row");
		// Units came back by expiry during the race and were reserved again.
		expect(row.ledger.expired).toBeGreaterThan(late);
		expect(all.reserved.length).toBeGreaterThan(50);
		// Every success ended either sold or expired; nothing is held any more.
		expect(row.reserved).toBe(0);
		expect(row.sold).toBe(all.committed.length);
		expect(all.reserved.length).toBe(row.ledger.committed + row.ledger.expired);
		expect(row.sold).toBeLessThanOrEqual(50);
		expect(row.available).toBe(50 - row.sold);
		await expectBalanced(["HOT-2"]);
	}, 30_000);

	test("in one burst, with every request holding the SKU on two lines (summed before reserving)", async () => {
		const clients = await setup([{ sku: "HOT-3", quantity: 100 }]);
		const watch = sampler("HOT-3", 100);
		const { all } = await race(clients, {
			lines: [
				{ sku: "HOT-3", quantity: 1 },
				{ sku: "HOT-3", quantity: 1 },
			],
		});
		const sampled = await watch.stop();

		expect(all.errors).toEqual([]);
		expect(all.reserved.length).toBe(50);
		expect(all.outOfStock).toBe(150);
		expect(all.badShortages).toBe(0);
		expect(sampled.violations).toEqual([]);
		const one = await h.inv.getReservation(all.reserved[0] as string);
		expect(one.lines).toEqual([{ sku: "HOT-3", slot: null, quantity: 2 }]);
		const stock = await h.inv.getStock("HOT-3");
		expect(stock.rows[0]).toMatchObject({ onHand: 100, reserved: 100, available: 0 });
		await expectBalanced(["HOT-3"]);
	}, 30_000);

	test("all lines or none: a scarce second SKU (and stock split over two warehouses)", async () => {
		const clients = await setup([
			{ sku: "PAIR-A", quantity: 30 },
			{ sku: "PAIR-A", warehouse: "east", quantity: 20 },
			{ sku: "PAIR-B", quantity: 10 },
		]);
		const { all } = await race(clients, {
			lines: [
				{ sku: "PAIR-A", quantity: 1 },
				{ sku: "PAIR-B", quantity: 1 },
			],
		});
		expect(all.errors).toEqual([]);
		expect(all.reserved.length).toBe(10);
		expect(all.outOfStock).toBe(190);
		const a = await h.inv.getStock("PAIR-A");
		expect(a.rows.reduce((n, r) => n + r.reserved, 0)).toBe(10); // no half-taken requests
		const b = await h.inv.getStock("PAIR-B");
		expect(b.rows[0]).toMatchObject({ reserved: 10, available: 0 });
		await expectBalanced(["PAIR-A", "PAIR-B"]);
	}, 30_000);
});
