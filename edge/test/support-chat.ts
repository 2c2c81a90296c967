import { exports } from "cloudflare:workers";
import { type ChatEntry, SupportJoinAnswer, type SupportJoinRequest } from "@bazaar/contracts/chat";
import { expect } from "vitest";
import { connect, Inbox } from "../../realtime/test/sockets";
import { accountWithRoles, edge, ORIGIN, signIn } from "./helpers";

// People and sockets for the support chat tests: accounts with roles, join tickets from the real
// POST /api/support/join, WebSockets upgraded through the Worker's own fetch handler with a
// browser's Origin, and a client that keeps what a widget keeps (last id seen, unacknowledged texts).

export const HOST = "shop.example";
export const BROWSER = { origin: ORIGIN };

export type Frame = { type: string; [key: string]: unknown };
export type Auth = Record<string, string>;

let adminToken: string | undefined;

/** A fresh account with `roles`; its bearer header and user id. */
export async function person(roles: ("customer" | "support_agent" | "admin")[], name: string) {
	adminToken ??= await signIn();
	const account = await accountWithRoles(roles, adminToken, name);
	return { id: account.user.id, name, auth: { authorization: `Bearer ${account.token}` } as Auth };
}

export function join(auth: Auth, body: SupportJoinRequest | string = {}, headers: Record<string, string> = {}) {
	return edge("/api/support/join", {
		method: "POST",
		headers: { "content-type": "application/json", origin: ORIGIN, ...auth, ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

export async function ticketFor(auth: Auth, body: SupportJoinRequest = {}): Promise<SupportJoinAnswer> {
	const res = await join(auth, body);
	expect(res.status, await res.clone().text()).toBe(200);
	return SupportJoinAnswer.parse(await res.json());
}

export const wsUrl = (a: { party: string; room: string; ticket: string }) =>
	`wss://${HOST}/parties/${a.party}/${a.room}?ticket=${encodeURIComponent(a.ticket)}`;

/** The raw upgrade, to see a refusal's status and problem. */
export function upgrade(url: string, headers: Record<string, string> = BROWSER): Promise<Response> {
	return exports.default.fetch(url.replace(/^ws/, "http"), { headers: { ...headers, Upgrade: "websocket" } });
}

/** One WebSocket and what arrived on it. */
export class Peer {
	readonly inbox = new Inbox();
	readonly closed: Promise<{ code: number; reason: string }>;

	constructor(readonly ws: WebSocket) {
		ws.addEventListener("message", (e) => this.inbox.push(typeof e.data === "string" ? e.data : "<binary>"));
		this.closed = new Promise((resolve) =>
			ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
		);
	}

	send(frame: object | string | Uint8Array): void {
		this.ws.send(typeof frame === "object" && !(frame instanceof Uint8Array) ? JSON.stringify(frame) : frame);
	}

	/** The next frame that matches (consumed), waiting up to `ms`. */
	async next<T = Frame>(match: (f: Frame) => boolean, ms?: number): Promise<T> {
		const data = await this.inbox.next((d) => {
			try {
				return match(JSON.parse(d) as Frame);
			} catch {
				return false;
			}
		}, ms);
		return JSON.parse(data) as T;
	}

	async none(match: (f: Frame) => boolean, ms = 300): Promise<void> {
		await expect(this.next(match, ms)).rejects.toThrow();
	}

	close(): void {
		this.ws.close(1000, "done");
	}
}

/** Joins (ticket) and connects; `hello` is left to the test. */
export async function enter(auth: Auth, body: SupportJoinRequest = {}): Promise<Peer & { answer: SupportJoinAnswer }> {
	const answer = await ticketFor(auth, body);
	return Object.assign(new Peer(await connect(wsUrl(answer), BROWSER)), { answer });
}

export const isEvent = (event: string) => (f: Frame) => f.type === "system" && f.event === event;
export const isText = (text: string) => (f: Frame) => f.type === "text" && f.text === text;
export const isError = (code: string) => (f: Frame) => f.type === "error" && f.code === code;

type QueueFrame = {
	entries: { conversationId: string; state: string; agentId?: string }[];
	agents: { agentId: string }[];
};
export const inQueue = (conversationId: string, state: string) => (f: Frame) =>
	f.type === "queue" &&
	(f as unknown as QueueFrame).entries.some((e) => e.conversationId === conversationId && e.state === state);

/**
 * What a widget or console keeps: every entry by id (a replay and a live frame of the same id are
 * one entry), the highest id seen, and the texts sent but not acknowledged, which it sends again
 * (same clientId) whenever it connects.
 */
export class ChatModel {
	readonly entries = new Map<number, ChatEntry>();
	readonly unacked = new Map<string, string>();
	/** Every id delivered live or replayed, duplicates included: nothing may arrive twice live. */
	readonly liveIds: number[] = [];
	#n = 0;

	constructor(readonly prefix: string) {}

	get lastSeen(): number {
		return Math.max(0, ...this.entries.keys());
	}

	/** The frames to send on (re)connect: hello, then every unacknowledged text. */
	onOpen(): object[] {
		return [
			{ type: "hello", lastSeenId: this.lastSeen },
			...[...this.unacked].map(([clientId, text]) => ({ type: "text", clientId, text })),
		];
	}

	text(text: string): object {
		const clientId = `${this.prefix}-${++this.#n}`;
		this.unacked.set(clientId, text);
		return { type: "text", clientId, text };
	}

	receive(frame: Frame): void {
		if (frame.type === "history") for (const e of frame.entries as ChatEntry[]) this.entries.set(e.id, e);
		if (frame.type === "text" || frame.type === "system") {
			const entry = frame as unknown as ChatEntry;
			this.liveIds.push(entry.id);
			this.entries.set(entry.id, entry);
		}
		if (frame.type === "ack") {
			const clientId = frame.clientId as string;
			const text = this.unacked.get(clientId);
			// The sender's own text comes back only as an ack: it is an entry under that id.
			if (text !== undefined) {
				const author = { kind: "shopper" as const, name: "" };
				this.entries.set(frame.id as number, { type: "text", id: frame.id as number, clientId, author, text, at: "" });
			}
			this.unacked.delete(clientId);
		}
	}
}
