import { sql } from "drizzle-orm";
import { type CartContext, cartWrite, iso } from "./context";

/**
 * Deletes guest carts past their expiry, a batch per transaction (reads already ignore them;
 * this reclaims the rows). Returns how many carts went.
 */
export async function purgeExpired(
	ctx: CartContext,
	options: { now?: number; batchSize?: number } = {},
): Promise<number> {
	const at = iso(options.now ?? ctx.now());
	const batch = options.batchSize ?? 500;
	let total = 0;
	for (;;) {
		const n = await cartWrite(ctx, async (tx) => {
			const due = sql`SELECT id FROM carts WHERE expires_at IS NOT NULL AND expires_at <= ${at}
				ORDER BY expires_at, id LIMIT ${batch}`;
			await tx.run(sql`DELETE FROM cart_lines WHERE cart_id IN (${due})`);
			const gone = await tx.all(sql`DELETE FROM carts WHERE id IN (${due}) RETURNING id`);
			return gone.length;
		});
		total += n;
		if (n < batch) return total;
	}
}
