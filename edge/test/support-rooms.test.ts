import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type ChatTicketClaims, SUPPORT_ROOM_PARTY } from "@bazaar/contracts/chat";
import { newId } from "@bazaar/ids";
import { signChatTicket } from "@bazaar/signature/chat";
import { PartySocket } from "partysocket";
import { describe, expect, it } from "vitest";
import { connect, workerWebSocketWith } from "../../realtime/test/sockets";
import { edge } from "./helpers";
import {
	BROWSER,
	ChatModel,
	enter,
	type Frame,
	HOST,
	inQueue,
	isError,
	isEvent,
	isText,
	join,
	Peer,
	person,
	ticketFor,
	upgrade,
	wsUrl,
} from "./support-chat";

// The support rooms (realtime/src/support) as the storefront Worker binds them, through real
// WebSockets: who gets in (tickets, Origin), what a bad or flooding client gets, the lobby's claim
// race, transfers, and reconnects that lose and double nothing. The bot's part, which needs the
// core's support module, is in support-handoff.test.ts.

/** A shopper's conversation handed over and claimed by `agent`, with both connected and greeted. */
async function claimedConversation(agentName = "Agent Ann") {
	const shopper = await person(["customer"], "Ada Shopper");
	const agent = await person(["support_agent"], agentName);
	const lobby = await enter(agent.auth, { target: "lobby" });
	await lobby.next((f) => f.type === "queue");
	const s = await enter(shopper.auth);
	const id = s.answer.conversationId as string;
	s.send({ type: "hello", lastSeenId: 0 });
	await s.next((f) => f.type === "history");
	s.send({ type: "handover" });
	await s.next(isEvent("handed_over"));
	await lobby.next(inQueue(id, "waiting"));
	lobby.send({ type: "claim", conversationId: id });
	await lobby.next((f) => f.type === "claimed" && f.conversationId === id);
	await s.next((f) => isEvent("claimed")(f) && f.agent === agentName);
	const a = await enter(agent.auth, { conversationId: id });
	await s.next(isEvent("joined"));
	return { shopper, agent, lobby, s, a, id };
}

describe("joining a support room", () => {
	it("refuses an upgrade without a ticket, from another site, or with a forged, expired, reused or misdirected ticket", async () => {
		const shopper = await person(["customer"], "Gate Shopper");
		const answer = await ticketFor(shopper.auth);
		const id = answer.conversationId as string;
		const roomUrl = `wss://${HOST}/parties/${SUPPORT_ROOM_PARTY}/${id}`;

		expect((await upgrade(roomUrl)).status).toBe(401);
		// A page on another site, or a client that says nothing of where it runs.
		expect((await upgrade(wsUrl(answer), { origin: "https://evil.example" })).status).toBe(403);
		expect((await upgrade(wsUrl(answer), {})).status).toBe(403);
		const [payload, mac] = answer.ticket.split(".") as [string, string];
		const forged = `${payload}.${mac.slice(0, -1)}${mac.endsWith("0") ? "1" : "0"}`;
		expect((await upgrade(wsUrl({ ...answer, ticket: forged }))).status).toBe(401);
		// Someone else's room with this ticket, and the lobby with a shopper's.
		const other = newId("cnv");
		expect((await upgrade(wsUrl({ ...answer, room: other }))).status).toBe(403);
		expect((await upgrade(wsUrl({ ...answer, party: "support-lobby", room: "agents" }))).status).toBe(403);

		// The refusals above spent nothing: the ticket still opens its room, once.
		const first = await upgrade(wsUrl(answer));
		expect(first.status).toBe(101);
		first.webSocket?.accept();
		const again = await upgrade(wsUrl(answer));
		expect(again.status).toBe(401);
		expect(((await again.json()) as { detail: string }).detail).toContain("used already");
		first.webSocket?.close();

		// A genuine ticket past its minute.
		const claims: ChatTicketClaims = {
			v: 1,
			party: SUPPORT_ROOM_PARTY,
			room: id,
			kind: "shopper",
			sub: shopper.id,
			name: shopper.name,
			customerId: shopper.id,
			guestId: null,
			exp: Date.now() - 1,
			nonce: "0f".repeat(16),
		};
		const expired = await upgrade(
			wsUrl({ ...answer, ticket: await signChatTicket(env.BAZAAR_SIGNING_SECRET, claims) }),
		);
		expect(expired.status).toBe(401);
		expect(expired.headers.get("content-type")).toContain("application/problem+json");

		// A plain request to a support room is not a way in either.
		const plain = await edge(`/parties/${SUPPORT_ROOM_PARTY}/${id}`, { headers: BROWSER });
		expect(plain.status).toBe(426);
	});

	it("gives a shopper their own conversation only, and the lobby and claimed rooms only to agents", async () => {
		const shopper = await person(["customer"], "Own Shopper");
		const first = await ticketFor(shopper.auth);
		// The same open conversation every time the shopper (re)joins.
		expect((await ticketFor(shopper.auth)).conversationId).toBe(first.conversationId);
		const stranger = await person(["customer"], "Nosy Shopper");
		expect((await join(stranger.auth, { conversationId: first.conversationId })).status).toBe(404);
		expect((await join(stranger.auth, { target: "lobby" })).status).toBe(403);
		expect((await join({}, { target: "lobby" })).status).toBe(401);
		const agent = await person(["support_agent"], "Unclaimed Agent");
		// Not claimed by this agent: no way into the conversation.
		expect((await join(agent.auth, { conversationId: first.conversationId })).status).toBe(403);
		expect((await join(agent.auth, { target: "lobby" })).status).toBe(200);

		// A guest is their cart cookie: a ticket, a cookie, and the same conversation with that cookie.
		const guest = await join({});
		expect(guest.status).toBe(200);
		const cookie = /(?:__Host-)?bazaar_cart=[^;]+/.exec(guest.headers.get("set-cookie") ?? "")?.[0];
		expect(cookie).toBeDefined();
		const guestAnswer = (await guest.json()) as { conversationId: string };
		const again = await join({ cookie: cookie as string });
		expect(((await again.json()) as { conversationId: string }).conversationId).toBe(guestAnswer.conversationId);

		// Bad requests change nothing and say why.
		expect((await join(shopper.auth, "{not json")).status).toBe(400);
		expect((await join(shopper.auth, { target: "nowhere" } as never)).status).toBe(400);
		expect((await join(shopper.auth, { conversationId: "cnv_nope" })).status).toBe(400);
		const crossSite = await join({ cookie: cookie as string }, {}, { origin: "https://evil.example" });
		expect(crossSite.status).toBe(403);
		const notJson = await join({ cookie: cookie as string }, {}, { "content-type": "text/plain" });
		expect(notJson.status).toBe(415);
	});
});

describe("a support room's frames", () => {
	it("answers bad frames with error frames and keeps the connection", async () => {
		const shopper = await person(["customer"], "Messy Shopper");
		const s = await enter(shopper.auth);
		s.send("this is not json");
		await s.next(isError("bad_json"));
		s.send(new Uint8Array([1, 2, 3]));
		await s.next(isError("bad_json"));
		s.send({ type: "dance" });
		await s.next(isError("unknown_type"));
		s.send({ hello: true });
		await s.next(isError("unknown_type"));
		s.send({ type: "text", clientId: "no spaces allowed", text: "hi" });
		const invalid = await s.next(isError("invalid"));
		expect(invalid.detail).toContain("clientId");
		s.send({ type: "text", clientId: "c1", text: "   " });
		await s.next(isError("invalid"));
		s.send({ type: "text", clientId: "c1", text: "x".repeat(9_000) });
		await s.next(isError("too_large"));
		s.send({ type: "close", extra: 1 });
		await s.next(isError("invalid"));
		// An agent's move from a shopper is refused as such.
		s.send({ type: "claim", conversationId: s.answer.conversationId });
		await s.next(isError("unknown_type"));
		// Still connected, still served, and nothing above was stored.
		s.send({ type: "hello", lastSeenId: 0 });
		const history = await s.next((f) => f.type === "history");
		expect(history.entries).toEqual([]);
		expect(history.state).toBe("bot");
		s.close();
	});

	it("throttles a flood per connection with one error frame, and serves the connection again after it", async () => {
		const shopper = await person(["customer"], "Flooding Shopper");
		const s = await enter(shopper.auth);
		for (let i = 0; i < 200; i++) s.send({ type: "hello", lastSeenId: 0 });
		await s.next(isError("too_fast"));
		// Let everything that was let through arrive, then count it.
		await new Promise((r) => setTimeout(r, 500));
		let served = 0;
		while (
			await s
				.next((f) => f.type === "history", 50)
				.then(
					() => true,
					() => false,
				)
		)
			served++;
		expect(served).toBeGreaterThanOrEqual(20);
		expect(served).toBeLessThan(200);
		// Dropped frames get no error each: at most one a second.
		await s.none(isError("too_fast"), 50);
		await new Promise((r) => setTimeout(r, 1_100));
		s.send({ type: "hello", lastSeenId: 0 });
		await s.next((f) => f.type === "history");
		s.close();
	});
});

describe("the agents' lobby", () => {
	it("tells the shopper when no agent is online, and lists agents with their presence", async () => {
		const shopper = await person(["customer"], "Lonely Shopper");
		const s = await enter(shopper.auth);
		s.send({ type: "handover" });
		await s.next(isEvent("handed_over"));
		await s.next(isEvent("agents_offline"));
		s.close();

		const cleo = await person(["support_agent"], "Cleo Agent");
		const lobby = await enter(cleo.auth, { target: "lobby" });
		const online = await lobby.next((f) => f.type === "queue");
		expect(online.agents).toContainEqual({ agentId: cleo.id, name: "Cleo Agent", status: "online" });
		lobby.send({ type: "presence", status: "away" });
		const away = await lobby.next((f) => f.type === "queue" && JSON.stringify(f.agents).includes('"away"'));
		expect(away.agents).toContainEqual({ agentId: cleo.id, name: "Cleo Agent", status: "away" });
		// The queue says how long each waits: its waitingSince, beside the lobby's own clock.
		const entry = (away.entries as { conversationId: string; waitingSince: string }[]).find(
			(e) => e.conversationId === s.answer.conversationId,
		);
		expect(Date.parse(entry?.waitingSince ?? "")).toBeLessThanOrEqual(Date.parse(away.now as string));
		lobby.close();
	});

	it("gives each conversation to exactly one of two agents claiming it at once; the other sees it taken", async () => {
		const ann = await person(["support_agent"], "Ann Agent");
		const bob = await person(["support_agent"], "Bob Agent");
		const annLobby = await enter(ann.auth, { target: "lobby" });
		const bobLobby = await enter(bob.auth, { target: "lobby" });
		await annLobby.next((f) => f.type === "queue");
		await bobLobby.next((f) => f.type === "queue");
		const ids: string[] = [];
		for (let i = 0; i < 6; i++) {
			const shopper = await person(["customer"], `Racing Shopper ${i}`);
			const s = await enter(shopper.auth);
			s.send({ type: "handover" });
			await s.next(isEvent("handed_over"));
			ids.push(s.answer.conversationId as string);
			s.close();
		}
		for (const id of ids) await bobLobby.next(inQueue(id, "waiting"));
		// Both claim every conversation in the same instant, in alternating order.
		ids.forEach((conversationId, i) => {
			const [first, second] = i % 2 ? [annLobby, bobLobby] : [bobLobby, annLobby];
			first.send({ type: "claim", conversationId });
			second.send({ type: "claim", conversationId });
		});
		for (const id of ids) {
			const outcome = async (lobby: Peer) =>
				lobby.next((f) => (f.type === "claimed" || f.type === "taken") && f.conversationId === id);
			const [a, b] = await Promise.all([outcome(annLobby), outcome(bobLobby)]);
			expect([a.type, b.type].sort()).toEqual(["claimed", "taken"]);
			const winner = a.type === "claimed" ? ann : bob;
			const loser = winner === ann ? bob : ann;
			expect((a.type === "taken" ? a : b).agentName).toBe(winner.name);
			// Only the winner may open the conversation.
			expect((await join(winner.auth, { conversationId: id })).status).toBe(200);
			expect((await join(loser.auth, { conversationId: id })).status).toBe(403);
		}
		annLobby.close();
		bobLobby.close();
	});

	it("transfers a conversation to another agent, who takes over while the first is shown out", async () => {
		const { s, a, lobby, id } = await claimedConversation("Dora Agent");
		const eve = await person(["support_agent"], "Eve Agent");
		const eveLobby = await enter(eve.auth, { target: "lobby" });
		await eveLobby.next((f) => f.type === "queue");
		lobby.send({ type: "transfer", conversationId: id, toAgentId: "usr_nobody" });
		await lobby.next(isError("invalid"));
		lobby.send({ type: "transfer", conversationId: id, toAgentId: eve.id });
		await eveLobby.next((f) => f.type === "claimed" && f.conversationId === id);
		const transferred = await s.next(isEvent("transferred"));
		expect(transferred).toMatchObject({ agent: "Eve Agent", from: "Dora Agent" });
		expect((await a.closed).code).toBe(4003);
		const e = await enter(eve.auth, { conversationId: id });
		e.send({ type: "text", clientId: "eve-1", text: "Eve here, I have your case." });
		await e.next((f) => f.type === "ack" && f.clientId === "eve-1");
		await s.next(isText("Eve here, I have your case."));
		// The first agent no longer gets in, nor transfers it back.
		lobby.send({ type: "transfer", conversationId: id, toAgentId: eve.id });
		await lobby.next(isError("forbidden"));
		for (const p of [s, e, lobby, eveLobby]) p.close();
	});
});

describe("a conversation across reconnects", () => {
	it("replays what was missed and stores a resent message once (partysocket reconnecting)", async () => {
		const { s, a, lobby, id, shopper } = await claimedConversation("Finn Agent");
		s.close();
		const model = new ChatModel("shopper");
		const socket = new PartySocket({
			host: HOST,
			protocol: "wss",
			party: SUPPORT_ROOM_PARTY,
			room: id,
			// A fresh single-use ticket for every connection partysocket makes.
			query: async () => ({ ticket: (await ticketFor(shopper.auth)).ticket }),
			WebSocket: workerWebSocketWith(BROWSER),
			minReconnectionDelay: 10,
			maxReconnectionDelay: 50,
			maxRetries: 10,
		});
		const opened: number[] = [];
		socket.addEventListener("open", () => {
			opened.push(Date.now());
			for (const frame of model.onOpen()) socket.send(JSON.stringify(frame));
		});
		socket.addEventListener("message", (e: MessageEvent) => model.receive(JSON.parse(String(e.data)) as Frame));
		const until = async (check: () => boolean) => {
			for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
			expect(check()).toBe(true);
		};

		socket.send(JSON.stringify(model.text("one")));
		socket.send(JSON.stringify(model.text("two")));
		await a.next(isText("one"));
		await a.next(isText("two"));
		await until(() => model.unacked.size === 0);

		// Down: the agent goes on talking, and the shopper types a message that cannot go out yet.
		socket.close();
		a.send({ type: "text", clientId: "agent-1", text: "while you were away" });
		a.send({ type: "text", clientId: "agent-2", text: "still there?" });
		await a.next((f) => f.type === "ack" && f.clientId === "agent-2");
		model.text("three");
		// The room is evicted from memory meanwhile: what it holds is in its storage.
		await evictDurableObject(env.SupportRoom.getByName(id));
		socket.reconnect();
		await until(() => model.unacked.size === 0 && model.entries.size >= 8);
		await a.next(isText("three"));

		// The same text sent again (a client that never saw its ack) is acknowledged, not stored twice.
		const raw = new Peer(await connect(wsUrl(await ticketFor(shopper.auth)), BROWSER));
		raw.send({ type: "text", clientId: "shopper-1", text: "one" });
		const ack = await raw.next((f) => f.type === "ack" && f.clientId === "shopper-1");
		await a.none(isText("one"));

		raw.send({ type: "hello", lastSeenId: 0 });
		const history = await raw.next((f) => f.type === "history");
		const entries = history.entries as { id: number; type: string; clientId?: string; text?: string }[];
		expect(entries.map((e) => e.id)).toEqual(entries.map((_, i) => i + 1));
		const texts = entries.filter((e) => e.type === "text").map((e) => e.text);
		expect(texts).toEqual(["one", "two", "while you were away", "still there?", "three"]);
		expect(ack.id).toBe(entries.find((e) => e.clientId === "shopper-1")?.id);
		// The model (what the widget shows) holds every entry once, the same as the room.
		expect([...model.entries.keys()].sort((x, y) => x - y)).toEqual(entries.map((e) => e.id));
		expect(new Set(model.liveIds).size).toBe(model.liveIds.length);
		expect(opened.length).toBe(2);
		socket.close();
		for (const p of [raw, a, lobby]) p.close();
	});

	it("takes no message after it is closed, and tells the sender so", async () => {
		const { s, a, lobby } = await claimedConversation("Gus Agent");
		a.send({ type: "close" });
		await s.next(isEvent("closed"));
		s.send({ type: "text", clientId: "late-1", text: "one more thing" });
		const refused = await s.next(isError("closed"));
		expect(refused.clientId).toBe("late-1");
		for (const p of [s, a, lobby]) p.close();
	});
});
