import { findOwnAddress, toAddress } from "./address-helpers";
import type { Identity } from "./context";
import type { Address } from "./contracts";

export async function getAddress(identity: Identity, userId: string, addressId: string): Promise<Address> {
	return toAddress(await findOwnAddress(identity, userId, addressId));
}
