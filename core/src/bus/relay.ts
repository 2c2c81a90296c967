import { EventEnvelope } from "@bazaar/contracts/bus";
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../lib/db";
import { errorMessage, Waiter } from "./transport";

// Moves committed rows of one producer database's bus_outbox to the bus (at-least-once). It wakes
// after every commit of that database (the writer's afterCommit), looks on the read connection
// whether anything is waiting, and only then claims — so an idle database costs no writes, and
// modules need not tell it when they emitted.
// A batch is claimed with a lease (UPDATE … RETURNING, so relays of several instances sharing the
// database get disjoint rows), published, and marked sent only after the transport accepted it.
// A crash anywhere in between leaves the rows unsent: once the lease lapses, a relay publishes them
// again. The transport drops a re-published id (libSQL always; Redis within its dedup window) and
// consumers' inboxes absorb whatever still gets through twice.

export interface BusRelayOptions {
	/** The producer module's database. */
	database: Database<Record<string, unknown>>;
	/** A safety poll for rows a crashed process left leased; commits here wake the relay at once. */
	/** Anything with the bus's publish(); the relay never needs more. */
	bus: { publish(events: EventEnvelope[]): Promise<void> };
	pollMs?: number;
	batchSize?: number;
	/** How long a claimed batch is reserved for this relay (a crash frees it after this). */
	leaseMs?: number;
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** Sent rows older than this are deleted. */
	retainMs?: number;
}

export interface ClaimedBatch {
	seqs: number[];
	events: EventEnvelope[];
}

export class BusRelay {
	private readonly o: Required<BusRelayOptions>;
	private running = false;
	private loopDone: Promise<void> | null = null;
	private readonly waiter = new Waiter();
	private backoffMs = 0;
	private lastFailure: string | null = null;
	private lastPrune = 0;
	private unsubscribe: () => void = () => {};
	readonly stats = { sent: 0, failedPublishes: 0 };

	constructor(options: BusRelayOptions) {
		this.o = {
			pollMs: 5_000,
			batchSize: 200,
			leaseMs: 30_000,
			minBackoffMs: 250,
			maxBackoffMs: 30_000,
			retainMs: 24 * 3600_000,
			...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as BusRelayOptions),
		};
	}

	/** Takes up to batchSize unsent rows, oldest first, for this relay only (until the lease lapses). */
	async claim(): Promise<ClaimedBatch> {
		const now = Date.now();
		const [waiting] = await this.o.database.db.all(
			sql`SELECT 1 FROM bus_outbox WHERE sent_at IS NULL AND lease_until < ${now} LIMIT 1`,
		);
		if (!waiting) return { seqs: [], events: [] };
		const claimed = await this.o.database.write((tx) =>
			tx.all<{ seq: number; payload: string }>(sql`UPDATE bus_outbox SET lease_until = ${now + this.o.leaseMs},
					attempts = attempts + 1
				WHERE seq IN (SELECT seq FROM bus_outbox WHERE sent_at IS NULL AND lease_until < ${now}
					ORDER BY seq LIMIT ${this.o.batchSize})
				RETURNING seq, payload`),
		);
		const rows = [...claimed].sort((a, b) => Number(a.seq) - Number(b.seq));
		return {
			seqs: rows.map((r) => Number(r.seq)),
			events: rows.map((r) => EventEnvelope.parse(JSON.parse(String(r.payload)))),
		};
	}

	async markSent(batch: ClaimedBatch): Promise<void> {
		await this.write(
			sql`UPDATE bus_outbox SET sent_at = ${Date.now()}, last_error = NULL WHERE seq IN (${seqList(batch.seqs)})`,
		);
	}

	async release(batch: ClaimedBatch, error: string): Promise<void> {
		await this.write(
			sql`UPDATE bus_outbox SET lease_until = 0, last_error = ${error.slice(0, 500)} WHERE seq IN (${seqList(batch.seqs)})`,
		);
	}

	/** Sends one batch. Returns how many the transport accepted; throws if it refused. */
	async relayOnce(): Promise<number> {
		const batch = await this.claim();
		if (batch.seqs.length === 0) return 0;
		try {
			await this.o.bus.publish(batch.events);
		} catch (err) {
			this.stats.failedPublishes++;
			await this.release(batch, errorMessage(err)).catch(() => undefined);
			throw err;
		}
		await this.markSent(batch);
		this.stats.sent += batch.seqs.length;
		return batch.seqs.length;
	}

	private write(statement: SQL) {
		return this.o.database.write((tx) => tx.run(statement));
	}

	/** Rows still to go out. */
	async unsent(): Promise<number> {
		const [row] = await this.o.database.db.all<{ n: number }>(
			sql`SELECT count(*) AS n FROM bus_outbox WHERE sent_at IS NULL`,
		);
		return Number(row?.n ?? 0);
	}

	/** Sends what is waiting now rather than at the next poll (every commit of the database calls it). */
	kick(): void {
		// While backing off (transport down) commits must not turn into a retry storm.
		if (this.backoffMs === 0) this.waiter.wake();
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.unsubscribe = this.o.database.afterCommit(() => this.kick());
		this.loopDone = this.loop();
	}

	/**
	 * Stops the loop, then sends what is committed by now (for at most `flushMs`), so a clean stop
	 * leaves consumers nothing to wait for until this process or another instance relays again.
	 */
	async stop(flushMs = 2_000): Promise<void> {
		this.running = false;
		this.unsubscribe();
		this.waiter.wake();
		await this.loopDone;
		this.loopDone = null;
		const until = Date.now() + flushMs;
		while (Date.now() < until) {
			const sent = await this.relayOnce().catch(() => 0);
			if (sent < this.o.batchSize) break;
		}
	}

	private async loop(): Promise<void> {
		while (this.running) {
			let more = false;
			try {
				more = (await this.relayOnce()) === this.o.batchSize;
				if (this.lastFailure) console.info("[bus relay] publishing recovered");
				this.backoffMs = 0;
				this.lastFailure = null;
				await this.prune();
			} catch (err) {
				const message = errorMessage(err);
				this.backoffMs = Math.min(this.o.maxBackoffMs, Math.max(this.o.minBackoffMs, this.backoffMs * 2));
				if (message !== this.lastFailure) console.warn(`[bus relay] publish failed (will retry): ${message}`);
				this.lastFailure = message;
			}
			if (!this.running) break;
			if (this.backoffMs > 0) {
				// The failed batch's own release committed and woke us: that is no reason to retry early.
				this.waiter.clear();
				await this.waiter.wait(this.backoffMs * (0.75 + Math.random() * 0.5));
			} else if (!more) await this.waiter.wait(this.o.pollMs);
		}
	}

	private async prune(): Promise<void> {
		const now = Date.now();
		if (now - this.lastPrune < 60_000) return;
		this.lastPrune = now;
		await this.write(sql`DELETE FROM bus_outbox WHERE sent_at IS NOT NULL AND sent_at < ${now - this.o.retainMs}`);
	}
}

const seqList = (seqs: number[]) =>
	sql.join(
		seqs.map((s) => sql`${s}`),
		sql`, `,
	);
