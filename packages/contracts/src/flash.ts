import { Currency } from "@bazaar/money";
import { z } from "zod";

// Flash sales (DESIGN.md, data flow 4): the items an admin creates and arms, the reservations the
// edge's stock shards take and send to the core in batches, and what the core answers for them.

export const FlashItemId = z
	.string()
	.max(40)
	.regex(/^fsi_[0-9A-Z]{26}$/, "a flash-sale item id such as fsi_01H…");
/** A reservation's id; its order is `ord_` + the same ULID. */
export const FlashReservationId = z
	.string()
	.max(40)
	.regex(/^fr_[0-9A-Z]{26}$/, "a reservation id such as fr_01H…");
const UserId = z
	.string()
	.max(40)
	.regex(/^usr_[0-9A-Z]{26}$/);

export const FLASH_ITEM_STATUSES = ["draft", "armed", "closed"] as const;
export const MAX_FLASH_SHARDS = 256;
export const MAX_FLASH_QUOTA = 1_000_000;

const Instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());

export const CreateFlashItem = z
	.strictObject({
		variantId: z.string().trim().min(1).max(64),
		sku: z.string().trim().min(1).max(64),
		title: z.string().trim().min(1).max(300),
		currency: Currency,
		/** Minor units: what a shopper pays for one unit during the sale. */
		flashPrice: z.number().int().min(0).max(100_000_000),
		/** The regular price, shown struck through beside the flash price. */
		regularPrice: z.number().int().min(0).max(100_000_000).optional(),
		quota: z.number().int().min(1).max(MAX_FLASH_QUOTA),
		perShopperLimit: z.number().int().min(1).max(100),
		startsAt: Instant,
		endsAt: Instant,
		shards: z.number().int().min(1).max(MAX_FLASH_SHARDS),
		/** How long a shopper has to pay once the shard accepted the buy. */
		paymentWindowSeconds: z
			.number()
			.int()
			.min(60)
			.max(24 * 3600)
			.default(600),
	})
	.refine((v) => v.endsAt > v.startsAt, { message: "endsAt must be after startsAt", path: ["endsAt"] });
export type CreateFlashItem = z.input<typeof CreateFlashItem>;

export const FlashItem = z.object({
	id: FlashItemId,
	variantId: z.string(),
	sku: z.string(),
	title: z.string(),
	currency: Currency,
	flashPrice: z.number().int(),
	regularPrice: z.number().int().nullable(),
	quota: z.number().int(),
	perShopperLimit: z.number().int(),
	startsAt: z.string(),
	endsAt: z.string(),
	shards: z.number().int(),
	paymentWindowSeconds: z.number().int(),
	status: z.enum(FLASH_ITEM_STATUSES),
	/** The inventory reservation that holds the quota once armed. */
	holdId: z.string().nullable(),
	armedAt: z.string().nullable(),
	createdAt: z.string(),
});
export type FlashItem = z.infer<typeof FlashItem>;

export const FlashItemList = z.object({ items: z.array(FlashItem) });
export type FlashItemList = z.infer<typeof FlashItemList>;

/**
 * One reservation as a shard recorded it. `mac` is the shard's HMAC over the rest
 * (packages/signature flash.ts): the core refuses a reservation the edge did not make.
 */
export const FlashReservation = z.strictObject({
	id: FlashReservationId,
	itemId: FlashItemId,
	shopper: UserId,
	quantity: z.number().int().min(1).max(100),
	unitPrice: z.number().int().min(0).max(100_000_000),
	shard: z.number().int().min(0).max(MAX_FLASH_SHARDS),
	at: z.string().max(40),
	mac: z
		.string()
		.length(64)
		.regex(/^[0-9a-f]+$/),
});
export type FlashReservation = z.infer<typeof FlashReservation>;

export const MAX_FLASH_BATCH = 5_000;
export const FlashReservationBatch = z.strictObject({
	reservations: z.array(FlashReservation).min(1).max(MAX_FLASH_BATCH),
});
export type FlashReservationBatch = z.infer<typeof FlashReservationBatch>;

export const FLASH_REFUSALS = ["bad_mac", "unknown_item", "price_mismatch", "no_address", "over_limit"] as const;
export const FlashIngestResult = z.object({
	/** Orders created by this batch. */
	created: z.number().int(),
	/** Reservations that already had their order (a batch sent again). */
	duplicates: z.number().int(),
	/** Reservations the core will not turn into orders; their units go back to a shard. */
	refused: z.array(z.object({ id: z.string(), reason: z.enum(FLASH_REFUSALS) })),
});
export type FlashIngestResult = z.infer<typeof FlashIngestResult>;

/** What the shopper's reservation stands at (GET through the edge, the shopper's own only). */
export const FlashReservationStatus = z.object({
	reservationId: FlashReservationId,
	orderId: z.string(),
	/** null until the core has ingested the reservation (a moment after the buy). */
	status: z.string().nullable(),
	total: z.number().int().nullable(),
	currency: z.string().nullable(),
	expiresAt: z.string().nullable(),
});
export type FlashReservationStatus = z.infer<typeof FlashReservationStatus>;

/** The units of reservations that expired unpaid (or were refused), back to the item's shards. */
export const FlashReturnBatch = z.strictObject({
	itemId: FlashItemId,
	reservations: z
		.array(
			z.strictObject({
				id: FlashReservationId,
				quantity: z.number().int().min(1).max(100),
				/** Whose it was: their shard gives back the allowance it counted (the per-shopper limit). */
				shopper: z.string().min(1).max(100),
			}),
		)
		.max(MAX_FLASH_BATCH),
});
export type FlashReturnBatch = z.infer<typeof FlashReturnBatch>;

/** The order id a reservation becomes (exactly one, derived, so nothing maps one to the other). */
export function flashOrderId(reservationId: string): string {
	return `ord_${reservationId.slice(3)}`;
}
export function isFlashReservationId(id: string): boolean {
	return id.startsWith("fr_");
}

// ---- the storefront's JSON API (edge/src/routes/api-flash.ts) ----------------------------------

export const FlashBuyRequest = z.strictObject({ quantity: z.number().int().min(1).max(100).default(1) });
export type FlashBuyRequest = z.input<typeof FlashBuyRequest>;

/** A shard accepted the buy: the token names the reservation for this shopper only. */
export const FlashBuyAnswer = z.object({
	reservationId: FlashReservationId,
	token: z.string(),
	orderId: z.string(),
	quantity: z.number().int(),
	unitPrice: z.number().int(),
	currency: z.string().nullable(),
	status: z.string(),
	pay: z.string(),
});
export type FlashBuyAnswer = z.infer<typeof FlashBuyAnswer>;

export const FlashSaleInfo = z.object({
	itemId: FlashItemId,
	flashPrice: z.number().int(),
	currency: z.string(),
	quota: z.number().int(),
	perShopperLimit: z.number().int(),
	startsAt: z.string(),
	endsAt: z.string(),
	soldOut: z.boolean(),
});
export type FlashSaleInfo = z.infer<typeof FlashSaleInfo>;

export const FlashPayRequest = z.strictObject({ gateway: z.string().max(40).optional() });
export const FlashPayAnswer = z.object({
	orderId: z.string(),
	paymentId: z.string(),
	redirectUrl: z.string().nullable(),
});
export type FlashPayAnswer = z.infer<typeof FlashPayAnswer>;
