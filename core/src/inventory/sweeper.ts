import type { InventoryContext } from "./context";
import { DEFAULT_EXPIRE_BATCH, expireDue } from "./expire-due";

export interface SweeperOptions {
	intervalMs?: number;
	batchSize?: number;
	onError?: (err: unknown) => void;
}

/**
 * Expires due reservations every `intervalMs`. One sweep at a time; `stop()` waits for the
 * sweep in flight so the database can be closed right after. Safe to run in every process:
 * expireDue's conditional UPDATE settles each reservation once.
 */
export class Sweeper {
	readonly intervalMs: number;
	private readonly batchSize: number;
	private readonly onError: (err: unknown) => void;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running = false;
	private inFlight: Promise<number> | null = null;
	/** Reservations this sweeper has expired, in total. */
	expired = 0;

	constructor(
		private readonly ctx: InventoryContext,
		options: SweeperOptions = {},
	) {
		this.intervalMs = options.intervalMs ?? 1_000;
		this.batchSize = options.batchSize ?? DEFAULT_EXPIRE_BATCH;
		this.onError = options.onError ?? ((err) => console.error("inventory sweeper failed:", err));
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
			.then(() => expireDue(this.ctx, { batchSize: this.batchSize }))
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
