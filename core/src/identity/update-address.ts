import type { Address, AddressPatch } from "@bazaar/contracts/identity";
import { NotFoundError } from "../lib/errors";
import { clearOtherDefaults, ownAddress, toAddress } from "./address-helpers";
import { type Identity, identityWrite, nowIso } from "./context";
import { addresses } from "./schema";

export async function updateAddress(
	identity: Identity,
	userId: string,
	addressId: string,
	patch: AddressPatch,
): Promise<Address> {
	const row = await identityWrite(identity, async (tx) => {
		await clearOtherDefaults(tx, userId, addressId, patch);
		const [updated] = await tx
			.update(addresses)
			.set({ ...patch, updatedAt: nowIso() })
			.where(ownAddress(userId, addressId))
			.returning();
		// Thrown inside the transaction, so the defaults cleared above roll back with it.
		if (!updated) throw new NotFoundError("The address");
		return updated;
	});
	return toAddress(row);
}
