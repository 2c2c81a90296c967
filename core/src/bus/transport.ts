import { hostname } from "node:os";
import type {
	DeadLetter,
	EventEnvelope,
	PendingSummary,
	ResolvedSubscribeOptions,
	SubscribeOptions,
} from "@bazaar/contracts/bus";

// The one interface both backends (Redis Streams, libSQL) implement. Delivery is at-least-once:
// an event is acknowledged only after its handler returned, so handlers commit their change
// first (use `handleOnce` to make a redelivery change nothing).

export interface DeliveryInfo {
	group: string;
	/** 1 on the first delivery; counts crashed deliveries too. */
	deliveries: number;
	/** The transport's id for this copy (stream entry id, log sequence). */
	messageId: string;
}

/** Resolves once the event's effect is committed; throws to have it retried later. */
export type EventHandler = (event: EventEnvelope, delivery: DeliveryInfo) => Promise<void>;

export interface Bus {
	readonly backend: "redis" | "libsql";
	/** Durably accepts the events (resolves only then). Publishing one id twice delivers it once where the
	 * backend can tell (libSQL: always; Redis: within the dedup window). */
	publish(events: EventEnvelope[]): Promise<void>;
	/**
	 * Delivers events whose type matches `eventTypes` (exact, or a `domain.*` prefix) to ONE consumer
	 * of `group` (several processes subscribing with one group share the work). Each group gets every
	 * event published after it was first created, and on libSQL/Redis alike everything still retained.
	 */
	subscribe(group: string, eventTypes: string[], handler: EventHandler, options?: SubscribeOptions): void;
	start(): Promise<void>;
	/** Stops fetching, lets running handlers finish and acknowledge, then closes connections. */
	stop(): Promise<void>;
	pending(group: string): Promise<PendingSummary>;
	/**
	 * Dead letters newest first, (died at, group, id) descending, paged in storage: at most
	 * `page.limit` (1,000 by default) after the key `page.after` (a previous row's `deadLetterKey`).
	 */
	deadLetters(group?: string, page?: DeadLetterPage): Promise<DeadLetter[]>;
	/** How many dead letters a group holds (the /metrics gauge), counted in storage. */
	countDeadLetters(group: string): Promise<number>;
	/** Puts a dead letter back for its group only, with a fresh delivery count. False if unknown. */
	replayDeadLetter(group: string, deadLetterId: string): Promise<boolean>;
}

export interface Subscription {
	group: string;
	eventTypes: string[];
	handler: EventHandler;
	options: ResolvedSubscribeOptions & { consumer: string };
}

export { GROUP_NAME } from "@bazaar/contracts/bus";

export function matchesType(patterns: readonly string[], type: string): boolean {
	return patterns.some((p) => (p.endsWith(".*") ? type.startsWith(p.slice(0, -1)) : p === type));
}

/** The first word of a type (`order` for `order.placed`): the unit the Redis backend streams by. */
export function domainOf(typeOrPattern: string): string {
	return typeOrPattern.split(".")[0] ?? typeOrPattern;
}

/**
 * Thrown by a handler whose event waits for something still in flight (the other event it needs
 * has not been applied yet, a record another handler is about to create): the delivery is retried
 * with a backoff that grows with the event's age (capped at `maxBackoffMs`), and this never counts
 * toward `maxDeliveries` — the event is not dead-lettered while what it waits for can still come.
 * A handler decides each time: when the wait can no longer end, it throws an ordinary error.
 */
export class RetryLater extends Error {
	override name = "RetryLater";
}

/** How long a RetryLater waits: half the event's age, between backoffMs and maxBackoffMs, ±20 %. */
export function retryLaterDelay(
	occurredAt: string,
	o: Pick<ResolvedSubscribeOptions, "backoffMs" | "maxBackoffMs">,
	now = Date.now(),
): number {
	const age = Math.max(0, now - Date.parse(occurredAt));
	const base = Math.min(o.maxBackoffMs, Math.max(o.backoffMs, Number.isFinite(age) ? age / 2 : o.backoffMs));
	return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The one log line of a dead letter: at error level, naming the group, the event and why. */
export function logDeadLetter(
	group: string,
	type: string | undefined,
	eventId: string,
	deliveries: number,
	why: string,
) {
	console.error(`[bus:${group}] DEAD LETTER ${type ?? "?"} ${eventId} after ${deliveries} deliveries: ${why}`);
}

export function backoffDelay(deliveries: number, o: Pick<ResolvedSubscribeOptions, "backoffMs" | "maxBackoffMs">) {
	const base = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** Math.max(0, Math.min(30, deliveries - 1)));
	return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function defaultConsumerName(): string {
	return `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export function errorMessage(err: unknown): string {
	return (err instanceof Error ? err.message : String(err)).slice(0, 1_000);
}

/**
 * Runs `fn` over the items, one key at a time in arrival order (so one aggregate's events are
 * applied in order within a batch) and different keys concurrently.
 */
export async function runByKey<T>(items: T[], keyOf: (item: T) => string, fn: (item: T) => Promise<void>) {
	const lanes = new Map<string, T[]>();
	for (const item of items) {
		const key = keyOf(item);
		const lane = lanes.get(key);
		if (lane) lane.push(item);
		else lanes.set(key, [item]);
	}
	await Promise.all(
		[...lanes.values()].map(async (lane) => {
			for (const item of lane) await fn(item);
		}),
	);
}

/** A sleep that `wake()` cuts short (new events published in this process, or stop()). */
export class Waiter {
	private wakeFn: (() => void) | null = null;
	private woken = false;

	wait(ms: number): Promise<void> {
		if (this.woken) {
			this.woken = false;
			return Promise.resolve();
		}
		return new Promise((resolve) => {
			const timer = setTimeout(done, ms);
			const self = this;
			function done() {
				clearTimeout(timer);
				self.wakeFn = null;
				resolve();
			}
			this.wakeFn = done;
		});
	}

	wake(): void {
		if (this.wakeFn) this.wakeFn();
		else this.woken = true;
	}

	/** Forgets a wake that came while nobody waited (a backoff must not be cut short by it). */
	clear(): void {
		this.woken = false;
	}
}

/** One page's worth of the dead-letter list: `after` is the last row's `deadLetterKey`. */
export interface DeadLetterPage {
	type?: string | undefined;
	after?: readonly string[] | null;
	limit?: number;
}

/** A dead letter's place in the newest-first order: (died at, group, id). */
export const deadLetterKey = (d: DeadLetter): [string, string, string] => [d.deadAt, d.group, d.id];
