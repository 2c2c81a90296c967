import { FlashItem, FlashItemId, type FlashReturnBatch } from "@bazaar/contracts/flash";
import { coreClient } from "../lib/core";
import { configOf, type FlashItemConfig, shardName, shardOf } from "./config";

// The edge's view of flash-sale items: an armed item's terms (never change once armed) from isolate
// memory, else KV (written when it is armed), else the core; and the item's sold-out flag, so a
// crowd arriving after the last unit is answered here without touching a shard. The flag lives in
// isolate memory for a second at a time and is then re-read from the coordinator (one object, not
// the shards), which clears it when units come back (expired reservations).

const kvKey = (id: string) => `flash:item:${id}`;
const UNKNOWN_TTL_MS = 2_000;
const SOLD_OUT_TTL_MS = 1_000;

const known = new Map<string, FlashItemConfig>();
const unknown = new Map<string, number>();
const soldOut = new Map<string, number>();

export async function itemConfig(env: Env, itemId: string): Promise<FlashItemConfig | null> {
	if (!FlashItemId.safeParse(itemId).success) return null;
	const hit = known.get(itemId);
	if (hit) return hit;
	if ((unknown.get(itemId) ?? 0) > Date.now()) return null;
	const stored = await env.CATALOG.get<FlashItemConfig>(kvKey(itemId), "json");
	if (stored) {
		known.set(itemId, stored);
		return stored;
	}
	const res = await coreClient(env)
		.request("GET", `/flash/items/${itemId}`, { caller: { user: "edge", roles: ["service"] } })
		.catch(() => null);
	if (!res?.ok) {
		await res?.body?.cancel();
		unknown.set(itemId, Date.now() + UNKNOWN_TTL_MS);
		return null;
	}
	const config = configOf(FlashItem.parse(await res.json()));
	await remember(env, config);
	return config;
}

export async function remember(env: Env, config: FlashItemConfig): Promise<void> {
	known.set(config.itemId, config);
	unknown.delete(config.itemId);
	await env.CATALOG.put(kvKey(config.itemId), JSON.stringify(config));
}

/**
 * Reservations that expired unpaid: their units go back in the coordinator's pool, and each
 * shopper's shard stops counting them against the per-shopper limit (they bought nothing). Both
 * steps are once per reservation id, so a retried batch changes nothing twice; the coordinator
 * goes first, and a failure after it throws for the core to retry the whole batch.
 */
export async function returnExpired(env: Env, batch: FlashReturnBatch): Promise<{ returned: number }> {
	const result = await coordinatorOf(env, batch.itemId).returnUnits(batch.reservations);
	const config = await itemConfig(env, batch.itemId);
	if (!config) return result;
	const byShard = new Map<number, string[]>();
	for (const r of batch.reservations) {
		const index = shardOf(r.shopper, config.shards);
		byShard.set(index, [...(byShard.get(index) ?? []), r.id]);
	}
	await Promise.all(
		[...byShard].map(([index, ids]) =>
			env.FLASH_SHARD.get(env.FLASH_SHARD.idFromName(shardName(batch.itemId, index))).releaseAllowance(ids),
		),
	);
	return result;
}

export function coordinatorOf(env: Env, itemId: string) {
	return env.FLASH_COORDINATOR.get(env.FLASH_COORDINATOR.idFromName(itemId));
}

/** True while the item is known sold out everywhere (no shard is asked). */
export async function isSoldOut(env: Env, itemId: string): Promise<boolean> {
	const until = soldOut.get(itemId);
	if (until === undefined) return false;
	if (until > Date.now()) return true;
	const status = await coordinatorOf(env, itemId).status();
	if (status.soldOut) soldOut.set(itemId, Date.now() + SOLD_OUT_TTL_MS);
	else soldOut.delete(itemId);
	return status.soldOut;
}

export function markSoldOut(itemId: string): void {
	soldOut.set(itemId, Date.now() + SOLD_OUT_TTL_MS);
}
