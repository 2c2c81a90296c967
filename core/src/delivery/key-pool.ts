import { type KeyPool, type KeysUploaded, UploadKeysRequest } from "@bazaar/contracts/delivery";
import { newId } from "@bazaar/ids";
import { sql } from "drizzle-orm";
import { changes } from "../lib/db";
import { type DeliveryContext, deliveryWrite, iso } from "./context";

// A licence-key variant's pool. Uploading is idempotent per key (UNIQUE variant + key): a key
// pasted twice is counted once, so `added` is exactly the stock the inventory must receive.

export async function addKeys(ctx: DeliveryContext, variantId: string, input: unknown): Promise<KeysUploaded> {
	const { keys } = UploadKeysRequest.parse(input);
	const unique = [...new Set(keys)];
	const at = iso(ctx.now());
	const added = await deliveryWrite(ctx, async (tx) => {
		let n = 0;
		// 500 rows per statement keeps each under SQLite's parameter limit.
		for (let i = 0; i < unique.length; i += 500) {
			const rows = unique
				.slice(i, i + 500)
				.map((key) => sql`(${newId("lk")}, ${variantId}, ${key}, 'available', ${at})`);
			n += changes(
				await tx.run(sql`INSERT INTO license_keys (id, variant_id, key, status, added_at)
					VALUES ${sql.join(rows, sql`, `)} ON CONFLICT (variant_id, key) DO NOTHING`),
			);
		}
		return n;
	});
	return { ...(await keyPool(ctx, variantId)), added, duplicates: keys.length - added };
}

export async function keyPool(ctx: DeliveryContext, variantId: string): Promise<KeyPool> {
	const [row] = await ctx.database.db.all<{ available: number; issued: number; revoked: number }>(sql`SELECT
			COALESCE(SUM(status = 'available'), 0) AS available, COALESCE(SUM(status = 'issued'), 0) AS issued,
			COALESCE(SUM(status = 'revoked'), 0) AS revoked
		FROM license_keys WHERE variant_id = ${variantId}`);
	return { variantId, available: row?.available ?? 0, issued: row?.issued ?? 0, revoked: row?.revoked ?? 0 };
}
