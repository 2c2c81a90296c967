import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import worker from "../src/index";
import { edge } from "./helpers";

describe("health and realtime routing", () => {
	it("answers /livez without I/O", async () => {
		const res = await edge("/livez");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, service: "edge" });
	});

	it("/healthz reports the core's readiness: 200 while it is ready", async () => {
		const res = await edge("/healthz");
		expect(res.status).toBe(200);
		expect(res.headers.get("cache-control")).toBe("no-store");
		expect(await res.json()).toEqual({ ok: true, service: "edge", core: "ready" });
	});

	it("/healthz is 503 when the core does not answer; /livez still 200", async () => {
		// The same Worker pointed at a port nothing listens on.
		const deadCore = { ...env, CORE_URL: "http://127.0.0.1:9" };
		const call = async (path: string) => {
			const ctx = createExecutionContext();
			const res = await worker.fetch(new Request(`https://shop.example${path}`), deadCore, ctx);
			await waitOnExecutionContext(ctx);
			return res;
		};
		const res = await call("/healthz");
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({ ok: false, service: "edge", core: "unreachable" });
		expect((await call("/livez")).status).toBe(200);
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

interface CoreLogLine {
	msg: string;
	requestId: string;
	traceId?: string;
	spanId?: string;
}

async function coreLines(requestId: string, until: (lines: CoreLogLine[]) => boolean): Promise<CoreLogLine[]> {
	for (let i = 0; i < 100; i++) {
		const res = await fetch(`${inject("coreLogUrl")}?requestId=${encodeURIComponent(requestId)}`);
		const lines = (await res.json()) as CoreLogLine[];
		if (until(lines)) return lines;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`the core logged nothing for ${requestId}`);
}

const hex = (bytes: number) =>
	Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

describe("request id and trace context, edge → core", () => {
	const login = (headers: Record<string, string>) =>
		edge("/api/session", {
			method: "POST",
			headers: {
				"content-type": "application/json",
				"cf-connecting-ip": `10.9.${1 + (Number.parseInt(hex(1), 16) % 250)}.7`,
				...headers,
			},
			body: JSON.stringify({ email: `nobody-${hex(4)}@example.com`, password: "not the password at all" }),
		});

	it("the core's lines for a request carry the Worker's request id and continue the caller's trace with the Worker's span", async () => {
		const requestId = `edge-test-${hex(6)}`;
		const traceId = hex(16);
		const callerSpan = hex(8);
		const res = await login({ "x-request-id": requestId, traceparent: `00-${traceId}-${callerSpan}-01` });
		expect(res.status).toBe(401);
		expect(res.headers.get("x-request-id")).toBe(requestId);
		const lines = await coreLines(requestId, (l) => l.some((x) => x.msg.startsWith("POST /identity/")));
		const line = lines.find((x) => x.msg.startsWith("POST /identity/"));
		expect(line?.traceId).toBe(traceId);
		// The Worker is a hop of its own in the trace: the core's parent is the Worker's span.
		expect(line?.spanId).toMatch(/^[0-9a-f]{16}$/);
		expect(line?.spanId).not.toBe(callerSpan);
	});

	it("without them, the Worker makes both: a new request id (answered back) and a new trace", async () => {
		const res = await login({});
		const requestId = res.headers.get("x-request-id");
		expect(requestId).toMatch(/^[0-9a-f]{32}$/);
		const lines = await coreLines(requestId as string, (l) => l.length > 0);
		expect(lines[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
		expect(lines[0]?.traceId).not.toBe("0".repeat(32));
	});
});
