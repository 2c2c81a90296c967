import type { ChatEntry } from "@bazaar/contracts/chat";
import { describe, expect, it } from "vitest";
import { core } from "./helpers";
import { enter, type Frame, inQueue, isEvent, isText, person } from "./support-chat";

// Shopper ↔ bot ↔ agent: the bot (the real core's support module, asked by the room through the
// edge's signed core calls) answers first; asking for a person puts the conversation in the lobby;
// an agent claims it, joins, talks, and closes it; the transcript is then in the core.

const isBot = (f: Frame) => f.type === "text" && (f.author as { kind: string }).kind === "bot";

describe("support chat: the bot, then a person", () => {
	it("answers with the bot first, hands over on request, lets the claiming agent take over, and files the transcript", async () => {
		const shopper = await person(["customer"], "Hana Shopper");
		const agent = await person(["support_agent"], "Ivo Agent");
		const lobby = await enter(agent.auth, { target: "lobby" });
		await lobby.next((f) => f.type === "queue");

		const s = await enter(shopper.auth);
		const id = s.answer.conversationId as string;
		s.send({ type: "hello", lastSeenId: 0 });
		await s.next((f) => f.type === "history" && f.state === "bot");

		s.send({ type: "text", clientId: "h-1", text: "Hello" });
		await s.next((f) => f.type === "ack" && f.clientId === "h-1");
		const greeting = await s.next(isBot);
		expect(greeting.text).toMatch(/^Hello!/);

		// The shopper's own orders, asked of the core with the account the ticket carried: none yet.
		s.send({ type: "text", clientId: "h-2", text: "Where is my order?" });
		const orders = await s.next(isBot);
		expect(typeof orders.text).toBe("string");
		expect(JSON.stringify(orders.cards ?? [])).not.toContain('"kind":"order"');

		s.send({ type: "text", clientId: "h-3", text: "I want to talk to a person please" });
		await s.next(isBot);
		await s.next(isEvent("handed_over"));
		// An agent is online, so the shopper is not told to leave a message.
		await s.none(isEvent("agents_offline"));
		await lobby.next(inQueue(id, "waiting"));

		lobby.send({ type: "claim", conversationId: id });
		await lobby.next((f) => f.type === "claimed" && f.conversationId === id);
		await s.next((f) => isEvent("claimed")(f) && f.agent === "Ivo Agent");
		const a = await enter(agent.auth, { conversationId: id });
		await s.next(isEvent("joined"));
		a.send({ type: "hello", lastSeenId: 0 });
		const seen = await a.next((f) => f.type === "history");
		// The agent sees the whole conversation so far, the bot's part included.
		expect((seen.entries as ChatEntry[]).filter((e) => e.type === "text").length).toBe(6);

		// Typing goes to the other side, named, and not back to the one typing.
		s.send({ type: "typing", typing: true });
		const typing = await a.next((f) => f.type === "typing");
		expect(typing).toEqual({ type: "typing", author: { kind: "shopper", name: "Hana Shopper" }, typing: true });
		await s.none((f) => f.type === "typing", 300);
		a.send({ type: "typing", typing: true });
		await s.next(
			(f) => f.type === "typing" && f.typing === true && (f.author as { name: string }).name === "Ivo Agent",
		);
		a.send({ type: "typing", typing: false });
		await s.next((f) => f.type === "typing" && f.typing === false);
		await a.none((f) => f.type === "typing", 300);
		a.send({ type: "text", clientId: "ivo-1", text: "Hi Hana, Ivo here. How can I help?" });
		await s.next(isText("Hi Hana, Ivo here. How can I help?"));
		s.send({ type: "text", clientId: "h-4", text: "My parcel is late" });
		await a.next(isText("My parcel is late"));
		// With a person on it, the bot keeps quiet.
		await s.none(isBot, 500);

		a.send({ type: "close" });
		await s.next(isEvent("closed"));
		await lobby.next((f) => f.type === "queue" && !JSON.stringify(f.entries).includes(id));

		// The transcript reached the core (the room sends it once the conversation closes).
		const staff = { user: agent.id, roles: ["support_agent"] };
		let stored: Response | undefined;
		for (let i = 0; i < 40; i++) {
			stored = await core().request("GET", `/support/admin/conversations/${id}`, { caller: staff });
			if (stored.status === 200) break;
			await stored.body?.cancel();
			await new Promise((r) => setTimeout(r, 100));
		}
		expect(stored?.status).toBe(200);
		const transcript = JSON.stringify(await stored?.json());
		for (const text of ["Where is my order?", "Hi Hana, Ivo here. How can I help?", "My parcel is late"]) {
			expect(transcript).toContain(text);
		}
		expect(transcript).toContain(shopper.id);
		for (const p of [s, a, lobby]) p.close();
	});
});
