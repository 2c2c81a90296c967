export { EchoRoom, type Presence } from "./echo-room.ts";
export type { Member, SupportEnv } from "./support/env.ts";
export { admitSupportMember, isSupportParty } from "./support/gate.ts";
export { SupportLobby } from "./support/lobby.ts";
export { Peers } from "./support/peers.ts";
export { MAX_CONVERSATION_ENTRIES, type SupportCore, SupportRoom } from "./support/room.ts";
