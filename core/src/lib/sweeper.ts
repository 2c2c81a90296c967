import type { Database } from "./db";
import { Lease } from "./lease";

// Periodic maintenance shared by the modules (expiring reservations, unpaid orders, payment
// reconciliation, cart purge): one sweep at a time, `stop()` waits for the sweep in flight so the
// database can be closed right after. With a `lease` database the timer's sweeps run in one
// process at a time among all the core processes sharing it (see lease.ts).

/** Runs `batch(limit)` until a batch comes back short; returns the total. */
export async function drainInBatches(limit: number, batch: (limit: number) => Promise<number>): Promise<number> {
	let total = 0;
	for (;;) {
		const n = await batch(limit);
		total += n;
		if (n < limit) return total;
	}
}

export interface SweeperOptions {
	intervalMs?: number;
	onError?: (err: unknown) => void;
	/** The module database holding the lease; without it every process sweeps. */
	lease?: Database<Record<string, unknown>>;
	/** How long a lease outlives its last renewal (default: 3 intervals, at least 5 s). */
	leaseMs?: number;
	/** Who holds it (default: this process). */
	leaseHolder?: string;
}

export class Sweeper {
	readonly intervalMs: number;
	private readonly onError: (err: unknown) => void;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running = false;
	private inFlight: Promise<number> | null = null;
	private tick: Promise<void> | null = null;
	private readonly lease: Lease | null;
	/** Whether this process held the lease at its last timer tick (always true without a lease). */
	holdsLease = false;
	/** What the sweeps have settled, in total. */
	expired = 0;

	constructor(
		name: string,
		private readonly work: () => Promise<number>,
		options: SweeperOptions = {},
	) {
		this.intervalMs = options.intervalMs ?? 1_000;
		this.onError = options.onError ?? ((err) => console.error(`${name} failed:`, err));
		this.lease = options.lease
			? new Lease(options.lease, name, options.leaseMs ?? Math.max(3 * this.intervalMs, 5_000), options.leaseHolder)
			: null;
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.schedule();
	}

	async stop(): Promise<void> {
		this.running = false;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		await this.tick;
		await this.inFlight?.catch(() => 0);
		if (this.lease && this.holdsLease) {
			this.holdsLease = false;
			await this.lease.release().catch((err) => this.onError(err));
		}
	}

	/** One sweep now (also what the timer runs). */
	sweep(): Promise<number> {
		const run = (this.inFlight ?? Promise.resolve(0))
			.catch(() => 0)
			.then(() => this.work())
			.then((n) => {
				this.expired += n;
				return n;
			});
		this.inFlight = run;
		return run;
	}

	private async runTick(): Promise<void> {
		try {
			this.holdsLease = this.lease ? await this.lease.acquire() : true;
			if (this.holdsLease && this.running) await this.sweep();
		} catch (err) {
			this.onError(err);
		}
	}

	private schedule(): void {
		if (!this.running) return;
		this.timer = setTimeout(() => {
			this.tick = this.runTick().then(() => this.schedule());
		}, this.intervalMs);
		this.timer.unref?.();
	}
}
