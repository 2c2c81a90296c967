import { sql } from "drizzle-orm";
import { iso, type OrderContext, orderWrite } from "./context";
import { recordTransition } from "./events";
import { ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";

export const DEFAULT_EXPIRE_BATCH = 200;

/**
 * Unpaid orders past their deadline → expired, a batch per write transaction; each emits
 * order.expired (the inventory releases its reservation). The conditional UPDATE picks its rows
 * under the write lock, so a payment that got there first wins and sweepers never double-expire.
 */
export async function expireDue(
	ctx: OrderContext,
	options: { now?: number; batchSize?: number } = {},
): Promise<number> {
	const at = iso(options.now ?? ctx.now());
	const limit = options.batchSize ?? DEFAULT_EXPIRE_BATCH;
	let total = 0;
	for (;;) {
		const n = await orderWrite(ctx, async (tx) => {
			const rows = await tx.all<OrderRecord>(sql`UPDATE orders SET status = 'expired', updated_at = ${at}
				WHERE id IN (SELECT id FROM orders WHERE status = 'pending_payment' AND expires_at <= ${at}
					ORDER BY expires_at LIMIT ${limit})
				RETURNING ${ORDER_COLUMNS}`);
			for (const row of rows) {
				await recordTransition(tx, toOrder(row), {
					from: "pending_payment",
					type: "order.expired",
					at,
					actor: "system",
					reason: "payment not received in time",
				});
			}
			return rows.length;
		});
		total += n;
		if (n < limit) return total;
	}
}

/** Runs expireDue every intervalMs; stop() waits for a sweep in flight. */
export class OrderSweeper {
	private timer: ReturnType<typeof setTimeout> | null = null;
	private running = false;
	private inFlight: Promise<unknown> = Promise.resolve();
	expired = 0;

	constructor(
		private readonly ctx: OrderContext,
		readonly intervalMs = 5_000,
		private readonly onError: (err: unknown) => void = (err) => console.error("order sweeper failed:", err),
	) {}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.schedule();
	}

	async stop(): Promise<void> {
		this.running = false;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		await this.inFlight.catch(() => undefined);
	}

	private schedule(): void {
		if (!this.running) return;
		this.timer = setTimeout(() => {
			this.inFlight = expireDue(this.ctx)
				.then((n) => {
					this.expired += n;
				})
				.catch(this.onError)
				.finally(() => this.schedule());
		}, this.intervalMs);
	}
}
