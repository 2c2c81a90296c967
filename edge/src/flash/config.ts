import type { FlashItem } from "@bazaar/contracts/flash";

// What the edge's Durable Objects know of an armed flash-sale item (set once, when it is armed).

export interface FlashItemConfig {
	itemId: string;
	title: string;
	/** Shown struck through beside the flash price. */
	regularPrice: number | null;
	shards: number;
	quota: number;
	perShopperLimit: number;
	flashPrice: number;
	currency: string;
	startsAt: number;
	endsAt: number;
	/**
	 * TEST ONLY (honoured only where FLASH_TEST_HOOKS=on): reservations stay in the shards instead
	 * of travelling to the core, so a race test can count them without a core that knows the item.
	 */
	hold?: boolean;
}

export function configOf(item: FlashItem, extra: Pick<FlashItemConfig, "hold"> = {}): FlashItemConfig {
	return {
		itemId: item.id,
		title: item.title,
		regularPrice: item.regularPrice,
		shards: item.shards,
		quota: item.quota,
		perShopperLimit: item.perShopperLimit,
		flashPrice: item.flashPrice,
		currency: item.currency,
		startsAt: Date.parse(item.startsAt),
		endsAt: Date.parse(item.endsAt),
		...extra,
	};
}

/** The shard that sees every buy of a shopper (so it alone checks the per-shopper limit). */
export function shardOf(shopper: string, shards: number): number {
	// FNV-1a: stable across isolates and deploys, spreads ids that share a prefix.
	let h = 0x811c9dc5;
	for (let i = 0; i < shopper.length; i++) {
		h ^= shopper.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0) % shards;
}

export const shardName = (itemId: string, index: number) => `${itemId}:${index}`;

export function testHooks(env: Env): boolean {
	return env.FLASH_TEST_HOOKS === "on";
}

export type BuyOutcome =
	| { kind: "reserved"; reservationId: string; token: string; quantity: number; unitPrice: number }
	| { kind: "sold_out" }
	| { kind: "limit"; limit: number }
	| { kind: "not_started"; startsAt: number }
	| { kind: "ended" }
	| { kind: "unknown" };
