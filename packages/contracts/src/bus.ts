import { z } from "zod";
import { listPage, listQuery } from "./list";

// What travels on the bus. Producers build an envelope with `emit()`; consumers receive it
// unchanged on either backend.

/** `order.placed`, `shipment.delivered`, `inventory.stock.adjusted`: lowercase dotted words. */
export const EventType = z
	.string()
	.max(100)
	.regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, "dotted lowercase words, at least two (domain.name)");
export type EventType = z.infer<typeof EventType>;

/** A subscription names exact types or a whole domain prefix: `order.paid`, `order.*`. */
export const EventTypePattern = z.union([EventType, z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.\*$/)]);

export const EventEnvelope = z.object({
	/** Globally unique (`evt_<ULID>`); consumers de-duplicate on it. */
	id: z.string().min(1).max(100),
	type: EventType,
	occurredAt: z.iso.datetime(),
	/** The module that emitted it (`order`, `inventory`, …). */
	source: z.string().regex(/^[a-z][a-z0-9_-]*$/),
	/** The aggregate it is about (an order id, a SKU): the unit of ordering and partitioning. */
	key: z.string().min(1).max(200),
	data: z.record(z.string(), z.unknown()),
	/** The request that caused it (its `x-request-id`), so its consumers' log lines name it too. */
	requestId: z.string().max(100).optional(),
	/** W3C trace context of the code that emitted it: its consumers' spans continue that trace. */
	traceparent: z
		.string()
		.regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
		.optional(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** What a producer passes to `emit()`; id and time are filled in unless given (tests, imports). */
export const EventInput = EventEnvelope.extend({
	id: EventEnvelope.shape.id.optional(),
	occurredAt: EventEnvelope.shape.occurredAt.optional(),
});
export type EventInput = z.input<typeof EventInput>;

/** An envelope whose `data` is checked against a module's own schema (e.g. OrderPlaced). */
export function typedEnvelope<T extends z.ZodType>(type: string, data: T) {
	return EventEnvelope.extend({ type: z.literal(type), data });
}

/** Per-subscription tuning; defaults suit production, tests shorten the timings. */
export const SubscribeOptions = z.object({
	/** Deliveries (first try included) before the event goes to the dead letters. */
	maxDeliveries: z.number().int().min(1).max(100).default(5),
	/** Retry n waits min(maxBackoffMs, backoffMs · 2^(n-1)), ±20 % jitter. */
	backoffMs: z.number().int().min(1).default(500),
	maxBackoffMs: z.number().int().min(1).default(60_000),
	/**
	 * A delivery not acknowledged (nor kept alive by its consumer's heartbeat) for this long
	 * belongs to a crashed consumer and is handed to another one (XAUTOCLAIM / lease expiry).
	 */
	idleTimeoutMs: z.number().int().min(50).default(30_000),
	/** Events fetched per round. Events with different keys run concurrently, one key in order. */
	batchSize: z.number().int().min(1).max(1_000).default(50),
	/** libSQL: poll interval when idle. Redis: how long XREADGROUP blocks. */
	pollMs: z.number().int().min(5).default(500),
	/** Defaults to `<host>-<pid>-<random>`; each process must have its own. */
	consumer: z.string().min(1).max(200).optional(),
});
export type SubscribeOptions = z.input<typeof SubscribeOptions>;
export type ResolvedSubscribeOptions = z.output<typeof SubscribeOptions>;

/** A delivery in progress or waiting for its retry (admin inspection). */
export const PendingEntry = z.object({
	group: z.string(),
	/** The transport's id for this copy (Redis stream entry id, or the libSQL log sequence). */
	messageId: z.string(),
	eventId: z.string(),
	type: z.string(),
	consumer: z.string().nullable(),
	deliveries: z.number().int(),
	idleMs: z.number().int().nullable(),
});
export type PendingEntry = z.infer<typeof PendingEntry>;

export const PendingSummary = z.object({
	group: z.string(),
	/** Delivered and not yet acknowledged (in flight or waiting for a retry). */
	pending: z.number().int(),
	/** Published but not yet delivered to this group, where the backend can tell. */
	lag: z.number().int().nullable(),
	entries: z.array(PendingEntry),
});
export type PendingSummary = z.infer<typeof PendingSummary>;

export const DeadLetter = z.object({
	/** Pass to `replayDeadLetter`. */
	id: z.string(),
	group: z.string(),
	event: EventEnvelope,
	deliveries: z.number().int(),
	lastError: z.string().nullable(),
	deadAt: z.iso.datetime(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/** A consumer group's name: `order`, `order-refunds`, `payment-conflicts`. */
export const GROUP_NAME = /^[a-z][a-z0-9_.-]{0,99}$/;
export const GroupName = z.string().regex(GROUP_NAME, "a consumer group such as order-refunds");

/** GET /bus/admin/dead-letters (the edge's /api/admin/bus/dead-letters): newest first, by group and event type. */
export const DeadLetterQuery = listQuery({ group: GroupName.optional(), type: EventType.optional() });
export type DeadLetterQuery = z.infer<typeof DeadLetterQuery>;
export const DeadLetterList = listPage(DeadLetter);
export type DeadLetterList = z.infer<typeof DeadLetterList>;

/** POST /bus/admin/dead-letters/:group/:id/replay: the dead letter goes back to its group. */
export const DeadLetterReplayed = z.object({ replayed: z.literal(true), group: z.string(), id: z.string() });
export type DeadLetterReplayed = z.infer<typeof DeadLetterReplayed>;
