import { Money } from "@bazaar/money";
import { z } from "zod";

// Live support chat (DESIGN.md, data flow 5; issue 11): every frame a browser and a room exchange
// over the WebSocket, the join ticket that lets a browser in, and the two calls a room makes to
// the core's `support` module (the bot's answer, the closed conversation's transcript).
//
// Rooms (realtime/): `support-room/<conversationId>` (one per conversation: the shopper, the bot,
// the agent who has it) and `support-lobby/agents` (staff only: the queue, claims, presence).
// A client connects with partysocket to /parties/<party>/<room>?ticket=<ticket>, where the ticket
// comes from POST /api/support/join and is good for one connection within a minute: pass
// partysocket a `query` *function* that fetches a fresh ticket, so every reconnect has its own.
// On every (re)connect the client sends `hello` with the last message id it saw; the room answers
// `history` with everything after it. Every text carries a client-made `clientId`; the room
// answers `ack {clientId, id}` and stores a text once however often it is resent, so a client
// resends whatever it has no ack for after a reconnect and nothing is lost or doubled.

export const ConversationId = z
	.string()
	.max(40)
	.regex(/^cnv_[0-9A-Z]{26}$/, "a conversation id such as cnv_01H…");
export type ConversationId = z.infer<typeof ConversationId>;

/** The partyserver parties (kebab-case of the Durable Object bindings SupportRoom, SupportLobby). */
export const SUPPORT_ROOM_PARTY = "support-room";
export const SUPPORT_LOBBY_PARTY = "support-lobby";
/** There is one lobby for all agents. */
export const SUPPORT_LOBBY_ROOM = "agents";

/** Longest text a person (or the bot) may send in one message, in characters. */
export const MAX_CHAT_TEXT = 2_000;
/** Largest frame a room reads, in bytes (bigger: an error frame `too_large`). */
export const MAX_CHAT_FRAME_BYTES = 8 * 1024;

/** A message's id in its conversation: 1, 2, 3, … in the order the room stored them. */
const MessageId = z.number().int().min(1);
const Instant = z.string().describe("ISO 8601 instant");
/** Made by the client (a UUID, say) so a resent message is recognised; unique per conversation. */
export const ClientMessageId = z
	.string()
	.min(1)
	.max(64)
	.regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ or -");

export const AUTHOR_KINDS = ["shopper", "agent", "bot", "system"] as const;
export const Author = z.object({ kind: z.enum(AUTHOR_KINDS), name: z.string().max(80) });
export type Author = z.infer<typeof Author>;

// ——— Bot cards: what the bot shows beside its words; built by the core from real records only.

export const BotCard = z.discriminatedUnion("kind", [
	z.object({
		kind: z.literal("order"),
		orderId: z.string().max(64),
		number: z.string().max(64),
		status: z.string().max(40),
		url: z.string().max(500),
	}),
	z.object({
		kind: z.literal("product"),
		productId: z.string().max(64),
		title: z.string().max(300),
		url: z.string().max(500),
		price: Money.optional(),
	}),
	z.object({
		kind: z.literal("article"),
		articleId: z.string().max(64),
		title: z.string().max(300),
		url: z.string().max(500).optional(),
	}),
	/** Offers a person: the widget shows a "talk to a person" button. */
	z.object({ kind: z.literal("handover") }),
]);
export type BotCard = z.infer<typeof BotCard>;

// ——— What a conversation holds (stored by the room, replayed, and sent to the core on close).

/** A message: a shopper's, an agent's, the bot's (with cards) or the room's own notice. */
export const ChatText = z.object({
	type: z.literal("text"),
	id: MessageId,
	/** The sender's `clientId`; the room makes one (`bot-…`, `sys-…`) for its own messages. */
	clientId: ClientMessageId,
	author: Author,
	text: z.string().max(MAX_CHAT_TEXT),
	/** The bot's cards (absent on people's messages). */
	cards: z.array(BotCard).max(10).optional(),
	at: Instant,
});
export type ChatText = z.infer<typeof ChatText>;

/**
 * Something that happened to the conversation, stored in its history like a message:
 * - `handed_over`: the shopper asked for a person (or the bot did); it waits in the lobby.
 * - `agents_offline`: handed over while no agent is online; the shopper may leave a message
 *   (the widget posts it to the core as a support ticket).
 * - `claimed`: an agent took it from the lobby (`agent`); `joined`: that agent's console connected.
 * - `transferred`: handed from one agent (`from`) to another (`agent`).
 * - `closed`: it is over; the transcript went to the core and the room takes no more messages.
 */
export const SYSTEM_EVENTS = ["joined", "handed_over", "agents_offline", "claimed", "transferred", "closed"] as const;
export const ChatSystem = z.object({
	type: z.literal("system"),
	id: MessageId,
	event: z.enum(SYSTEM_EVENTS),
	/** The agent the event is about (claimed, joined, transferred: the new one). */
	agent: z.string().max(80).optional(),
	/** transferred: the agent who handed it on. */
	from: z.string().max(80).optional(),
	at: Instant,
});
export type ChatSystem = z.infer<typeof ChatSystem>;

export const ChatEntry = z.discriminatedUnion("type", [ChatText, ChatSystem]);
export type ChatEntry = z.infer<typeof ChatEntry>;

/**
 * - `bot`: the bot answers; no agent has it.
 * - `waiting`: handed over, in the lobby's queue.
 * - `active`: an agent has it.
 * - `closed`: over.
 */
export const CONVERSATION_STATES = ["bot", "waiting", "active", "closed"] as const;
export const ConversationState = z.enum(CONVERSATION_STATES);
export type ConversationState = z.infer<typeof ConversationState>;

// ——— Client → conversation room.

export const HelloFrame = z.strictObject({
	type: z.literal("hello"),
	/** The highest message id this client has seen (0: none); the room replays what came after. */
	lastSeenId: z.number().int().min(0),
});
export const SendTextFrame = z.strictObject({
	type: z.literal("text"),
	clientId: ClientMessageId,
	text: z.string().trim().min(1).max(MAX_CHAT_TEXT),
});
export const TypingFrame = z.strictObject({ type: z.literal("typing"), typing: z.boolean() });
/** The sender has read everything up to and including `upTo`. */
export const ReadFrame = z.strictObject({ type: z.literal("read"), upTo: z.number().int().min(0) });
/** "Talk to a person": the shopper asks to be handed to an agent. */
export const HandoverFrame = z.strictObject({ type: z.literal("handover") });
/** Ends the conversation (its shopper or its agent). */
export const CloseFrame = z.strictObject({ type: z.literal("close") });

export const RoomClientFrame = z.discriminatedUnion("type", [
	HelloFrame,
	SendTextFrame,
	TypingFrame,
	ReadFrame,
	HandoverFrame,
	CloseFrame,
]);
export type RoomClientFrame = z.infer<typeof RoomClientFrame>;

// ——— Conversation room → client.

export const ERROR_CODES = [
	/** Not JSON. */
	"bad_json",
	/** JSON, but no frame this room knows (`type` missing or unknown). */
	"unknown_type",
	/** A known type with fields that do not fit it (`detail` says which). */
	"invalid",
	/** More than MAX_CHAT_FRAME_BYTES. */
	"too_large",
	/** Sent faster than the room takes; the frame was dropped, send it again later. */
	"too_fast",
	/** Not something this connection may do (an agent's move from a shopper, a claim already taken). */
	"forbidden",
	/** The conversation is closed. */
	"closed",
	/** The bot could not answer just now; the shopper may ask again or ask for a person. */
	"bot_unavailable",
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorFrame = z.object({
	type: z.literal("error"),
	code: ErrorCode,
	detail: z.string(),
	/** The text a refused frame carried, so the client can mark that message as not sent. */
	clientId: ClientMessageId.optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

/** The room stored the client's text (or had it already) under `id`. */
export const AckFrame = z.object({ type: z.literal("ack"), clientId: ClientMessageId, id: MessageId });

/** The answer to `hello`: what came after `lastSeenId`, and where the conversation stands. */
export const HistoryFrame = z.object({
	type: z.literal("history"),
	conversationId: ConversationId,
	entries: z.array(ChatEntry),
	state: ConversationState,
	/** The agent who has it (active). */
	agent: z.string().max(80).nullable(),
	/** The highest id the other side has read (for "seen" marks). */
	readUpTo: z.number().int().min(0),
});
export type HistoryFrame = z.infer<typeof HistoryFrame>;

export const PeerTypingFrame = z.object({ type: z.literal("typing"), author: Author, typing: z.boolean() });
export const PeerReadFrame = z.object({ type: z.literal("read"), author: Author, upTo: z.number().int().min(0) });

export const RoomServerFrame = z.discriminatedUnion("type", [
	ChatText,
	ChatSystem,
	AckFrame,
	ErrorFrame,
	HistoryFrame,
	PeerTypingFrame,
	PeerReadFrame,
]);
export type RoomServerFrame = z.infer<typeof RoomServerFrame>;

// ——— The agents' lobby.

export const AGENT_PRESENCE = ["online", "away"] as const;
export const AgentPresence = z.enum(AGENT_PRESENCE);
export type AgentPresence = z.infer<typeof AgentPresence>;

export const QueueEntry = z.object({
	conversationId: ConversationId,
	/** What the shopper is called in the console (their name, or "Guest …"). */
	shopperName: z.string().max(80),
	/** The shopper's account (null for a guest): the console shows their recent orders. */
	customerId: z.string().max(64).nullable(),
	/** When it was handed over; the wait is now − waitingSince. */
	waitingSince: Instant,
	state: z.enum(["waiting", "active"]),
	/** The agent who has it (active). */
	agentId: z.string().max(64).optional(),
	agentName: z.string().max(80).optional(),
});
export type QueueEntry = z.infer<typeof QueueEntry>;

export const AgentStatus = z.object({
	agentId: z.string().max(64),
	name: z.string().max(80),
	status: AgentPresence,
});
export type AgentStatus = z.infer<typeof AgentStatus>;

export const ClaimFrame = z.strictObject({ type: z.literal("claim"), conversationId: ConversationId });
/** Hands a conversation the sender has to another agent (who must be connected to the lobby). */
export const TransferFrame = z.strictObject({
	type: z.literal("transfer"),
	conversationId: ConversationId,
	toAgentId: z.string().min(1).max(64),
});
export const PresenceFrame = z.strictObject({ type: z.literal("presence"), status: AgentPresence });

export const LobbyClientFrame = z.discriminatedUnion("type", [ClaimFrame, TransferFrame, PresenceFrame]);
export type LobbyClientFrame = z.infer<typeof LobbyClientFrame>;

/** The whole picture, sent on connect and after every change (it is small: open conversations only). */
export const QueueFrame = z.object({
	type: z.literal("queue"),
	entries: z.array(QueueEntry),
	agents: z.array(AgentStatus),
	now: Instant,
});
export type QueueFrame = z.infer<typeof QueueFrame>;
/** To the agent whose claim won (or who received a transfer): open the conversation's room now. */
export const ClaimedFrame = z.object({
	type: z.literal("claimed"),
	conversationId: ConversationId,
	agentId: z.string().max(64),
	agentName: z.string().max(80),
});
/** To an agent whose claim lost: someone else has it. */
export const TakenFrame = z.object({
	type: z.literal("taken"),
	conversationId: ConversationId,
	agentName: z.string().max(80),
});

export const LobbyServerFrame = z.discriminatedUnion("type", [QueueFrame, ClaimedFrame, TakenFrame, ErrorFrame]);
export type LobbyServerFrame = z.infer<typeof LobbyServerFrame>;

// ——— Joining: POST /api/support/join → a ticket for one connection to one room.

/**
 * A shopper sends `{}` (their open conversation, or a new one). An agent (support_agent or admin)
 * sends `{target: "lobby"}` or `{conversationId}` (a conversation they have claimed).
 */
export const SupportJoinRequest = z.strictObject({
	target: z.enum(["conversation", "lobby"]).default("conversation"),
	conversationId: ConversationId.optional(),
});
export type SupportJoinRequest = z.input<typeof SupportJoinRequest>;

export const SupportJoinAnswer = z.object({
	ticket: z.string(),
	party: z.enum([SUPPORT_ROOM_PARTY, SUPPORT_LOBBY_PARTY]),
	room: z.string(),
	/** The conversation (absent for the lobby). */
	conversationId: ConversationId.optional(),
	expiresAt: Instant,
});
export type SupportJoinAnswer = z.infer<typeof SupportJoinAnswer>;

/** What a ticket vouches for (signed by the edge, opened by the room's gate). */
export const ChatTicketClaims = z.object({
	v: z.literal(1),
	party: z.enum([SUPPORT_ROOM_PARTY, SUPPORT_LOBBY_PARTY]),
	room: z.string().max(64),
	kind: z.enum(["shopper", "agent"]),
	/** usr_… for a signed-in person, the cart token's hash-derived id (`guest_…`) for a guest. */
	sub: z.string().max(80),
	name: z.string().max(80),
	customerId: z.string().max(64).nullable(),
	guestId: z.string().max(80).nullable(),
	/** Milliseconds since the epoch. */
	exp: z.number().int(),
	/** Single use: the room remembers it until `exp`. */
	nonce: z.string().regex(/^[0-9a-f]{32}$/),
});
export type ChatTicketClaims = z.infer<typeof ChatTicketClaims>;

// ——— Room → core (signed by the edge as the service caller `{user: "edge", roles: ["service"]}`).

/** POST /support/bot/answer */
export const BotAnswerRequest = z.strictObject({
	conversationId: ConversationId,
	customerId: z.string().max(64).nullable(),
	text: z.string().min(1).max(MAX_CHAT_TEXT),
});
export type BotAnswerRequest = z.infer<typeof BotAnswerRequest>;

export const BotAnswer = z.object({
	text: z.string().max(MAX_CHAT_TEXT),
	cards: z.array(BotCard).max(10),
	/** false: the bot is guessing, and says so. */
	confident: z.boolean(),
	/** true: hand the conversation to a person now. */
	handover: z.boolean(),
});
export type BotAnswer = z.infer<typeof BotAnswer>;

/** PUT /support/conversations/:id/transcript (idempotent by conversation id: 201 first, 200 after). */
export const SupportTranscript = z.strictObject({
	customerId: z.string().max(64).nullable(),
	guestId: z.string().max(80).nullable(),
	openedAt: Instant,
	closedAt: Instant,
	agentIds: z.array(z.string().max(64)).max(50),
	messages: z.array(ChatEntry).max(10_000),
});
export type SupportTranscript = z.infer<typeof SupportTranscript>;
