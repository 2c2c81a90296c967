import type { UserPublic } from "@bazaar/contracts/identity";
import { findUser, type Identity, toPublic } from "./context";

export async function getProfile(identity: Identity, userId: string): Promise<UserPublic> {
	return toPublic(await findUser(identity, userId));
}
