import type { UserPublic } from "@bazaar/contracts/identity";
import { type Identity, toPublic, writeUser } from "./context";

/** Ends every session of the user at once: sessions carry the generation this bumps. */
export async function logoutEverywhere(identity: Identity, userId: string): Promise<UserPublic> {
	return toPublic(await writeUser(identity, userId, async () => ({}), { bumpGeneration: true }));
}
