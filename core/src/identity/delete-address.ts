import { NotFoundError } from "../lib/errors";
import { ownAddress } from "./address-helpers";
import { type Identity, identityWrite } from "./context";
import { addresses } from "./schema";

export async function deleteAddress(identity: Identity, userId: string, addressId: string): Promise<void> {
	const deleted = await identityWrite(identity, (tx) =>
		tx.delete(addresses).where(ownAddress(userId, addressId)).returning({ id: addresses.id }),
	);
	if (deleted.length === 0) throw new NotFoundError("The address");
}
