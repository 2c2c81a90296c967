import { problem, problemResponse } from "@bazaar/contracts";
import { ChatTicketClaims, SUPPORT_LOBBY_PARTY, SUPPORT_ROOM_PARTY } from "@bazaar/contracts/chat";
import { openChatTicket } from "@bazaar/signature/chat";
import type { Lobby } from "partyserver";
import type { SupportEnv } from "./env";
import { MEMBER_HEADER, memberHeader } from "./member";

// The door of every support room, run in the Worker before a WebSocket upgrade reaches the room
// (partyserver's onBeforeConnect). A connection needs a ticket the edge minted (POST
// /api/support/join) for exactly this room, not expired, and not used before; the room spends its
// nonce, so a ticket opens one connection once. The Origin is checked by the caller (the edge's
// same-origin rule) before this runs. Every refusal is a 4xx problem before any upgrade.

export function isSupportParty(party: string): boolean {
	return party === SUPPORT_ROOM_PARTY || party === SUPPORT_LOBBY_PARTY;
}

/** The binding (class) names the parties in tickets are kebab-case of. */
const PARTY_OF_CLASS: Record<string, string> = { SupportRoom: SUPPORT_ROOM_PARTY, SupportLobby: SUPPORT_LOBBY_PARTY };

const refuse = (status: number, detail: string) => problemResponse(problem(status, detail));

/** The upgrade request to forward (with who was admitted in MEMBER_HEADER), or the refusal. */
export async function admitSupportMember(request: Request, lobby: Lobby, env: SupportEnv): Promise<Request | Response> {
	const ticket = new URL(request.url).searchParams.get("ticket");
	if (!ticket) return refuse(401, "Join a support chat with a ticket from POST /api/support/join.");
	const parsed = ChatTicketClaims.safeParse(await openChatTicket(env.BAZAAR_SIGNING_SECRET, ticket));
	if (!parsed.success) return refuse(401, "This chat ticket is not valid.");
	const claims = parsed.data;
	if (claims.party !== PARTY_OF_CLASS[lobby.className] || claims.room !== lobby.name) {
		return refuse(403, "This ticket is for another room.");
	}
	if (claims.exp <= Date.now()) return refuse(401, "This chat ticket has expired: ask for a new one.");
	const room =
		claims.party === SUPPORT_ROOM_PARTY
			? env.SupportRoom.getByName(claims.room)
			: env.SupportLobby.getByName(claims.room);
	if (!(await room.admit(claims.nonce, claims.exp))) return refuse(401, "This chat ticket has been used already.");
	const headers = new Headers(request.headers);
	headers.set(MEMBER_HEADER, memberHeader(claims));
	return new Request(request, { headers });
}
