import type { SupportLobby } from "./lobby";
import type { SupportRoom } from "./room";

/**
 * What the support rooms need from the Worker's bindings (wrangler.toml). The namespaces are typed
 * by the calls made through them, so a Worker may bind a subclass (the edge's room, with its core).
 */
export interface SupportEnv {
	SupportRoom: { getByName(name: string): Pick<DurableObjectStub<SupportRoom>, "admit" | "assign"> };
	SupportLobby: {
		getByName(
			name: string,
		): Pick<
			DurableObjectStub<SupportLobby>,
			"admit" | "handover" | "closed" | "openConversation" | "openConversationOf" | "assignedAgent"
		>;
	};
	/** The shared secret the edge signs join tickets (and core calls) with. */
	BAZAAR_SIGNING_SECRET: string;
	/** `"<frames per second>/<burst>"` per connection (throttle.ts); unset: 5/20. */
	SUPPORT_CHAT_RATE?: string;
	/** Messages a conversation may hold (room.ts MAX_CONVERSATION_ENTRIES when unset); the bench raises it. */
	SUPPORT_CHAT_MAX_MESSAGES?: string;
}

/** Who a connection is, as its join ticket said (kept on the connection, so it survives hibernation). */
export interface Member {
	kind: "shopper" | "agent";
	sub: string;
	name: string;
	customerId: string | null;
	guestId: string | null;
}
