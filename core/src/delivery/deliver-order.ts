import type { DigitalDelivery } from "@bazaar/contracts/delivery";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { type DeliveryContext, deliveryWrite, iso } from "./context";

// What a paid order's digital lines receive (the order.paid flow, workflows/digital-delivery.ts):
// a download link per download line, one licence key per unit of a key line. Idempotent: a line
// that has its link keeps it (UNIQUE order + variant), a key line gets only the keys it still lacks.
//
// Each key is taken by one conditional UPDATE … WHERE status = 'available' inside the module's
// write transaction (SQLite's write lock spans processes), so no key is ever issued twice. The
// inventory counted the pool as stock when the keys were uploaded and its reservation refused
// what the pool could not cover, so a short pool here means stock was adjusted by hand: the
// order waits (the caller retries) until keys are uploaded, and is not marked delivered meanwhile.

export interface DigitalLine {
	variantId: string;
	title: string;
	quantity: number;
	delivery: DigitalDelivery;
}

export interface DeliverOrderInput {
	orderId: string;
	customerId: string;
	lines: DigitalLine[];
}

export interface DeliverOrderResult {
	/** Every line has its link or all its keys. */
	complete: boolean;
	/** Lines still waiting: a download variant without a file, a pool short of keys. */
	waiting: { variantId: string; why: string }[];
}

export async function deliverOrder(ctx: DeliveryContext, input: DeliverOrderInput): Promise<DeliverOrderResult> {
	const now = ctx.now();
	const at = iso(now);
	return deliveryWrite(ctx, async (tx) => {
		const waiting: DeliverOrderResult["waiting"] = [];
		for (const line of input.lines) {
			if (line.delivery === "download") {
				const [file] = await tx.all<{ n: number }>(
					sql`SELECT 1 AS n FROM delivery_files WHERE variant_id = ${line.variantId}`,
				);
				if (!file) {
					waiting.push({ variantId: line.variantId, why: "no file uploaded" });
					continue;
				}
				await tx.run(sql`INSERT INTO download_links (id, order_id, customer_id, variant_id, title, expires_at,
						max_downloads, downloads, created_at)
					VALUES (${newId("dl")}, ${input.orderId}, ${input.customerId}, ${line.variantId}, ${line.title},
						${iso(now + ctx.linkTtlMs)}, ${ctx.maxDownloads * line.quantity}, 0, ${at})
					ON CONFLICT (order_id, variant_id) DO NOTHING`);
				continue;
			}
			const [had] = await tx.all<{ n: number }>(
				sql`SELECT COUNT(*) AS n FROM license_keys WHERE order_id = ${input.orderId} AND variant_id = ${line.variantId}`,
			);
			const lacking = line.quantity - (had?.n ?? 0);
			if (lacking <= 0) continue;
			const taken = await tx.all<{ id: string }>(sql`UPDATE license_keys
				SET status = 'issued', order_id = ${input.orderId}, customer_id = ${input.customerId},
					title = ${line.title}, issued_at = ${at}
				WHERE id IN (SELECT id FROM license_keys WHERE variant_id = ${line.variantId} AND status = 'available'
					ORDER BY id LIMIT ${lacking})
					AND status = 'available'
				RETURNING id`);
			if (taken.length < lacking) {
				waiting.push({ variantId: line.variantId, why: `${lacking - taken.length} licence key(s) short` });
			}
		}
		return { complete: waiting.length === 0, waiting };
	});
}

/**
 * A refund or a cancellation after payment: the order's links stop working and its keys are
 * shown revoked (they were disclosed, so they never go back to the pool). Idempotent.
 */
export async function revokeOrder(ctx: DeliveryContext, orderId: string): Promise<{ links: number; keys: number }> {
	const at = iso(ctx.now());
	return deliveryWrite(ctx, async (tx) => {
		const links = await tx.all<{ id: string }>(
			sql`UPDATE download_links SET revoked_at = ${at} WHERE order_id = ${orderId} AND revoked_at IS NULL RETURNING id`,
		);
		const keys = await tx.all<{ id: string }>(sql`UPDATE license_keys SET status = 'revoked', revoked_at = ${at}
			WHERE order_id = ${orderId} AND status = 'issued' RETURNING id`);
		return { links: links.length, keys: keys.length };
	});
}
