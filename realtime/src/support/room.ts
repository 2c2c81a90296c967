import {
	type Author,
	type BotAnswer,
	type BotAnswerRequest,
	type ChatSystem,
	type ChatText,
	type ConversationState,
	RoomClientFrame,
	SUPPORT_LOBBY_ROOM,
	type SupportTranscript,
} from "@bazaar/contracts/chat";
import { type Connection, Server, type WSMessage } from "partyserver";
import type { Member, SupportEnv } from "./env";
import { acceptFrame, errorFrame } from "./frames";
import { Members, memberOfRequest } from "./member";
import { consumeNonce, createNonceTable } from "./nonces";
import { Peers } from "./peers";
import { Sent } from "./sent";
import { rateOf, Throttle } from "./throttle";

// One support conversation (DESIGN.md, data flow 5): its shopper, the bot while no agent has it,
// and the agent who claimed it. Guarantees:
// - Every message is stored in the object's SQLite before it is acknowledged (the platform holds
//   outgoing frames until the write is durable), under the next id (1, 2, 3, …), once: a text
//   resent with the same clientId is acknowledged with its first id and stored no second time.
// - `hello {lastSeenId}` replays everything after that id, so a reconnect loses nothing.
// - A frame that is not JSON, of an unknown type, malformed, too large or over the sender's rate
//   gets an error frame; the connection stays up.
// - Closing sends the transcript to the core (idempotent there by conversation id), retried by
//   an alarm until the core has it.
// The core is reached through `supportCore()`, which the Worker that binds this class provides
// (edge/src/support/room.ts: the edge's signed core calls).

/** What the room asks of the core's `support` module. */
export interface SupportCore {
	/** The bot's answer to the shopper's text, or null when the core could not give one now. */
	botAnswer(request: BotAnswerRequest): Promise<BotAnswer | null>;
	/** True once the core holds the transcript (stored now or before). */
	saveTranscript(conversationId: string, transcript: SupportTranscript): Promise<boolean>;
}

interface Conversation {
	state: ConversationState;
	/** The shopper whose conversation this is: the first one admitted (the edge made the id for them). */
	shopper: Member | null;
	openedAt: string;
	closedAt: string | null;
	agent: { id: string; name: string } | null;
	/** The current agent's console has connected since the claim (one `joined` per claim). */
	agentJoined: boolean;
	agentIds: string[];
	/** The highest id each side has marked read. */
	readUpTo: { shopper: number; agent: number };
	/** The bot's unsure answers in a row; the second hands the conversation to a person. */
	unsure: number;
	transcriptSent: boolean;
}

const ROOM_TYPES: ReadonlySet<string> = new Set(RoomClientFrame.options.map((o) => o.shape.type.value));
const BOT: Author = { kind: "bot", name: "Bazaar assistant" };
/** Unsure bot answers in a row before the conversation goes to a person. */
const UNSURE_LIMIT = 2;
/** Entries per history frame: a long conversation is replayed in several frames, in order. */
const HISTORY_CHUNK = 200;
const TRANSCRIPT_RETRY_MS = 30_000;
/** Stored entries a conversation may hold (the transcript's limit); SUPPORT_CHAT_MAX_MESSAGES overrides. */
export const MAX_CONVERSATION_ENTRIES = 10_000;

type NewText = Omit<ChatText, "id">;
type NewSystem = Omit<ChatSystem, "id">;

export abstract class SupportRoom extends Server<Cloudflare.Env & SupportEnv> {
	// Idle conversations (most of them, most of the time) are evicted with their sockets kept open.
	static override options = { hibernate: true };

	/** The core's `support` module, as the binding Worker reaches it. */
	protected abstract supportCore(): SupportCore;

	readonly #members = new Members();
	readonly #peers = new Peers(() => this.getConnections());
	readonly #sent = new Sent(() =>
		this.ctx.storage.sql.exec<{ id: number; sender: string; client_id: string }>(
			"SELECT id, sender, client_id FROM messages",
		),
	);
	readonly #throttle: Throttle;
	readonly #maxEntries: number;
	#conversation: Conversation | undefined;
	#lastId: number | undefined;

	constructor(ctx: DurableObjectState, env: Cloudflare.Env & SupportEnv) {
		super(ctx, env);
		// Here, not in onStart: the gate's `admit` and the lobby's `assign` arrive as RPC calls,
		// which do not pass through partyserver's start-up.
		const sql = ctx.storage.sql;
		createNonceTable(sql);
		sql.exec(
			"CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, sender TEXT NOT NULL, client_id TEXT NOT NULL, entry TEXT NOT NULL)",
		);
		sql.exec("CREATE TABLE IF NOT EXISTS conversation (one INTEGER PRIMARY KEY CHECK (one = 1), body TEXT NOT NULL)");
		this.#throttle = new Throttle(rateOf(env.SUPPORT_CHAT_RATE));
		const max = Number(env.SUPPORT_CHAT_MAX_MESSAGES);
		this.#maxEntries = Number.isSafeInteger(max) && max > 0 ? max : MAX_CONVERSATION_ENTRIES;
	}

	/** Spends a join ticket's nonce (the gate calls this before the upgrade): false if it was spent before. */
	admit(nonce: string, expiresAt: number): boolean {
		return consumeNonce(this.ctx.storage.sql, nonce, expiresAt);
	}

	/**
	 * The lobby gives the conversation to an agent (a claim or a transfer). A previous agent's
	 * connections are closed: the conversation is no longer theirs. False when it is closed.
	 */
	assign(agent: { id: string; name: string }, how: "claimed" | "transferred"): boolean {
		const conv = this.#conv();
		if (conv.state === "closed") return false;
		const previous = conv.agent;
		conv.agent = agent;
		conv.state = "active";
		conv.agentJoined = false;
		conv.unsure = 0;
		if (!conv.agentIds.includes(agent.id)) conv.agentIds.push(agent.id);
		this.#save();
		this.#post("system", {
			type: "system",
			event: how,
			agent: agent.name,
			...(how === "transferred" && previous ? { from: previous.name } : {}),
			at: now(),
		});
		if (previous && previous.id !== agent.id) {
			for (const c of this.getConnections()) {
				const member = this.#members.of(c);
				if (member?.kind === "agent" && member.sub === previous.id) c.close(4003, "The conversation was transferred.");
			}
		}
		return true;
	}

	override onConnect(connection: Connection, ctx: { request: Request }): void {
		const member = memberOfRequest(ctx.request);
		if (!member) {
			connection.close(4001, "Join with a ticket.");
			return;
		}
		const conv = this.#conv();
		if (member.kind === "shopper") {
			if (!conv.shopper) {
				conv.shopper = member;
				this.#save();
			} else if (conv.shopper.sub !== member.sub) {
				connection.close(4003, "This conversation is someone else's.");
				return;
			}
		} else if (conv.agent?.id !== member.sub) {
			connection.close(4003, "This conversation is not yours: claim it in the lobby first.");
			return;
		}
		this.#members.admit(connection, member);
		this.#peers.add(connection);
		if (member.kind === "agent" && !conv.agentJoined && conv.state === "active") {
			conv.agentJoined = true;
			this.#save();
			this.#post("system", { type: "system", event: "joined", agent: member.name, at: now() });
		}
	}

	override async onMessage(connection: Connection, message: WSMessage): Promise<void> {
		const frame = acceptFrame(connection, message, this.#throttle, RoomClientFrame, ROOM_TYPES);
		if (!frame) return;
		const member = this.#members.of(connection);
		if (!member) return;
		switch (frame.type) {
			case "hello":
				this.#replay(connection, member, frame.lastSeenId);
				return;
			case "text":
				return this.#text(connection, member, frame.clientId, frame.text);
			case "typing":
				this.#peers.send(
					JSON.stringify({ type: "typing", author: authorOf(member), typing: frame.typing }),
					connection.id,
				);
				return;
			case "read":
				this.#read(connection, member, frame.upTo);
				return;
			case "handover":
				if (member.kind !== "shopper") {
					connection.send(errorFrame("forbidden", "Only the shopper asks for a person; close or transfer instead."));
					return;
				}
				return this.#handover();
			case "close":
				return this.#close();
		}
	}

	override onClose(connection: Connection): void {
		this.#throttle.forget(connection.id);
		this.#members.forget(connection);
		this.#peers.forget(connection);
	}

	override async onAlarm(): Promise<void> {
		if (this.#conv().state === "closed") await this.#sendTranscript();
	}

	async #text(connection: Connection, member: Member, clientId: string, text: string): Promise<void> {
		const conv = this.#conv();
		if (conv.state === "closed") {
			connection.send(errorFrame("closed", "This conversation is closed.", clientId));
			return;
		}
		if (this.#nextId() > this.#maxEntries) {
			connection.send(errorFrame("forbidden", "This conversation is full: close it and start a new one.", clientId));
			return;
		}
		const entry: NewText = { type: "text", clientId, author: authorOf(member), text, at: now() };
		const stored = this.#post(member.sub, entry, connection.id);
		connection.send(`{"type":"ack","clientId":${JSON.stringify(clientId)},"id":${stored.id}}`);
		if (stored.fresh && member.kind === "shopper" && (conv.state === "bot" || conv.state === "waiting")) {
			await this.#askBot(text);
		}
	}

	async #askBot(text: string): Promise<void> {
		const conv = this.#conv();
		let answer: BotAnswer | null;
		try {
			answer = await this.supportCore().botAnswer({
				conversationId: this.name,
				customerId: conv.shopper?.customerId ?? null,
				text,
			});
		} catch (err) {
			console.error(`support bot for ${this.name}`, err);
			answer = null;
		}
		if (!answer) {
			this.#toShoppers(
				errorFrame("bot_unavailable", "The assistant cannot answer right now. Ask again, or ask for a person."),
			);
			return;
		}
		// An agent may have taken over while the bot was thinking: then the bot keeps quiet.
		if (conv.state !== "bot" && conv.state !== "waiting") return;
		const id = this.#nextId();
		this.#post("bot", {
			type: "text",
			clientId: `bot-${id}`,
			author: BOT,
			text: answer.text,
			cards: answer.cards,
			at: now(),
		});
		conv.unsure = answer.confident ? 0 : conv.unsure + 1;
		this.#save();
		if (answer.handover || conv.unsure >= UNSURE_LIMIT) await this.#handover();
	}

	/** "Talk to a person": the conversation waits in the lobby; the shopper hears if nobody is online. */
	async #handover(): Promise<void> {
		const conv = this.#conv();
		if (conv.state !== "bot") return;
		conv.state = "waiting";
		this.#save();
		this.#postSystem("handed_over");
		const { agentsOnline } = await this.#lobby().handover(this.name, {
			shopperName: conv.shopper?.name ?? "Guest",
			shopperSub: conv.shopper?.sub ?? "",
			customerId: conv.shopper?.customerId ?? null,
		});
		if (!agentsOnline && conv.state === "waiting") this.#postSystem("agents_offline");
	}

	async #close(): Promise<void> {
		const conv = this.#conv();
		if (conv.state === "closed") return;
		conv.state = "closed";
		conv.closedAt = now();
		this.#save();
		this.#postSystem("closed");
		try {
			await this.#lobby().closed(this.name);
		} catch (err) {
			// The lobby's entry goes stale, not the conversation: the transcript still goes out.
			console.error(`support lobby: closing ${this.name}`, err);
		}
		await this.#sendTranscript();
	}

	async #sendTranscript(): Promise<void> {
		const conv = this.#conv();
		if (conv.transcriptSent) return;
		const messages = this.ctx.storage.sql
			.exec<{ entry: string }>("SELECT entry FROM messages ORDER BY id")
			.toArray()
			.map((r) => JSON.parse(r.entry));
		const transcript: SupportTranscript = {
			customerId: conv.shopper?.customerId ?? null,
			guestId: conv.shopper?.guestId ?? null,
			openedAt: conv.openedAt,
			closedAt: conv.closedAt ?? now(),
			agentIds: conv.agentIds,
			messages,
		};
		let saved = false;
		try {
			saved = await this.supportCore().saveTranscript(this.name, transcript);
		} catch (err) {
			console.error(`support transcript for ${this.name}`, err);
		}
		if (saved) {
			conv.transcriptSent = true;
			this.#save();
		} else {
			await this.ctx.storage.setAlarm(Date.now() + TRANSCRIPT_RETRY_MS);
		}
	}

	#replay(connection: Connection, member: Member, lastSeenId: number): void {
		const conv = this.#conv();
		const theirs = member.kind === "shopper" ? conv.readUpTo.agent : conv.readUpTo.shopper;
		// Stored entries are JSON already: the frame is assembled around them, not re-encoded.
		const head = `{"type":"history","conversationId":${JSON.stringify(this.name)},"state":"${conv.state}","agent":${JSON.stringify(conv.agent?.name ?? null)},"readUpTo":${theirs},"entries":[`;
		let after = lastSeenId;
		for (;;) {
			const rows = this.ctx.storage.sql
				.exec<{ id: number; entry: string }>(
					"SELECT id, entry FROM messages WHERE id > ? ORDER BY id LIMIT ?",
					after,
					HISTORY_CHUNK,
				)
				.toArray();
			connection.send(`${head}${rows.map((r) => r.entry).join(",")}]}`);
			const last = rows.at(-1);
			if (rows.length < HISTORY_CHUNK || !last) return;
			after = last.id;
		}
	}

	#read(connection: Connection, member: Member, upTo: number): void {
		const conv = this.#conv();
		const side = member.kind === "shopper" ? "shopper" : "agent";
		const mark = Math.min(upTo, this.#nextId() - 1);
		if (mark <= conv.readUpTo[side]) return;
		conv.readUpTo[side] = mark;
		this.#save();
		this.#peers.send(JSON.stringify({ type: "read", author: authorOf(member), upTo: mark }), connection.id);
	}

	/**
	 * Stores an entry under the next id and sends it to everyone but `except` (the sender, who is
	 * answered with an ack). A text whose (sender, clientId) is stored already is not stored or
	 * sent again: its first id is returned.
	 */
	#post(sender: string, entry: NewText | NewSystem, except?: string): { id: number; fresh: boolean } {
		const clientId = entry.type === "text" ? entry.clientId : `sys-${this.#nextId()}`;
		const first = this.#sent.idOf(sender, clientId);
		if (first !== undefined) return { id: first, fresh: false };
		const id = this.#nextId();
		const json = JSON.stringify({ ...entry, id });
		this.ctx.storage.sql.exec(
			"INSERT INTO messages (id, sender, client_id, entry) VALUES (?, ?, ?, ?)",
			id,
			sender,
			clientId,
			json,
		);
		this.#sent.add(sender, clientId, id);
		this.#lastId = id;
		this.#peers.send(json, except);
		return { id, fresh: true };
	}

	#postSystem(event: ChatSystem["event"]): void {
		this.#post("system", { type: "system", event, at: now() });
	}

	#toShoppers(frame: string): void {
		for (const c of this.getConnections()) if (this.#members.of(c)?.kind === "shopper") c.send(frame);
	}

	#nextId(): number {
		this.#lastId ??= this.ctx.storage.sql
			.exec<{ last: number }>("SELECT coalesce(max(id), 0) AS last FROM messages")
			.one().last;
		return this.#lastId + 1;
	}

	#conv(): Conversation {
		if (!this.#conversation) {
			const row = this.ctx.storage.sql.exec<{ body: string }>("SELECT body FROM conversation").toArray()[0];
			this.#conversation = row
				? (JSON.parse(row.body) as Conversation)
				: {
						state: "bot",
						shopper: null,
						openedAt: now(),
						closedAt: null,
						agent: null,
						agentJoined: false,
						agentIds: [],
						readUpTo: { shopper: 0, agent: 0 },
						unsure: 0,
						transcriptSent: false,
					};
		}
		return this.#conversation;
	}

	#save(): void {
		this.ctx.storage.sql.exec(
			"INSERT INTO conversation (one, body) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET body = excluded.body",
			JSON.stringify(this.#conv()),
		);
	}

	#lobby() {
		return this.env.SupportLobby.getByName(SUPPORT_LOBBY_ROOM);
	}
}

const now = () => new Date().toISOString();
const authorOf = (member: Member): Author => ({ kind: member.kind, name: member.name });
