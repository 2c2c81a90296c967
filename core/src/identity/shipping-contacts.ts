import { sql } from "drizzle-orm";
import type { Identity } from "./context";

// What a flash-sale order needs of its shoppers, for a whole batch in one statement: the email and
// the default shipping address (else the most recent one). A shopper with no address is answered
// with `address: null`.

export interface ShippingContact {
	email: string;
	address: {
		recipient: string;
		line1: string;
		line2: string | null;
		city: string;
		region: string | null;
		postalCode: string | null;
		country: string;
		phone: string | null;
	} | null;
}

export async function shippingContacts(identity: Identity, userIds: string[]): Promise<Map<string, ShippingContact>> {
	const out = new Map<string, ShippingContact>();
	if (userIds.length === 0) return out;
	const rows = await identity.database.db.all<{
		id: string;
		email: string;
		recipient: string | null;
		line1: string;
		line2: string | null;
		city: string;
		region: string | null;
		postalCode: string | null;
		country: string;
		phone: string | null;
	}>(sql`SELECT u.id, u.email, a.recipient, a.line1, a.line2, a.city, a.region, a.postal_code AS postalCode,
			a.country, a.phone
		FROM json_each(${JSON.stringify([...new Set(userIds)])}) j
		JOIN users u ON u.id = j.value
		LEFT JOIN addresses a ON a.id = (SELECT id FROM addresses WHERE user_id = u.id
			ORDER BY default_shipping DESC, created_at DESC LIMIT 1)`);
	for (const r of rows) {
		out.set(r.id, {
			email: r.email,
			address:
				r.recipient === null
					? null
					: {
							recipient: r.recipient,
							line1: r.line1,
							line2: r.line2,
							city: r.city,
							region: r.region,
							postalCode: r.postalCode,
							country: r.country,
							phone: r.phone,
						},
		});
	}
	return out;
}
