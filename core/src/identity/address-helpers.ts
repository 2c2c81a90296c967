import type { Address } from "@bazaar/contracts/identity";
import { and, count, eq, ne } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { NotFoundError } from "../lib/errors";
import type { Identity } from "./context";
import { type AddressRow, addresses } from "./schema";

export const MAX_ADDRESSES = 50;

export function toAddress(row: AddressRow): Address {
	return {
		id: row.id,
		label: row.label,
		recipient: row.recipient,
		line1: row.line1,
		line2: row.line2,
		city: row.city,
		region: row.region,
		postalCode: row.postalCode,
		country: row.country,
		phone: row.phone,
		defaultShipping: row.defaultShipping,
		defaultBilling: row.defaultBilling,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
	};
}

/** The owner is part of every lookup: someone else's address is "not found", like a missing one. */
export const ownAddress = (userId: string, addressId: string) =>
	and(eq(addresses.id, addressId), eq(addresses.userId, userId));

export async function findOwnAddress(identity: Identity, userId: string, addressId: string): Promise<AddressRow> {
	const [row] = await identity.database.db.select().from(addresses).where(ownAddress(userId, addressId)).limit(1);
	if (!row) throw new NotFoundError("The address");
	return row;
}

/** At most one default of each kind per user: setting one clears the others. */
export async function clearOtherDefaults(
	tx: TxDb,
	userId: string,
	keepId: string,
	flags: { defaultShipping?: boolean; defaultBilling?: boolean },
): Promise<void> {
	if (flags.defaultShipping) {
		await tx
			.update(addresses)
			.set({ defaultShipping: false })
			.where(and(eq(addresses.userId, userId), ne(addresses.id, keepId)));
	}
	if (flags.defaultBilling) {
		await tx
			.update(addresses)
			.set({ defaultBilling: false })
			.where(and(eq(addresses.userId, userId), ne(addresses.id, keepId)));
	}
}

export async function countAddresses(tx: TxDb, userId: string): Promise<number> {
	const [row] = await tx.select({ n: count() }).from(addresses).where(eq(addresses.userId, userId));
	return row?.n ?? 0;
}
