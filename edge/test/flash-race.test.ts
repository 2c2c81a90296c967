import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { ulid } from "@bazaar/ids";
import { describe, expect, test } from "vitest";
import { type BuyOutcome, type FlashItemConfig, shardName, shardOf } from "../src/flash/config";
import type { ItemAudit } from "../src/flash/coordinator";
import { remember, returnExpired } from "../src/flash/items";

// Race and property tests of the flash-sale shards, inside workerd on real Durable Objects with
// their SQLite storage: many more concurrent buyers than units, over many seeds, across 1 to 16
// shards. The items are armed with `hold` (test hook), so reservations stay in the shards where
// the checker counts them. The checker is shown to catch an oversell by a deliberately broken
// shard (an await between check and decrement).

/** Everything that must hold for an item, whatever happened: [] when the books are right. */
function violations(audit: ItemAudit, answers: BuyOutcome[], limit: number): string[] {
	const out: string[] = [];
	const reserved = answers.filter((a) => a.kind === "reserved");
	const units = reserved.reduce((n, a) => n + (a.kind === "reserved" ? a.quantity : 0), 0);
	if (audit.reservedUnits > audit.quota) out.push(`oversold: ${audit.reservedUnits} units reserved of ${audit.quota}`);
	if (audit.accounted !== audit.quota) out.push(`books: ${audit.accounted} units accounted for, quota ${audit.quota}`);
	if (units !== audit.reservedUnits - audit.shards.reduce((n, s) => n + s.refusedUnits, 0) && answers.length > 0) {
		out.push(`answers: ${units} units answered reserved, ${audit.reservedUnits} recorded`);
	}
	if (new Set(reserved.map((a) => (a.kind === "reserved" ? a.reservationId : ""))).size !== reserved.length) {
		out.push("a reservation id was answered twice");
	}
	const maxPerShopper = Math.max(0, ...audit.shards.map((s) => s.maxPerShopper));
	if (maxPerShopper > limit) out.push(`per-shopper limit: a shopper holds ${maxPerShopper} of ${limit}`);
	return out;
}

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function coordinator(itemId: string) {
	return env.FLASH_COORDINATOR.get(env.FLASH_COORDINATOR.idFromName(itemId));
}
function shard(itemId: string, index: number) {
	return env.FLASH_SHARD.get(env.FLASH_SHARD.idFromName(shardName(itemId, index)));
}

async function armed(overrides: Partial<FlashItemConfig>): Promise<FlashItemConfig> {
	const config: FlashItemConfig = {
		itemId: `fsi_${ulid()}`,
		title: "Race kettle",
		regularPrice: null,
		shards: 4,
		quota: 40,
		perShopperLimit: 2,
		flashPrice: 999,
		currency: "USD",
		startsAt: Date.now() - 60_000,
		endsAt: Date.now() + 3_600_000,
		hold: true,
		...overrides,
	};
	await coordinator(config.itemId).arm(config);
	return config;
}

function buyAs(config: FlashItemConfig, shopper: string, quantity = 1): Promise<BuyOutcome> {
	return shard(config.itemId, shardOf(shopper, config.shards)).buy(shopper, quantity);
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

// Hundreds of concurrent calls per test: room for a loaded machine (correctness is asserted, not time).
describe("flash shards under a crowd", { timeout: 120_000 }, () => {
	test.each(SEEDS)(
		"seed %i: N ≫ quota buyers → exactly the quota reserved, none oversold, limits held",
		async (seed) => {
			const random = rng(seed);
			const shards = [1, 2, 4, 8, 16][Math.floor(random() * 5)] ?? 4;
			const quota = 10 + Math.floor(random() * 90);
			const limit = 1 + Math.floor(random() * 3);
			const config = await armed({ shards, quota, perShopperLimit: limit });
			const shoppers = Array.from({ length: quota * 2 + 20 }, () => `usr_${ulid()}`);
			// Every shopper tries one to limit+1 times at once, quantity 1 or 2.
			const attempts: Promise<BuyOutcome>[] = [];
			for (const s of shoppers) {
				const tries = 1 + Math.floor(random() * (limit + 1));
				for (let t = 0; t < tries; t++) attempts.push(buyAs(config, s, random() < 0.8 ? 1 : 2));
			}
			const answers = await Promise.all(attempts);
			const audit = (await coordinator(config.itemId).audit()) as ItemAudit;
			expect(violations(audit, answers, limit)).toEqual([]);
			// Demand far exceeds supply: everything sells (a leftover unit smaller than a quantity-2 ask
			// is the only thing that may remain, and then a quantity-1 buyer takes it or none is left).
			expect(audit.reservedUnits).toBe(quota);
			expect(answers.some((a) => a.kind === "sold_out")).toBe(true);
			expect(audit.soldOut).toBe(true);
		},
	);

	test("a shard that awaits between check and decrement oversells, and the checker says so", async () => {
		const config = await armed({ shards: 1, quota: 10, perShopperLimit: 5 });
		const target = shard(config.itemId, 0);
		const answers = await Promise.all(Array.from({ length: 60 }, () => target.buyBroken(`usr_${ulid()}`, 1)));
		const audit = (await coordinator(config.itemId).audit()) as ItemAudit;
		const found = violations(audit, answers, 5);
		expect(found.some((v) => v.startsWith("oversold"))).toBe(true);
		// The same crowd on a correct shard: nothing to report.
		const fine = await armed({ shards: 1, quota: 10, perShopperLimit: 5 });
		const ok = await Promise.all(Array.from({ length: 60 }, () => buyAs(fine, `usr_${ulid()}`)));
		expect(violations((await coordinator(fine.itemId).audit()) as ItemAudit, ok, 5)).toEqual([]);
	});

	test("a restart of every object mid-sale loses and duplicates nothing", async () => {
		const config = await armed({ shards: 8, quota: 120, perShopperLimit: 1 });
		const first = await Promise.all(Array.from({ length: 60 }, () => buyAs(config, `usr_${ulid()}`)));
		await abortAllDurableObjects();
		const second = await Promise.all(
			Array.from({ length: 300 }, () => buyAs(config, `usr_${ulid()}`).catch(() => ({ kind: "unknown" }) as const)),
		);
		const audit = (await coordinator(config.itemId).audit()) as ItemAudit;
		expect(audit.reservedUnits).toBeLessThanOrEqual(120);
		expect(audit.accounted).toBe(120);
		// Every reservation answered before the restart is still there, once.
		const kept = new Set<string>();
		for (let i = 0; i < config.shards; i++)
			for (const id of await shard(config.itemId, i).reservationIds()) kept.add(id);
		for (const a of [...first, ...second]) if (a.kind === "reserved") expect(kept.has(a.reservationId)).toBe(true);
		expect(kept.size).toBe(audit.shards.reduce((n, s) => n + s.reservations, 0));
	});

	test("units returned after expiry go back on sale once, and clear the sold-out flag", async () => {
		const config = await armed({ shards: 2, quota: 6, perShopperLimit: 1 });
		const answers = await Promise.all(Array.from({ length: 20 }, () => buyAs(config, `usr_${ulid()}`)));
		const sold = answers
			.filter((a) => a.kind === "reserved")
			.map((a) => (a.kind === "reserved" ? a.reservationId : ""));
		expect(sold).toHaveLength(6);
		expect((await coordinator(config.itemId).status()).soldOut).toBe(true);
		const back = sold.slice(0, 2).map((id) => ({ id, quantity: 1 }));
		expect(await coordinator(config.itemId).returnUnits(back)).toEqual({ returned: 2 });
		expect(await coordinator(config.itemId).returnUnits(back)).toEqual({ returned: 0 });
		const status = await coordinator(config.itemId).status();
		expect(status).toMatchObject({ soldOut: false, pool: 2, returned: 2 });
		const again = await Promise.all(Array.from({ length: 10 }, () => buyAs(config, `usr_${ulid()}`)));
		expect(again.filter((a) => a.kind === "reserved")).toHaveLength(2);
		const audit = (await coordinator(config.itemId).audit()) as ItemAudit;
		expect(audit.accounted).toBe(6);
		expect(audit.reservedUnits - audit.returned).toBe(6);
	});

	test("a reservation that expired unpaid gives its shopper's allowance back, once", async () => {
		const config = await armed({ shards: 2, quota: 6, perShopperLimit: 1 });
		await remember(env, config);
		const shopper = `usr_${ulid()}`;
		const first = await buyAs(config, shopper);
		expect(first.kind).toBe("reserved");
		expect((await buyAs(config, shopper)).kind).toBe("limit");
		const id = first.kind === "reserved" ? first.reservationId : "";
		const batch = { itemId: config.itemId, reservations: [{ id, quantity: 1, shopper }] };
		expect(await returnExpired(env, batch)).toEqual({ returned: 1 });
		// The bus redelivers: neither the unit nor the allowance comes back twice.
		expect(await returnExpired(env, batch)).toEqual({ returned: 0 });
		expect((await buyAs(config, shopper)).kind).toBe("reserved");
		expect((await buyAs(config, shopper)).kind).toBe("limit");
		const audit = (await coordinator(config.itemId).audit()) as ItemAudit;
		expect(audit.accounted).toBe(6);
		expect(Math.max(...audit.shards.map((s) => s.maxPerShopper))).toBe(1);
	});

	test("bad input at the shard: before the start, after the end, over the limit", async () => {
		const early = await armed({ startsAt: Date.now() + 60_000 });
		expect((await buyAs(early, `usr_${ulid()}`)).kind).toBe("not_started");
		const late = await armed({ startsAt: Date.now() - 120_000, endsAt: Date.now() - 60_000 });
		expect((await buyAs(late, `usr_${ulid()}`)).kind).toBe("ended");
		const open = await armed({ perShopperLimit: 1 });
		const who = `usr_${ulid()}`;
		expect((await buyAs(open, who)).kind).toBe("reserved");
		expect(await buyAs(open, who)).toEqual({ kind: "limit", limit: 1 });
		const audit = (await coordinator(open.itemId).audit()) as ItemAudit;
		expect(audit.reservedUnits).toBe(1);
	});
});
