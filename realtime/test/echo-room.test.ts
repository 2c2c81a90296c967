import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { PartySocket } from "partysocket";
import { describe, expect, it } from "vitest";
import { connect, Inbox, isPresence, WorkerWebSocket } from "./sockets.ts";

const ORIGIN = "ws://bazaar.test";
const roomUrl = (room: string) => `${ORIGIN}/parties/echo-room/${room}`;

function inboxOf(ws: WebSocket): Inbox {
	const inbox = new Inbox();
	ws.addEventListener("message", (e) => inbox.push(typeof e.data === "string" ? e.data : "<binary>"));
	return inbox;
}

describe("EchoRoom", () => {
	it("echoes a message back to its sender only, and counts who is connected", async () => {
		const alice = await connect(roomUrl("counts"));
		const aliceInbox = inboxOf(alice);
		await aliceInbox.next(isPresence(1));

		const bob = await connect(roomUrl("counts"));
		const bobInbox = inboxOf(bob);
		await bobInbox.next(isPresence(2));
		await aliceInbox.next(isPresence(2));

		alice.send("hello from alice");
		expect(await aliceInbox.next((d) => !d.startsWith("{"))).toBe("hello from alice");
		bob.send("ping");
		expect(await bobInbox.next((d) => !d.startsWith("{"))).toBe("ping");
		// Alice's echo never reached Bob and Bob's never reached Alice.
		await expect(bobInbox.next((d) => d === "hello from alice", 300)).rejects.toThrow();
		await expect(aliceInbox.next((d) => d === "ping", 300)).rejects.toThrow();

		bob.close(1000, "bye");
		await aliceInbox.next(isPresence(1));
		alice.close(1000, "bye");
	});

	it("echoes binary frames unchanged", async () => {
		const ws = await connect(roomUrl("binary"));
		ws.binaryType = "arraybuffer";
		const got = new Promise<ArrayBuffer>((resolve) =>
			ws.addEventListener("message", (e) => {
				if (e.data instanceof ArrayBuffer) resolve(e.data);
			}),
		);
		ws.send(new Uint8Array([1, 2, 3, 250]));
		expect([...new Uint8Array(await got)]).toEqual([1, 2, 3, 250]);
		ws.close();
	});

	it("keeps rooms apart", async () => {
		const a = await connect(roomUrl("room-a"));
		const aInbox = inboxOf(a);
		await aInbox.next(isPresence(1));
		const b = await connect(roomUrl("room-b"));
		const bInbox = inboxOf(b);
		await bInbox.next(isPresence(1));
		// B joining its own room does not change A's count.
		await expect(aInbox.next(isPresence(2), 300)).rejects.toThrow();
		a.close();
		b.close();
	});

	it("keeps its sockets across hibernation", async () => {
		const ws = await connect(roomUrl("sleepy"));
		const inbox = inboxOf(ws);
		await inbox.next(isPresence(1));
		await evictDurableObject(env.EchoRoom.getByName("sleepy"));
		ws.send("still there?");
		expect(await inbox.next((d) => d === "still there?")).toBe("still there?");
		const other = await connect(roomUrl("sleepy"));
		// The count after waking comes from the platform's socket list, not lost memory.
		await inbox.next(isPresence(2));
		other.close();
		ws.close();
	});

	it("answers 404 outside /parties/", async () => {
		const res = await exports.default.fetch("http://bazaar.test/nope");
		expect(res.status).toBe(404);
	});
});

describe("EchoRoom through the partysocket client", () => {
	it("connects, receives its join count and gets its message echoed", async () => {
		const socket = new PartySocket({
			host: "bazaar.test",
			protocol: "ws",
			party: "echo-room",
			room: "partysocket",
			WebSocket: WorkerWebSocket as unknown as typeof WebSocket,
			maxRetries: 0,
		});
		const inbox = new Inbox();
		socket.addEventListener("message", (e: MessageEvent) => inbox.push(String(e.data)));
		await inbox.next(isPresence(1));
		socket.send(JSON.stringify({ hello: "room" }));
		expect(JSON.parse(await inbox.next((d) => d.includes("hello")))).toEqual({ hello: "room" });
		expect(socket.roomUrl).toBe("ws://bazaar.test/parties/echo-room/partysocket");
		socket.close();
	});
});
