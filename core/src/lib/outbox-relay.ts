import { type Caller, sign } from "@bazaar/signature";
import type { Client, InStatement } from "@libsql/client";
import { withWriteLock } from "./db";
import type { PubSub } from "./pubsub";

// Drains a module's transactional outbox (rows written in the same transaction as the change
// they describe) to everyone who must hear about it:
//   1. in-process subscribers (this instance's caches), right after the commit;
//   2. Redis pub/sub, when configured (the other core instances' caches);
//   3. an HTTP endpoint (the edge), in signed batches, retried with backoff until a 2xx.
// Steps 1–2 are best effort and happen once (`published_at`); step 3 is at-least-once: a row
// is marked delivered only after the endpoint acknowledged it, so an unreachable edge delays
// events but never loses them. Rows are claimed with a lease so several instances sharing one
// database do not push the same batch at once.
//
// The relay knows nothing about what the events mean: it moves JSON payloads. The catalog wires
// it to its outbox table, channel and endpoint; other modules can do the same with theirs.

export interface PushTarget {
	/** Full URL, e.g. http://127.0.0.1:8787/internal/catalog-events */
	url: string;
	secret: string;
	caller: Caller;
	/** Wraps the batch into the request body, e.g. events => ({ events }). */
	envelope: (events: unknown[]) => unknown;
	timeoutMs?: number;
}

export interface OutboxRelayOptions {
	client: Client;
	table?: string;
	/** Redis pub/sub channel that other instances listen on. */
	channel: string;
	pubsub?: PubSub | null;
	push?: PushTarget | null;
	pollMs?: number;
	batchSize?: number;
	leaseMs?: number;
	minBackoffMs?: number;
	maxBackoffMs?: number;
	/** Delivered rows older than this are deleted. */
	retainMs?: number;
	fetch?: FetchFn;
}

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export type OutboxSubscriber<E> = (events: E[]) => void | Promise<void>;

export class OutboxRelay<E = unknown> {
	private readonly table: string;
	private readonly subscribers = new Set<OutboxSubscriber<E>>();
	private running = false;
	private loopDone: Promise<void> | null = null;
	private wake: (() => void) | null = null;
	private backoffMs = 0;
	private nextPushAt = 0;
	private lastPruneAt = 0;
	private lastFailure: string | null = null;
	readonly stats = { published: 0, delivered: 0, failedPushes: 0 };
	private readonly o: Required<Omit<OutboxRelayOptions, "pubsub" | "push" | "fetch">> &
		Pick<OutboxRelayOptions, "pubsub" | "push"> & { fetch: FetchFn };

	constructor(options: OutboxRelayOptions) {
		this.o = {
			table: "outbox",
			pollMs: 1_000,
			batchSize: 200,
			leaseMs: 30_000,
			minBackoffMs: 250,
			maxBackoffMs: 30_000,
			retainMs: 24 * 3600_000,
			// An option passed as undefined means "the default", not "undefined".
			...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as OutboxRelayOptions),
			fetch: options.fetch ?? ((url, init) => fetch(url, init)),
		};
		if (!/^[a-z_]+$/.test(this.o.table)) throw new Error(`bad outbox table name ${this.o.table}`);
		this.table = this.o.table;
	}

	get batchSize(): number {
		return this.o.batchSize;
	}

	subscribe(fn: OutboxSubscriber<E>): () => void {
		this.subscribers.add(fn);
		return () => this.subscribers.delete(fn);
	}

	/** Writes queue behind the module's own write transactions on this client (see lib/db). */
	private write(stmt: InStatement) {
		return withWriteLock(this.o.client, () => this.o.client.execute(stmt));
	}

	/** Tells local subscribers and other instances about new rows. Returns how many. */
	async publishPending(): Promise<number> {
		const now = new Date().toISOString();
		// Claiming by UPDATE … RETURNING is atomic: concurrent callers get disjoint rows.
		const res = await this.write({
			sql: `UPDATE ${this.table} SET published_at = ?${this.o.push ? "" : ", delivered_at = ?"}
				WHERE seq IN (SELECT seq FROM ${this.table} WHERE published_at IS NULL ORDER BY seq LIMIT ?)
				RETURNING seq, payload`,
			args: this.o.push ? [now, this.o.batchSize] : [now, now, this.o.batchSize],
		});
		if (res.rows.length === 0) return 0;
		const rows = [...res.rows].sort((a, b) => Number(a.seq) - Number(b.seq));
		const events = rows.map((r) => JSON.parse(String(r.payload)) as E);
		for (const fn of this.subscribers) {
			try {
				await fn(events);
			} catch (err) {
				console.error("outbox subscriber failed:", err);
			}
		}
		this.o.pubsub?.publish(this.o.channel, JSON.stringify(events));
		this.stats.published += events.length;
		return events.length;
	}

	/** Pushes one batch of undelivered rows. Returns how many were acknowledged; throws on failure. */
	async deliverPending(): Promise<number> {
		const push = this.o.push;
		if (!push) return 0;
		const now = Date.now();
		const claimed = await this.write({
			sql: `UPDATE ${this.table} SET lease_until = ?, attempts = attempts + 1
				WHERE seq IN (
					SELECT seq FROM ${this.table} WHERE delivered_at IS NULL AND lease_until < ? ORDER BY seq LIMIT ?
				)
				RETURNING seq, payload`,
			args: [now + this.o.leaseMs, now, this.o.batchSize],
		});
		if (claimed.rows.length === 0) return 0;
		const rows = [...claimed.rows].sort((a, b) => Number(a.seq) - Number(b.seq));
		const seqs = rows.map((r) => Number(r.seq));
		const placeholders = seqs.map(() => "?").join(", ");
		const body = JSON.stringify(push.envelope(rows.map((r) => JSON.parse(String(r.payload)))));
		try {
			const path = new URL(push.url);
			const headers = { "content-type": "application/json" };
			const signed = await sign({
				secret: push.secret,
				method: "POST",
				path: path.pathname + path.search,
				body,
				headers,
				caller: push.caller,
			});
			const res = await this.o.fetch(push.url, {
				method: "POST",
				headers: { ...headers, ...signed },
				body,
				signal: AbortSignal.timeout(push.timeoutMs ?? 5_000),
			});
			await res.arrayBuffer().catch(() => undefined);
			if (!res.ok) throw new Error(`${push.url} answered ${res.status}`);
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			// Release the lease so the retry (ours or another instance's) can take the rows.
			await this.write({
				sql: `UPDATE ${this.table} SET lease_until = 0, last_error = ? WHERE seq IN (${placeholders})`,
				args: [message.slice(0, 500), ...seqs],
			});
			this.stats.failedPushes++;
			throw err;
		}
		await this.write({
			sql: `UPDATE ${this.table} SET delivered_at = ?, last_error = NULL WHERE seq IN (${placeholders})`,
			args: [new Date().toISOString(), ...seqs],
		});
		this.stats.delivered += seqs.length;
		return seqs.length;
	}

	/** Rows waiting for the endpoint. */
	async undelivered(): Promise<number> {
		const res = await this.o.client.execute(`SELECT count(*) AS n FROM ${this.table} WHERE delivered_at IS NULL`);
		return Number(res.rows[0]?.n ?? 0);
	}

	/** Wakes the loop now (after a commit) instead of at the next poll. */
	kick(): void {
		this.wake?.();
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.loopDone = this.loop();
	}

	async stop(): Promise<void> {
		this.running = false;
		this.kick();
		await this.loopDone;
		this.loopDone = null;
	}

	private async loop(): Promise<void> {
		while (this.running) {
			let more = false;
			try {
				more = (await this.publishPending()) === this.o.batchSize;
			} catch (err) {
				console.error("outbox publish failed:", err);
			}
			if (this.o.push && Date.now() >= this.nextPushAt) {
				try {
					more = (await this.deliverPending()) === this.o.batchSize || more;
					this.backoffMs = 0;
					if (this.lastFailure) console.info(`outbox push to ${this.o.push.url} recovered`);
					this.lastFailure = null;
				} catch (err) {
					const message = err instanceof Error ? err.message : String(err);
					this.backoffMs = Math.min(this.o.maxBackoffMs, Math.max(this.o.minBackoffMs, this.backoffMs * 2));
					this.nextPushAt = Date.now() + this.backoffMs * (0.75 + Math.random() * 0.5);
					// One line per kind of failure, not one per retry.
					if (message !== this.lastFailure) console.warn(`outbox push failed (will retry): ${message}`);
					this.lastFailure = message;
				}
			}
			await this.prune().catch((err) => console.error("outbox prune failed:", err));
			if (more || !this.running) continue;
			const waitMs =
				this.backoffMs > 0 ? Math.min(this.o.pollMs, Math.max(0, this.nextPushAt - Date.now())) : this.o.pollMs;
			await new Promise<void>((resolve) => {
				const timer = setTimeout(done, waitMs);
				function done() {
					clearTimeout(timer);
					resolve();
				}
				this.wake = done;
			});
			this.wake = null;
		}
	}

	private async prune(): Promise<void> {
		const now = Date.now();
		if (now - this.lastPruneAt < 60_000) return;
		this.lastPruneAt = now;
		await this.write({
			sql: `DELETE FROM ${this.table} WHERE delivered_at IS NOT NULL AND published_at IS NOT NULL AND delivered_at < ?`,
			args: [new Date(now - this.o.retainMs).toISOString()],
		});
	}
}
