import { describe, expect, it } from "vitest";
import { edge } from "./helpers";

describe("health and realtime routing", () => {
	it("answers /healthz without I/O", async () => {
		const res = await edge("/healthz");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, service: "edge" });
	});

	it("routes /parties/echo-room/<room> to the partyserver room and 404s unknown parties", async () => {
		const res = await edge("/parties/echo-room/lobby", { headers: { upgrade: "websocket" } });
		expect(res.status).toBe(101);
		const ws = res.webSocket!;
		ws.accept();
		ws.close();
		const missing = await edge("/parties/no-such-party/room");
		expect(missing.status).toBe(404);
		expect(missing.headers.get("content-type")).toBe("application/problem+json");
	});
});
