import {
	type DeadLetter,
	EventEnvelope,
	type PendingEntry,
	type PendingSummary,
	SubscribeOptions,
	type SubscribeOptions as SubscribeOptionsInput,
} from "@bazaar/contracts/bus";
import { type SQL, sql } from "drizzle-orm";
import { changes, coalesce, type Database, openDatabase, type TxDb } from "../lib/db";
import { observeHandler } from "../observability/bus";
import {
	type Bus,
	backoffDelay,
	type DeadLetterPage,
	defaultConsumerName,
	type EventHandler,
	errorMessage,
	GROUP_NAME,
	logDeadLetter,
	matchesType,
	RetryLater,
	retryLaterDelay,
	runByKey,
	type Subscription,
	Waiter,
} from "./transport";

// The embedded backend (no REDIS_URL): one bus database (`file:<DATA_DIR>/bus.db`) shared by
// every process on the machine. It holds
//   bus_log        — every published event once (unique by event id), in publish order;
//   bus_groups     — per consumer group: the log position it has been handed up to (cursor);
//   bus_deliveries — per group and event still being worked on: a lease held by one consumer
//                    (state 'leased', lease_until), a scheduled retry ('retry', next_attempt_at)
//                    or a dead letter ('dead'). A finished delivery's row is deleted.
// A consumer claims work in one write transaction (expired leases and due retries first, then new
// log rows past the cursor), so consumers in several processes never get the same event at once;
// a consumer that dies stops renewing its leases and the events go to whoever claims next.
// SQLite commits one writer at a time, so log sequence order is commit order and a cursor never
// skips a row that commits later with a lower number.

const SCHEMA = [
	`CREATE TABLE IF NOT EXISTS bus_log (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		type TEXT NOT NULL,
		key TEXT NOT NULL,
		payload TEXT NOT NULL,
		published_at INTEGER NOT NULL
	)`,
	"CREATE INDEX IF NOT EXISTS bus_log_published_idx ON bus_log (published_at)",
	`CREATE TABLE IF NOT EXISTS bus_groups (
		grp TEXT PRIMARY KEY,
		cursor INTEGER NOT NULL DEFAULT 0,
		types TEXT NOT NULL,
		created_at INTEGER NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS bus_deliveries (
		grp TEXT NOT NULL,
		seq INTEGER NOT NULL,
		state TEXT NOT NULL CHECK (state IN ('leased', 'retry', 'dead')),
		attempts INTEGER NOT NULL DEFAULT 0,
		consumer TEXT,
		lease_until INTEGER NOT NULL DEFAULT 0,
		next_attempt_at INTEGER NOT NULL DEFAULT 0,
		delivered_at INTEGER,
		last_error TEXT,
		dead_at INTEGER,
		PRIMARY KEY (grp, seq)
	) WITHOUT ROWID`,
	"CREATE INDEX IF NOT EXISTS bus_deliveries_state_idx ON bus_deliveries (grp, state, seq)",
	// The staff list of dead letters pages newest first over this (list-dead-letters.ts).
	"CREATE INDEX IF NOT EXISTS bus_deliveries_dead_idx ON bus_deliveries (dead_at, grp, seq) WHERE state = 'dead'",
];

export interface LibsqlBusOptions {
	/** `file:<DATA_DIR>/bus.db`, or a libSQL server URL. */
	url: string;
	/** Log rows every group has moved past are deleted after this long. */
	retainMs?: number;
}

interface Claimed {
	seq: number;
	attempts: number;
	event: EventEnvelope;
}

export async function openLibsqlBus(options: LibsqlBusOptions): Promise<Bus> {
	const database = await openDatabase(options.url, {});
	await database.write(async (tx) => {
		for (const statement of SCHEMA) await tx.run(sql.raw(statement));
	});
	return new LibsqlBus(database, options.retainMs ?? 7 * 24 * 3600_000);
}

const list = (values: readonly (string | number)[]) =>
	sql.join(
		values.map((v) => sql`${v}`),
		sql`, `,
	);

class LibsqlBus implements Bus {
	readonly backend = "libsql" as const;
	private readonly subs: LibsqlConsumer[] = [];
	private started = false;

	constructor(
		private readonly database: Database<Record<string, never>>,
		private readonly retainMs: number,
	) {}

	async publish(events: EventEnvelope[]): Promise<void> {
		if (events.length === 0) return;
		const now = Date.now();
		await this.database.write(async (tx) => {
			// One statement for the lot (SQLite binds at most 32,766 parameters: 5 per event).
			for (let i = 0; i < events.length; i += 1_000) {
				const rows = events
					.slice(i, i + 1_000)
					.map((e) => sql`(${e.id}, ${e.type}, ${e.key}, ${JSON.stringify(e)}, ${now})`);
				await tx.run(sql`INSERT INTO bus_log (id, type, key, payload, published_at)
					VALUES ${sql.join(rows, sql`, `)} ON CONFLICT (id) DO NOTHING`);
			}
		});
		// Consumers in this process that take one of these types need not wait for their next
		// poll; the others would only claim nothing (a write transaction each).
		for (const s of this.subs) if (events.some((e) => s.takes(e.type))) s.wake();
	}

	subscribe(group: string, eventTypes: string[], handler: EventHandler, options: SubscribeOptionsInput = {}): void {
		if (!GROUP_NAME.test(group)) throw new Error(`bad consumer group name ${group}`);
		if (eventTypes.length === 0) throw new Error("subscribe to at least one event type");
		const o = SubscribeOptions.parse(options);
		const sub: Subscription = {
			group,
			eventTypes,
			handler: observeHandler(group, handler),
			options: { ...o, consumer: o.consumer ?? defaultConsumerName() },
		};
		const consumer = new LibsqlConsumer(this.database, sub, this.retainMs);
		this.subs.push(consumer);
		if (this.started) void consumer.start();
	}

	async start(): Promise<void> {
		this.started = true;
		await Promise.all(this.subs.map((s) => s.start()));
	}

	async stop(): Promise<void> {
		this.started = false;
		await Promise.all(this.subs.map((s) => s.stop()));
		await this.database.close();
	}

	async pending(group: string): Promise<PendingSummary> {
		const now = Date.now();
		const rows = await this.database.db.all<{
			seq: number;
			attempts: number;
			consumer: string | null;
			delivered_at: number | null;
			id: string;
			type: string;
		}>(sql`SELECT d.seq, d.attempts, d.consumer, d.delivered_at, l.id, l.type FROM bus_deliveries d
				JOIN bus_log l ON l.seq = d.seq WHERE d.grp = ${group} AND d.state != 'dead' ORDER BY d.seq LIMIT 1000`);
		const entries: PendingEntry[] = rows.map((r) => ({
			group,
			messageId: String(r.seq),
			eventId: String(r.id),
			type: String(r.type),
			consumer: r.consumer === null ? null : String(r.consumer),
			deliveries: Number(r.attempts),
			idleMs: r.delivered_at === null ? null : now - Number(r.delivered_at),
		}));
		const [row] = await this.database.db.all<{ cursor: number; types: string }>(
			sql`SELECT cursor, types FROM bus_groups WHERE grp = ${group}`,
		);
		let lag: number | null = null;
		if (row) {
			const filter = typeFilter(JSON.parse(String(row.types)) as string[]);
			const [res] = await this.database.db.all<{ n: number }>(
				sql`SELECT count(*) AS n FROM bus_log WHERE seq > ${Number(row.cursor)} AND (${filter})`,
			);
			lag = Number(res?.n ?? 0);
		}
		return { group, pending: entries.length, lag, entries };
	}

	async deadLetters(group?: string, page: DeadLetterPage = {}): Promise<DeadLetter[]> {
		const after = page.after
			? sql`AND (d.dead_at, d.grp, d.seq) < (${Date.parse(page.after[0] ?? "")}, ${page.after[1]}, ${Number(page.after[2])})`
			: sql``;
		const rows = await this.database.db.all<{
			grp: string;
			seq: number;
			attempts: number;
			last_error: string | null;
			dead_at: number;
			payload: string;
		}>(sql`SELECT d.grp, d.seq, d.attempts, d.last_error, d.dead_at, l.payload FROM bus_deliveries d
				JOIN bus_log l ON l.seq = d.seq WHERE d.state = 'dead' ${group ? sql`AND d.grp = ${group}` : sql``}
				${page.type ? sql`AND l.type = ${page.type}` : sql``} ${after}
				ORDER BY d.dead_at DESC, d.grp DESC, d.seq DESC LIMIT ${page.limit ?? 1000}`);
		return rows.map((r) => ({
			id: String(r.seq),
			group: String(r.grp),
			event: EventEnvelope.parse(JSON.parse(String(r.payload))),
			deliveries: Number(r.attempts),
			lastError: r.last_error === null ? null : String(r.last_error),
			deadAt: new Date(Number(r.dead_at)).toISOString(),
		}));
	}

	async countDeadLetters(group: string): Promise<number> {
		const [row] = await this.database.db.all<{ n: number }>(
			sql`SELECT count(*) AS n FROM bus_deliveries WHERE grp = ${group} AND state = 'dead'`,
		);
		return Number(row?.n ?? 0);
	}

	async replayDeadLetter(group: string, deadLetterId: string): Promise<boolean> {
		const res = await this.database.write((tx) =>
			tx.run(sql`UPDATE bus_deliveries SET state = 'retry', attempts = 0, next_attempt_at = 0, dead_at = NULL, consumer = NULL
				WHERE grp = ${group} AND seq = ${Number(deadLetterId)} AND state = 'dead'`),
		);
		for (const s of this.subs) if (s.group === group) s.wake();
		return changes(res) > 0;
	}
}

/** Events of other types a group may leave behind its cursor before it records skipping them. */
const SKIP_RECORD_AFTER = 256;

function typeFilter(patterns: string[]): SQL {
	// Types are [a-z0-9_.], none of them GLOB metacharacters.
	const parts = patterns.map((p) => (p.endsWith(".*") ? sql`type GLOB ${p}` : sql`type = ${p}`));
	return sql.join(parts, sql` OR `);
}

class LibsqlConsumer {
	private running = false;
	private loopDone: Promise<void> | null = null;
	private readonly waiter = new Waiter();
	private readonly inFlight = new Set<number>();
	private lastPrune = 0;

	/** Acknowledges a finished delivery; acks finishing together share one statement. */
	private readonly ack: (seq: number) => Promise<void>;

	constructor(
		private readonly database: Database<Record<string, never>>,
		private readonly sub: Subscription,
		private readonly retainMs: number,
	) {
		this.ack = coalesce<number, void>(database, async (tx, seqs) => {
			await tx.run(sql`DELETE FROM bus_deliveries WHERE grp = ${sub.group} AND consumer = ${sub.options.consumer}
				AND state = 'leased' AND seq IN (SELECT value FROM json_each(${JSON.stringify(seqs)}))`);
			return seqs.map(() => ({ ok: true, value: undefined }));
		});
	}

	private write(statement: SQL) {
		return this.database.write((tx) => tx.run(statement));
	}

	get group(): string {
		return this.sub.group;
	}

	wake(): void {
		this.waiter.wake();
	}

	takes(type: string): boolean {
		return matchesType(this.sub.eventTypes, type);
	}

	async start(): Promise<void> {
		if (this.running) return;
		await this.write(sql`INSERT INTO bus_groups (grp, cursor, types, created_at)
			VALUES (${this.sub.group}, 0, ${JSON.stringify(this.sub.eventTypes)}, ${Date.now()})
			ON CONFLICT (grp) DO UPDATE SET types = excluded.types`);
		this.running = true;
		this.loopDone = this.loop();
	}

	async stop(): Promise<void> {
		this.running = false;
		this.waiter.wake();
		await this.loopDone;
	}

	private async loop(): Promise<void> {
		const o = this.sub.options;
		const heartbeat = setInterval(() => void this.renewLeases(), Math.max(20, Math.floor(o.idleTimeoutMs / 3)));
		try {
			while (this.running) {
				let claimed: Claimed[] = [];
				try {
					claimed = await this.claim();
					if (claimed.length > 0)
						await runByKey(
							claimed,
							(c) => c.event.key,
							(c) => this.deliver(c),
						);
					await this.prune();
				} catch (err) {
					console.error(`[bus:${this.sub.group}] claim failed:`, errorMessage(err));
				}
				if (claimed.length < o.batchSize && this.running) await this.waiter.wait(o.pollMs);
			}
		} finally {
			clearInterval(heartbeat);
		}
	}

	/**
	 * Whether a claim would find anything — a read, so an idle group polls without writing: a
	 * delivery due again, an event of its types among the next rows past its cursor, or a stretch of
	 * other types long enough that the claim should record skipping it (the scan stays bounded).
	 */
	private async waiting(filter: SQL): Promise<boolean> {
		const group = this.sub.group;
		const now = Date.now();
		const cursor = sql`(SELECT cursor FROM bus_groups WHERE grp = ${group})`;
		const [row] = await this.database.db.all(sql`SELECT 1 WHERE EXISTS (
				SELECT 1 FROM bus_deliveries WHERE grp = ${group}
					AND ((state = 'retry' AND next_attempt_at <= ${now}) OR (state = 'leased' AND lease_until <= ${now})))
			OR EXISTS (SELECT 1 FROM (SELECT type FROM bus_log WHERE seq > ${cursor} ORDER BY seq LIMIT ${SKIP_RECORD_AFTER})
				WHERE ${filter})
			OR (SELECT coalesce(MAX(seq), 0) FROM bus_log) - ${cursor} >= ${SKIP_RECORD_AFTER}`);
		return row !== undefined;
	}

	private async claim(): Promise<Claimed[]> {
		const { group, eventTypes, options: o } = this.sub;
		const filter = typeFilter(eventTypes);
		if (!(await this.waiting(filter))) return [];
		return this.database.write(async (tx: TxDb) => {
			const now = Date.now();
			const leaseUntil = now + o.idleTimeoutMs;
			// 1. Deliveries due again: retries whose backoff elapsed, leases a dead consumer let lapse.
			const again = await tx.all<{ seq: number; attempts: number }>(sql`UPDATE bus_deliveries
				SET state = 'leased', consumer = ${o.consumer}, lease_until = ${leaseUntil}, attempts = attempts + 1,
					delivered_at = ${now}
				WHERE grp = ${group} AND seq IN (
					SELECT seq FROM bus_deliveries WHERE grp = ${group}
						AND ((state = 'retry' AND next_attempt_at <= ${now}) OR (state = 'leased' AND lease_until <= ${now}))
					ORDER BY seq LIMIT ${o.batchSize})
				RETURNING seq, attempts`);
			const rows = again.map((r) => ({ seq: Number(r.seq), attempts: Number(r.attempts) }));
			// 2. New events past the group's cursor, up to the log's head as it stands in this
			// transaction. When fewer than `room` match, every event up to the head has been looked
			// at, so the cursor moves to the head: events of types this group does not take are
			// skipped once, not scanned again on every poll (that made each claim O(log length)).
			const room = o.batchSize - rows.length;
			if (room > 0) {
				const [mark] = await tx.all<{ cursor: number; head: number }>(
					sql`SELECT g.cursor AS cursor, (SELECT COALESCE(MAX(seq), 0) FROM bus_log) AS head
						FROM bus_groups g WHERE g.grp = ${group}`,
				);
				const cursor = Number(mark?.cursor ?? 0);
				const head = Number(mark?.head ?? 0);
				if (head > cursor) {
					const fresh = await tx.all<{ seq: number }>(sql`INSERT INTO bus_deliveries
							(grp, seq, state, attempts, consumer, lease_until, delivered_at)
						SELECT ${group}, seq, 'leased', 1, ${o.consumer}, ${leaseUntil}, ${now} FROM bus_log
						WHERE seq > ${cursor} AND seq <= ${head} AND (${filter})
						ORDER BY seq LIMIT ${room}
						RETURNING seq`);
					const seqs = fresh.map((r) => Number(r.seq));
					const next = seqs.length < room ? head : Math.max(...seqs);
					// With nothing claimed, moving the cursor is only worth a durable write once the
					// skipped stretch is long enough to cost more to rescan than to record.
					if (seqs.length > 0 || next - cursor >= SKIP_RECORD_AFTER) {
						await tx.run(sql`UPDATE bus_groups SET cursor = ${next} WHERE grp = ${group}`);
					}
					for (const seq of seqs) rows.push({ seq, attempts: 1 });
				}
			}
			if (rows.length === 0) return [];
			const payloads = await tx.all<{ seq: number; payload: string }>(
				sql`SELECT seq, payload FROM bus_log WHERE seq IN (${list(rows.map((r) => r.seq))})`,
			);
			const bySeq = new Map(payloads.map((r) => [Number(r.seq), String(r.payload)]));
			return rows
				.sort((a, b) => a.seq - b.seq)
				.map((r) => ({ ...r, event: EventEnvelope.parse(JSON.parse(bySeq.get(r.seq) ?? "null")) }));
		});
	}

	private async deliver(c: Claimed): Promise<void> {
		const o = this.sub.options;
		// A lease that lapsed past the last allowed delivery (its consumers kept crashing) is dead
		// without running the handler again.
		if (c.attempts > o.maxDeliveries) {
			await this.fail(c, "delivery limit reached (consumers crashed or timed out)");
			return;
		}
		this.inFlight.add(c.seq);
		try {
			await this.sub.handler(c.event, { group: this.sub.group, deliveries: c.attempts, messageId: String(c.seq) });
		} catch (err) {
			this.inFlight.delete(c.seq);
			await this.fail(c, errorMessage(err), err instanceof RetryLater).catch((e) =>
				console.error(`[bus:${this.sub.group}] could not record failure:`, errorMessage(e)),
			);
			return;
		}
		this.inFlight.delete(c.seq);
		// The acknowledgement: the handler's change is committed, the delivery is finished.
		await this.ack(c.seq).catch((err) =>
			console.error(`[bus:${this.sub.group}] ack failed (will redeliver):`, errorMessage(err)),
		);
	}

	private async fail(c: Claimed, message: string, waiting = false): Promise<void> {
		const o = this.sub.options;
		const now = Date.now();
		const where = sql`WHERE grp = ${this.sub.group} AND seq = ${c.seq} AND consumer = ${o.consumer} AND state = 'leased'`;
		if (waiting) {
			// Not a failed delivery: the attempt is given back, so the event never runs out of them.
			await this.write(sql`UPDATE bus_deliveries SET state = 'retry', attempts = max(attempts - 1, 0),
					next_attempt_at = ${now + retryLaterDelay(c.event.occurredAt, o, now)}, last_error = ${message} ${where}`);
			return;
		}
		const dead = c.attempts >= o.maxDeliveries;
		if (dead) logDeadLetter(this.sub.group, c.event.type, c.event.id, c.attempts, message);
		await this.write(
			dead
				? sql`UPDATE bus_deliveries SET state = 'dead', dead_at = ${now}, last_error = ${message} ${where}`
				: sql`UPDATE bus_deliveries SET state = 'retry', next_attempt_at = ${now + backoffDelay(c.attempts, o)},
					last_error = ${message} ${where}`,
		);
	}

	/** Keeps the leases of long-running handlers, so only a dead consumer's events move on. */
	private async renewLeases(): Promise<void> {
		if (this.inFlight.size === 0) return;
		const seqs = [...this.inFlight];
		await this.write(
			sql`UPDATE bus_deliveries SET lease_until = ${Date.now() + this.sub.options.idleTimeoutMs}
				WHERE grp = ${this.sub.group} AND consumer = ${this.sub.options.consumer} AND state = 'leased'
				AND seq IN (${list(seqs)})`,
		).catch((err) => console.error(`[bus:${this.sub.group}] lease renewal failed:`, errorMessage(err)));
	}

	private async prune(): Promise<void> {
		const now = Date.now();
		if (now - this.lastPrune < 60_000) return;
		this.lastPrune = now;
		await this.write(sql`DELETE FROM bus_log WHERE published_at < ${now - this.retainMs}
				AND seq <= (SELECT coalesce(min(cursor), 0) FROM bus_groups)
				AND seq NOT IN (SELECT seq FROM bus_deliveries)`);
	}
}
