import { findUser, type Identity, toPublic } from "./context";
import type { UserPublic } from "./contracts";

export async function getProfile(identity: Identity, userId: string): Promise<UserPublic> {
	return toPublic(await findUser(identity, userId));
}
