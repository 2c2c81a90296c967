import type { AddressList } from "@bazaar/contracts/identity";
import { asc, eq } from "drizzle-orm";
import { toAddress } from "./address-helpers";
import type { Identity } from "./context";
import { addresses } from "./schema";

export async function listAddresses(identity: Identity, userId: string): Promise<AddressList> {
	const rows = await identity.database.db
		.select()
		.from(addresses)
		.where(eq(addresses.userId, userId))
		.orderBy(asc(addresses.createdAt), asc(addresses.id));
	return { items: rows.map(toAddress) };
}
