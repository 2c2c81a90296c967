import type { Address } from "@bazaar/contracts/identity";
import { findOwnAddress, toAddress } from "./address-helpers";
import type { Identity } from "./context";

export async function getAddress(identity: Identity, userId: string, addressId: string): Promise<Address> {
	return toAddress(await findOwnAddress(identity, userId, addressId));
}
