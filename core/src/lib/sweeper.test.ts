import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "./db";
import { Lease } from "./lease";
import { Sweeper } from "./sweeper";

// Two connections to one file stand for two core processes sharing a module database.
async function twoProcesses() {
	const url = `file:${join(mkdtempSync(join(tmpdir(), "bazaar-sweeper-")), "module.db")}`;
	return [await openDatabase(url, {}), await openDatabase(url, {})] as const;
}

const until = async (cond: () => boolean) => {
	for (let i = 0; i < 200 && !cond(); i++) await Bun.sleep(10);
	expect(cond()).toBe(true);
};

test("with a lease, one process sweeps at a time; the other takes over when the holder stops", async () => {
	const [a, b] = await twoProcesses();
	const runs = { a: 0, b: 0 };
	const sweeperA = new Sweeper("job", async () => ++runs.a && 0, { intervalMs: 20, lease: a, leaseHolder: "a" });
	const sweeperB = new Sweeper("job", async () => ++runs.b && 0, { intervalMs: 20, lease: b, leaseHolder: "b" });
	sweeperA.start();
	await until(() => runs.a > 0);
	sweeperB.start();
	await until(() => runs.a > 5);
	expect(runs.b).toBe(0);
	expect(sweeperB.holdsLease).toBe(false);

	await sweeperA.stop(); // releases the lease at once
	const aRuns = runs.a;
	await until(() => runs.b > 3);
	expect(runs.a).toBe(aRuns);
	await sweeperB.stop();
	await a.close();
	await b.close();
});

test("a lease whose holder died (never renewed) passes to another holder once it lapses", async () => {
	const [a, b] = await twoProcesses();
	let now = 1_000_000;
	const clock = () => now;
	const dead = new Lease(a, "job", 5_000, "dead-process", clock);
	const live = new Lease(b, "job", 5_000, "live-process", clock);
	expect(await dead.acquire()).toBe(true);
	expect(await live.acquire()).toBe(false);
	now += 4_999;
	expect(await live.acquire()).toBe(false);
	expect(await dead.acquire()).toBe(true); // renewing pushes the lapse out again
	now += 5_000;
	expect(await live.acquire()).toBe(true);
	expect(await dead.acquire()).toBe(false);
	await a.close();
	await b.close();
});

test("without a lease every process sweeps (work that is safe to repeat)", async () => {
	const [a, b] = await twoProcesses();
	const runs = { a: 0, b: 0 };
	const sweepers = [
		new Sweeper("job", async () => ++runs.a && 0, { intervalMs: 20 }),
		new Sweeper("job", async () => ++runs.b && 0, { intervalMs: 20 }),
	];
	for (const s of sweepers) s.start();
	await until(() => runs.a > 2 && runs.b > 2);
	for (const s of sweepers) await s.stop();
	await a.close();
	await b.close();
});
