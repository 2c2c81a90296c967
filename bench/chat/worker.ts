import { type ChatTicketClaims, SUPPORT_ROOM_PARTY } from "@bazaar/contracts/chat";
import { admitSupportMember, isSupportParty, type SupportEnv } from "@bazaar/realtime";
import { signChatTicket } from "@bazaar/signature/chat";
import { routePartykitRequest } from "partyserver";
import { SupportRoom } from "../../edge/src/chat/support-room";

// The chat bench's Worker (bench/chat.mjs): the edge's SupportRoom (and the lobby it talks to)
// beside the bare EchoRoom, routed by partyserver with the same gate as the storefront. Two bench
// endpoints stand in for what the storefront does around a conversation: /ticket mints a join
// ticket (POST /api/support/join does it for a signed-in person), /assign gives a conversation to
// an agent (the lobby's claim does it). Rooms stay with their agent, so no message goes to the
// bot: this measures the rooms' message path. Never deployed: it exists only in this folder.

export { EchoRoom, SupportLobby } from "@bazaar/realtime";
export { DurableRelayRoom } from "./relay-room";
export { SupportRoom };

type BenchEnv = Cloudflare.Env & SupportEnv & { SupportRoom: DurableObjectNamespace<SupportRoom> };

export default {
	async fetch(request: Request, env: BenchEnv): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname === "/healthz") return Response.json({ ok: true });
		if (url.pathname === "/ticket") {
			const room = url.searchParams.get("room") ?? "";
			const kind = url.searchParams.get("kind") === "agent" ? "agent" : "shopper";
			const sub = url.searchParams.get("sub") ?? "usr_bench";
			const claims: ChatTicketClaims = {
				v: 1,
				party: SUPPORT_ROOM_PARTY,
				room,
				kind,
				sub,
				name: kind,
				customerId: kind === "shopper" ? sub : null,
				guestId: null,
				exp: Date.now() + 60_000,
				nonce: [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join(""),
			};
			return Response.json({ ticket: await signChatTicket(env.BAZAAR_SIGNING_SECRET, claims) });
		}
		if (url.pathname === "/assign") {
			const room = env.SupportRoom.getByName(url.searchParams.get("room") ?? "");
			return Response.json({
				ok: await room.assign({ id: url.searchParams.get("agent") ?? "", name: "agent" }, "claimed"),
			});
		}
		const party = url.pathname.split("/")[2] ?? "";
		const res = await routePartykitRequest(request, env, {
			onBeforeConnect: isSupportParty(party) ? (req, lobby) => admitSupportMember(req, lobby, env) : undefined,
		});
		return res ?? new Response("not found", { status: 404 });
	},
} satisfies ExportedHandler<BenchEnv>;
