import { type AgentPresence, type AgentStatus, LobbyClientFrame, type QueueEntry } from "@bazaar/contracts/chat";
import { newId } from "@bazaar/ids";
import { type Connection, Server, type WSMessage } from "partyserver";
import type { Member, SupportEnv } from "./env";
import { acceptFrame, errorFrame } from "./frames";
import { Members, memberOfRequest } from "./member";
import { consumeNonce, createNonceTable } from "./nonces";
import { rateOf, Throttle } from "./throttle";

// The agents' lobby (one object, `support-lobby/agents`): every open conversation (the edge asks it
// for a shopper's open one, or a new id), the queue of those handed to a person with their wait,
// who has which, and which agents are online. Guarantees:
// - A claim is exactly-once: the check ("still waiting?") and the write ("it is mine") are one
//   synchronous step with no await between them, and the object runs one step at a time; every
//   other claimant is answered `taken`. The room hears of its agent after that.
// - Agents only: the gate admits agent tickets here, and the edge mints them only for the
//   support_agent and admin roles.

type Agent = Member & { status: AgentPresence };

interface ConversationRow extends Record<string, SqlStorageValue> {
	id: string;
	shopper_name: string;
	customer_id: string | null;
	state: "bot" | "waiting" | "active";
	waiting_since: string | null;
	agent_id: string | null;
	agent_name: string | null;
}

const LOBBY_TYPES: ReadonlySet<string> = new Set(LobbyClientFrame.options.map((o) => o.shape.type.value));
/** A conversation nobody handed over for a day is forgotten: the shopper's next join starts a new one. */
const BOT_CONVERSATION_TTL_MS = 24 * 3600 * 1000;

export class SupportLobby extends Server<Cloudflare.Env & SupportEnv> {
	static override options = { hibernate: true };

	readonly #members = new Members<Agent>();
	readonly #throttle: Throttle;

	constructor(ctx: DurableObjectState, env: Cloudflare.Env & SupportEnv) {
		super(ctx, env);
		const sql = ctx.storage.sql;
		createNonceTable(sql);
		sql.exec(`CREATE TABLE IF NOT EXISTS conversations (
			id TEXT PRIMARY KEY,
			shopper_sub TEXT NOT NULL,
			shopper_name TEXT NOT NULL,
			customer_id TEXT,
			state TEXT NOT NULL,
			opened_at INTEGER NOT NULL,
			waiting_since TEXT,
			agent_id TEXT,
			agent_name TEXT
		)`);
		sql.exec("CREATE INDEX IF NOT EXISTS conversations_by_state ON conversations (state, opened_at)");
		sql.exec("CREATE INDEX IF NOT EXISTS conversations_by_shopper ON conversations (shopper_sub, opened_at)");
		this.#throttle = new Throttle(rateOf(env.SUPPORT_CHAT_RATE));
	}

	admit(nonce: string, expiresAt: number): boolean {
		return consumeNonce(this.ctx.storage.sql, nonce, expiresAt);
	}

	/** The shopper's open conversation, or a new one: a shopper has at most one open at a time. */
	openConversation(shopper: { sub: string; name: string; customerId: string | null }): string {
		const open = this.openConversationOf(shopper.sub);
		if (open) return open;
		const now = Date.now();
		const id = newId("cnv");
		this.ctx.storage.sql.exec(
			"INSERT INTO conversations (id, shopper_sub, shopper_name, customer_id, state, opened_at) VALUES (?, ?, ?, ?, 'bot', ?)",
			id,
			shopper.sub,
			shopper.name,
			shopper.customerId,
			now,
		);
		return id;
	}

	/** The shopper's open conversation (null: none). */
	openConversationOf(shopperSub: string): string | null {
		const sql = this.ctx.storage.sql;
		sql.exec("DELETE FROM conversations WHERE state = 'bot' AND opened_at < ?", Date.now() - BOT_CONVERSATION_TTL_MS);
		const open = sql
			.exec<{ id: string }>(
				"SELECT id FROM conversations WHERE shopper_sub = ? ORDER BY opened_at DESC LIMIT 1",
				shopperSub,
			)
			.toArray()[0];
		return open?.id ?? null;
	}

	/** The agent who has the conversation now (null: nobody, or no such open conversation). */
	assignedAgent(conversationId: string): string | null {
		return (
			this.ctx.storage.sql
				.exec<{ agent_id: string | null }>("SELECT agent_id FROM conversations WHERE id = ?", conversationId)
				.toArray()[0]?.agent_id ?? null
		);
	}

	/** The room handed its conversation to a person: it joins the queue. Says whether any agent is online. */
	handover(
		conversationId: string,
		shopper: { shopperName: string; shopperSub: string; customerId: string | null },
	): { agentsOnline: boolean } {
		this.ctx.storage.sql.exec(
			`INSERT INTO conversations (id, shopper_sub, shopper_name, customer_id, state, opened_at, waiting_since)
			 VALUES (?, ?, ?, ?, 'waiting', ?, ?)
			 ON CONFLICT (id) DO UPDATE SET state = 'waiting', waiting_since = excluded.waiting_since WHERE state = 'bot'`,
			conversationId,
			shopper.shopperSub,
			shopper.shopperName,
			shopper.customerId,
			Date.now(),
			new Date().toISOString(),
		);
		this.#publish();
		return { agentsOnline: this.#agents().some((a) => a.status === "online") };
	}

	/** The room closed its conversation: it leaves the queue (and the shopper's next join starts a new one). */
	closed(conversationId: string): void {
		this.ctx.storage.sql.exec("DELETE FROM conversations WHERE id = ?", conversationId);
		this.#publish();
	}

	override onConnect(connection: Connection, ctx: { request: Request }): void {
		const member = memberOfRequest(ctx.request);
		if (member?.kind !== "agent") {
			connection.close(4003, "The lobby is for support agents.");
			return;
		}
		this.#members.admit(connection, { ...member, status: "online" });
		this.#publish();
	}

	override onClose(connection: Connection): void {
		this.#throttle.forget(connection.id);
		this.#members.forget(connection);
		this.#publish(connection.id);
	}

	override async onMessage(connection: Connection, message: WSMessage): Promise<void> {
		const frame = acceptFrame(connection, message, this.#throttle, LobbyClientFrame, LOBBY_TYPES);
		if (!frame) return;
		const agent = this.#members.of(connection);
		if (!agent) return;
		switch (frame.type) {
			case "claim":
				return this.#claim(connection, agent, frame.conversationId);
			case "transfer":
				return this.#transfer(connection, agent, frame.conversationId, frame.toAgentId);
			case "presence":
				this.#members.admit(connection, { ...agent, status: frame.status });
				this.#publish();
				return;
		}
	}

	async #claim(connection: Connection, agent: Agent, conversationId: string): Promise<void> {
		const sql = this.ctx.storage.sql;
		const row = this.#row(conversationId);
		if (!row || row.state === "bot") {
			connection.send(errorFrame("invalid", "That conversation is not waiting for a person."));
			return;
		}
		if (row.state === "active") {
			connection.send(
				row.agent_id === agent.sub
					? claimed(conversationId, agent)
					: JSON.stringify({ type: "taken", conversationId, agentName: row.agent_name ?? "" }),
			);
			return;
		}
		// The claim itself: checked above and written here with nothing awaited in between.
		sql.exec(
			"UPDATE conversations SET state = 'active', agent_id = ?, agent_name = ? WHERE id = ?",
			agent.sub,
			agent.name,
			conversationId,
		);
		this.#publish();
		if (await this.#assign(connection, conversationId, agent, "claimed"))
			connection.send(claimed(conversationId, agent));
	}

	async #transfer(connection: Connection, agent: Agent, conversationId: string, toAgentId: string): Promise<void> {
		const row = this.#row(conversationId);
		if (row?.state !== "active" || row.agent_id !== agent.sub) {
			connection.send(errorFrame("forbidden", "You can transfer only a conversation you have."));
			return;
		}
		const target = this.#agents().find((a) => a.sub === toAgentId && a.sub !== agent.sub);
		if (!target) {
			connection.send(errorFrame("invalid", "That agent is not in the lobby."));
			return;
		}
		this.ctx.storage.sql.exec(
			"UPDATE conversations SET agent_id = ?, agent_name = ? WHERE id = ?",
			target.sub,
			target.name,
			conversationId,
		);
		this.#publish();
		if (!(await this.#assign(connection, conversationId, target, "transferred"))) return;
		const note = claimed(conversationId, target);
		for (const c of this.getConnections()) if (this.#members.of(c)?.sub === target.sub) c.send(note);
	}

	#row(conversationId: string): ConversationRow | undefined {
		return this.ctx.storage.sql
			.exec<ConversationRow>(
				"SELECT id, shopper_name, customer_id, state, waiting_since, agent_id, agent_name FROM conversations WHERE id = ?",
				conversationId,
			)
			.toArray()[0];
	}

	/** Connected agents, one entry each (online if any of their consoles is). */
	#agents(excluding?: string): Agent[] {
		const byId = new Map<string, Agent>();
		for (const c of this.getConnections()) {
			if (c.id === excluding) continue;
			const agent = this.#members.of(c);
			if (!agent) continue;
			const seen = byId.get(agent.sub);
			if (!seen || (seen.status === "away" && agent.status === "online")) byId.set(agent.sub, agent);
		}
		return [...byId.values()];
	}

	/** Everyone in the lobby gets the whole queue again: it is small (open hand-overs only). */
	#publish(excluding?: string): void {
		const rows = this.ctx.storage.sql
			.exec<ConversationRow>(
				"SELECT id, shopper_name, customer_id, state, waiting_since, agent_id, agent_name FROM conversations WHERE state IN ('waiting', 'active') ORDER BY waiting_since, id",
			)
			.toArray();
		const entries: QueueEntry[] = rows.map((r) => ({
			conversationId: r.id,
			shopperName: r.shopper_name,
			customerId: r.customer_id,
			waitingSince: r.waiting_since ?? new Date().toISOString(),
			state: r.state === "active" ? "active" : "waiting",
			...(r.agent_id ? { agentId: r.agent_id, agentName: r.agent_name ?? "" } : {}),
		}));
		const agents: AgentStatus[] = this.#agents(excluding).map((a) => ({
			agentId: a.sub,
			name: a.name,
			status: a.status,
		}));
		const frame = JSON.stringify({ type: "queue", entries, agents, now: new Date().toISOString() });
		this.broadcast(frame, excluding === undefined ? undefined : [excluding]);
	}

	/** Tells the room who has it now; a room closed meanwhile leaves the lobby, and `connection` hears so. */
	async #assign(connection: Connection, conversationId: string, agent: Agent, how: "claimed" | "transferred") {
		const room = this.env.SupportRoom.getByName(conversationId);
		if (await room.assign({ id: agent.sub, name: agent.name }, how)) return true;
		this.closed(conversationId);
		connection.send(errorFrame("closed", "That conversation has been closed."));
		return false;
	}
}

const claimed = (conversationId: string, agent: Agent) =>
	JSON.stringify({ type: "claimed", conversationId, agentId: agent.sub, agentName: agent.name });
