// Periodic maintenance shared by the modules (expiring reservations, unpaid orders): one sweep
// at a time, `stop()` waits for the sweep in flight so the database can be closed right after.

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
}

export class Sweeper {
	readonly intervalMs: number;
	private readonly onError: (err: unknown) => void;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running = false;
	private inFlight: Promise<number> | null = null;
	/** What the sweeps have settled, in total. */
	expired = 0;

	constructor(
		name: string,
		private readonly work: () => Promise<number>,
		options: SweeperOptions = {},
	) {
		this.intervalMs = options.intervalMs ?? 1_000;
		this.onError = options.onError ?? ((err) => console.error(`${name} failed:`, err));
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
		await this.inFlight?.catch(() => 0);
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

	private schedule(): void {
		if (!this.running) return;
		this.timer = setTimeout(async () => {
			try {
				await this.sweep();
			} catch (err) {
				this.onError(err);
			}
			this.schedule();
		}, this.intervalMs);
		this.timer.unref?.();
	}
}
