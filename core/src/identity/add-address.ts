import type { Address, AddressInput } from "@bazaar/contracts/identity";
import { ulid } from "@bazaar/ids";
import { eq } from "drizzle-orm";
import { ConflictError, NotFoundError } from "../lib/errors";
import { clearOtherDefaults, countAddresses, MAX_ADDRESSES, toAddress } from "./address-helpers";
import { type Identity, identityWrite, nowIso } from "./context";
import { addresses, users } from "./schema";

export async function addAddress(identity: Identity, userId: string, input: AddressInput): Promise<Address> {
	const row = await identityWrite(identity, async (tx) => {
		const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
		if (!user) throw new NotFoundError("The user");
		const existing = await countAddresses(tx, userId);
		if (existing >= MAX_ADDRESSES) throw new ConflictError(`An address book holds at most ${MAX_ADDRESSES} addresses.`);
		// The first address is where things go and what is billed until the shopper says otherwise.
		const first = existing === 0;
		const id = `adr_${ulid()}`;
		const now = nowIso();
		const defaultShipping = input.defaultShipping ?? first;
		const defaultBilling = input.defaultBilling ?? first;
		await clearOtherDefaults(tx, userId, id, { defaultShipping, defaultBilling });
		const [inserted] = await tx
			.insert(addresses)
			.values({
				id,
				userId,
				label: input.label ?? null,
				recipient: input.recipient,
				line1: input.line1,
				line2: input.line2 ?? null,
				city: input.city,
				region: input.region ?? null,
				postalCode: input.postalCode ?? null,
				country: input.country,
				phone: input.phone ?? null,
				defaultShipping,
				defaultBilling,
				createdAt: now,
				updatedAt: now,
			})
			.returning();
		if (!inserted) throw new Error("insert returned no row");
		return inserted;
	});
	return toAddress(row);
}
