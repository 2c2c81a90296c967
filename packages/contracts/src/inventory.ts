import { z } from "zod";

// The inventory's requests, responses and events. Types are inferred from
// these schemas, never written twice.

export const Sku = z
	.string()
	.trim()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9._-]+$/, "letters, digits, . _ -");

export const Warehouse = z
	.string()
	.min(1)
	.max(32)
	.regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, _ -");
export const DEFAULT_WAREHOUSE = "main";

/** A service's time slot, named by its start (UTC); normalised so one slot has one spelling. */
export const Slot = z.iso
	.datetime({ message: "a UTC date-time such as 2026-12-01T10:00:00Z" })
	.transform((v) => new Date(v).toISOString());

/** Ids other modules choose (order ids, flash-sale reservation ids). */
export const ExternalId = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ -");

export const Policy = z.enum(["tracked", "unlimited", "capacity"]);
export type Policy = z.infer<typeof Policy>;
/** returned: a committed (sold) reservation whose units came back to stock (a refund with restock). */
export const ReservationStatus = z.enum(["active", "committed", "released", "expired", "returned"]);
export type ReservationStatus = z.infer<typeof ReservationStatus>;
export const MovementKind = z.enum([
	"received",
	"adjusted",
	"reserved",
	"released",
	"committed",
	"expired",
	"returned",
]);
export type MovementKind = z.infer<typeof MovementKind>;

export const MAX_LINE_QUANTITY = 999;
export const MAX_LINES = 100;
export const MAX_TTL_SECONDS = 86_400;
const MAX_STOCK_MOVE = 1_000_000;

// ---- admin ------------------------------------------------------------------------------------

export const DefineSkuRequest = z
	.object({
		policy: Policy,
		/** Required for `capacity`: what each time slot holds when first booked. */
		slotCapacity: z.number().int().min(0).max(MAX_STOCK_MOVE).optional(),
	})
	.strict()
	.superRefine((v, ctx) => {
		if (v.policy === "capacity" && v.slotCapacity === undefined) {
			ctx.addIssue({ code: "custom", path: ["slotCapacity"], message: "a capacity SKU needs a slotCapacity" });
		}
		if (v.policy !== "capacity" && v.slotCapacity !== undefined) {
			ctx.addIssue({ code: "custom", path: ["slotCapacity"], message: "only capacity SKUs have a slotCapacity" });
		}
	});
export type DefineSkuRequest = z.infer<typeof DefineSkuRequest>;

export const ReceiveStockRequest = z
	.object({
		quantity: z.number().int().min(1).max(MAX_STOCK_MOVE),
		warehouse: Warehouse.default(DEFAULT_WAREHOUSE),
		/** Capacity SKUs only: the slot whose capacity grows. */
		slot: Slot.optional(),
		/** E.g. a purchase order or delivery note. */
		reason: z.string().trim().min(1).max(500).optional(),
	})
	.strict();
export type ReceiveStockRequest = z.infer<typeof ReceiveStockRequest>;

export const AdjustStockRequest = z
	.object({
		/** Units added (> 0) or removed (< 0): shrinkage, damage, a recount. */
		delta: z
			.number()
			.int()
			.min(-MAX_STOCK_MOVE)
			.max(MAX_STOCK_MOVE)
			.refine((n) => n !== 0, "must not be 0"),
		reason: z.string().trim().min(1).max(500),
		warehouse: Warehouse.default(DEFAULT_WAREHOUSE),
		slot: Slot.optional(),
	})
	.strict();
export type AdjustStockRequest = z.infer<typeof AdjustStockRequest>;

export const StockRow = z.object({
	warehouse: z.string(),
	slot: z.string().nullable(),
	onHand: z.number().int(),
	reserved: z.number().int(),
	sold: z.number().int(),
	/** null: unlimited. */
	available: z.number().int().nullable(),
});
export type StockRow = z.infer<typeof StockRow>;

export const SkuStock = z.object({
	sku: z.string(),
	policy: Policy,
	slotCapacity: z.number().int().nullable(),
	rows: z.array(StockRow),
});
export type SkuStock = z.infer<typeof SkuStock>;

export const LedgerEntry = z.object({
	id: z.number().int(),
	at: z.string(),
	sku: z.string(),
	warehouse: z.string(),
	slot: z.string().nullable(),
	kind: MovementKind,
	quantity: z.number().int(),
	reservationId: z.string().nullable(),
	reason: z.string().nullable(),
	actor: z.string().nullable(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const LedgerQuery = z.object({
	after: z.coerce.number().int().min(0).default(0),
	limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type LedgerQuery = z.infer<typeof LedgerQuery>;

/** Staff: the SKUs to check against their ledger (repeat `sku`); none: every SKU. */
export const ReconcileQuery = z.object({
	sku: z.union([z.string(), z.array(z.string())]).optional(),
});
export type ReconcileQuery = z.infer<typeof ReconcileQuery>;

export const LedgerPage = z.object({
	sku: z.string(),
	entries: z.array(LedgerEntry),
	/** Pass as `after` for the next page; null at the end. */
	next: z.number().int().nullable(),
});
export type LedgerPage = z.infer<typeof LedgerPage>;

/** One stock row checked against its ledger and its reservations. */
export const BalanceRow = z.object({
	sku: z.string(),
	warehouse: z.string(),
	slot: z.string().nullable(),
	bounded: z.boolean(),
	onHand: z.number().int(),
	reserved: z.number().int(),
	sold: z.number().int(),
	available: z.number().int().nullable(),
	ledger: z.object({
		received: z.number().int(),
		adjusted: z.number().int(),
		reserved: z.number().int(),
		released: z.number().int(),
		expired: z.number().int(),
		committed: z.number().int(),
		returned: z.number().int(),
	}),
	/** Units on reservation lines by reservation status. */
	held: z.object({ active: z.number().int(), committed: z.number().int() }),
	balanced: z.boolean(),
});
export type BalanceRow = z.infer<typeof BalanceRow>;

export const Reconciliation = z.object({
	balanced: z.boolean(),
	rows: z.array(BalanceRow),
	/** Ledger entries or reservation lines that point at no stock row (always 0 when sound). */
	orphans: z.number().int(),
});
export type Reconciliation = z.infer<typeof Reconciliation>;

// ---- reservations -----------------------------------------------------------------------------

export const ReserveLine = z
	.object({
		sku: Sku,
		quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
		/** Capacity SKUs (services) only: the time slot booked. */
		slot: Slot.optional(),
	})
	.strict();
export type ReserveLine = z.infer<typeof ReserveLine>;

export const ReserveRequest = z
	.object({
		orderId: ExternalId,
		/** Optional: a flash-sale shard names its reservation; otherwise one is made. */
		reservationId: ExternalId.optional(),
		lines: z.array(ReserveLine).min(1).max(MAX_LINES),
		ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS).optional(),
	})
	.strict();
export type ReserveRequest = z.infer<typeof ReserveRequest>;

/** POST /inventory/reservations/:id/return: a sold order's units back to stock. */
export const ReturnRequest = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export type ReturnRequest = z.infer<typeof ReturnRequest>;

export const ReservedLine = z.object({ sku: z.string(), slot: z.string().nullable(), quantity: z.number().int() });
export type ReservedLine = z.infer<typeof ReservedLine>;

export const Allocation = ReservedLine.extend({ warehouse: z.string() });
export type Allocation = z.infer<typeof Allocation>;

export const Reservation = z.object({
	id: z.string(),
	orderId: z.string(),
	status: ReservationStatus,
	expiresAt: z.string(),
	createdAt: z.string(),
	updatedAt: z.string(),
	/** What was asked for, lines of the same SKU and slot summed. */
	lines: z.array(ReservedLine),
	/** Where the units are held. */
	allocations: z.array(Allocation),
});
export type Reservation = z.infer<typeof Reservation>;

// ---- availability -----------------------------------------------------------------------------

export const AvailabilityItem = z.object({ sku: Sku, slot: Slot.optional() });
export type AvailabilityItem = z.infer<typeof AvailabilityItem>;
export const MAX_AVAILABILITY_ITEMS = 200;
export const AvailabilityRequest = z.array(AvailabilityItem).min(1).max(MAX_AVAILABILITY_ITEMS);

/** `?sku=A&sku=B@2026-12-01T10:00:00Z` (a slot after "@"; SKUs never contain "@"). */
export function parseAvailabilityQuery(params: URLSearchParams) {
	const items = params.getAll("sku").map((raw) => {
		const at = raw.indexOf("@");
		return at === -1 ? { sku: raw } : { sku: raw.slice(0, at), slot: raw.slice(at + 1) };
	});
	return AvailabilityRequest.safeParse(items);
}

export const Availability = z.object({
	sku: z.string(),
	slot: z.string().nullable(),
	policy: Policy,
	/** Units that can be reserved now; null when unlimited. */
	available: z.number().int().nullable(),
});
export type Availability = z.infer<typeof Availability>;
export const AvailabilityList = z.object({ items: z.array(Availability) });
export type AvailabilityList = z.infer<typeof AvailabilityList>;

// ---- problems ---------------------------------------------------------------------------------

export const Shortage = z.object({
	sku: z.string(),
	slot: z.string().nullable(),
	requested: z.number().int(),
	available: z.number().int(),
});
export type Shortage = z.infer<typeof Shortage>;
export const OUT_OF_STOCK_TYPE = "https://bazaar.dev/problems/out-of-stock";

// ---- events (emitted in the same transaction as the change; the bus delivers them) ------------

// The bus's envelope (core/src/bus EventEnvelope): `source` and `key` included, so an event can
// be handed to the bus's emit() as it is. Reservation events are keyed by order id (one order's
// events stay in order); availability changes share one key so they apply in order too.
export const AVAILABILITY_KEY = "inventory.availability";
const EventBase = {
	id: z.string(),
	occurredAt: z.string(),
	source: z.literal("inventory"),
	key: z.string(),
};

// No event for a reservation made: its order already records it, nothing listens, and at a flash
// sale's rate it would be a bus message per unit sold.
export const InventoryReleased = z.object({
	...EventBase,
	type: z.literal("inventory.released"),
	data: z.object({
		reservationId: z.string(),
		orderId: z.string(),
		/** released: cancelled by a caller; expired: not paid in time. */
		reason: z.enum(["released", "expired"]),
		lines: z.array(ReservedLine),
	}),
});
export const InventoryCommitted = z.object({
	...EventBase,
	type: z.literal("inventory.committed"),
	data: z.object({ reservationId: z.string(), orderId: z.string(), lines: z.array(ReservedLine) }),
});
/** Sold units of an order came back to stock (a refund with restock). */
export const InventoryReturned = z.object({
	...EventBase,
	type: z.literal("inventory.returned"),
	data: z.object({ reservationId: z.string(), orderId: z.string(), lines: z.array(ReservedLine) }),
});
export const InventoryAvailabilityChanged = z.object({
	...EventBase,
	type: z.literal("inventory.availability_changed"),
	data: z.object({ items: z.array(Availability) }),
});
export const InventoryEvent = z.discriminatedUnion("type", [
	InventoryReleased,
	InventoryCommitted,
	InventoryReturned,
	InventoryAvailabilityChanged,
]);
export type InventoryEvent = z.infer<typeof InventoryEvent>;
export type InventoryEventType = InventoryEvent["type"];
