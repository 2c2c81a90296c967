import type { FlashItem, FlashReservation } from "@bazaar/contracts/flash";
import { newId, ulid } from "@bazaar/ids";
import { flashReservationMac } from "@bazaar/signature/flash";
import { sql } from "drizzle-orm";
import type { IdentityModule } from "../../identity/module";
import { bunSignatureCrypto } from "../../lib/signature-crypto";

// Test and bench fixtures for flash sales. Shoppers are written straight into a TEST identity
// database (they cannot sign in: no password hash) because the race tests and the ingest bench
// need thousands of them, and signing up each by mail costs an argon2 hash. Reservations are
// signed exactly as a shard signs them.

export async function insertShoppers(identity: IdentityModule, count: number): Promise<string[]> {
	const ids = Array.from({ length: count }, () => newId("usr"));
	const at = new Date().toISOString();
	const rows = JSON.stringify(
		ids.map((id) => [id, `${id.toLowerCase()}@flash.test`, newId("usr").replace("usr_", "adr_")]),
	);
	await identity.identity.database.write(async (tx) => {
		await tx.run(sql`INSERT INTO users (id, email, email_key, name, password_hash, roles, created_at, updated_at)
			SELECT j.value->>0, j.value->>1, j.value->>1, 'Flash Shopper', '!', '["customer"]', ${at}, ${at}
			FROM json_each(${rows}) j`);
		await tx.run(sql`INSERT INTO addresses (id, user_id, recipient, line1, city, region, postal_code, country,
				default_shipping, default_billing, created_at, updated_at)
			SELECT j.value->>2, j.value->>0, 'Flash Shopper', '1 Market Street', 'San Francisco', 'CA', '94105', 'US',
				1, 1, ${at}, ${at}
			FROM json_each(${rows}) j`);
	});
	return ids;
}

/** A reservation as shard `shard` would make it, signed with `secret`. */
export function signedReservation(
	secret: string,
	item: Pick<FlashItem, "id" | "flashPrice">,
	shopper: string,
	options: { shard?: number; quantity?: number; at?: number; unitPrice?: number } = {},
): FlashReservation {
	const r = {
		id: `fr_${ulid(options.at ?? Date.now())}`,
		itemId: item.id,
		shopper,
		quantity: options.quantity ?? 1,
		unitPrice: options.unitPrice ?? item.flashPrice,
		shard: options.shard ?? 0,
		at: new Date(options.at ?? Date.now()).toISOString(),
	};
	return { ...r, mac: flashReservationMac(secret, r, bunSignatureCrypto) as string };
}
