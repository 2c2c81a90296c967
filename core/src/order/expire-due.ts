import { sql } from "drizzle-orm";
import { drainInBatches, Sweeper } from "../lib/sweeper";
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
	// A look on the read connection first: an idle shop's sweeps cost no write transaction.
	const [due] = await ctx.database.db.all(
		sql`SELECT 1 FROM orders WHERE status = 'pending_payment' AND expires_at <= ${at} LIMIT 1`,
	);
	if (!due) return 0;
	return drainInBatches(options.batchSize ?? DEFAULT_EXPIRE_BATCH, (limit) =>
		orderWrite(ctx, async (tx) => {
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
		}),
	);
}

/** Runs expireDue every intervalMs; stop() waits for a sweep in flight. */
export function orderSweeper(ctx: OrderContext, intervalMs = 5_000): Sweeper {
	return new Sweeper("order sweeper", () => expireDue(ctx), { intervalMs, lease: ctx.database });
}
