import { afterEach, describe, expect, test } from "bun:test";
import type { Caller } from "@bazaar/signature";
import { SECRET } from "../testing/harness";
import { type CoreProcess, freePort, prepareCoreData, startCore } from "../workflows/testing/core-process";
import {
	approvePayment,
	type CoreClient,
	checkout,
	fillCart,
	orderWhen,
	pollFor,
	remoteCore,
	signUp,
} from "../workflows/testing/journey";

// The real core process (`bun core/src/main.ts`) seen from outside, as an operator sees it: its
// log lines, its /metrics, its /readyz and the traces it exports.

const running: CoreProcess[] = [];
afterEach(async () => {
	for (const p of running.splice(0)) await p.kill();
});

/** A client that adds `headers` to every call (what the edge sends beside the signature). */
function withHeaders(core: CoreClient, headers: () => Record<string, string>): CoreClient {
	return {
		call: (method, path, init = {}) => core.call(method, path, { ...init, headers: { ...headers(), ...init.headers } }),
		http: core.http,
	};
}

/** The process's JSON log lines (anything else it printed is left out). */
function jsonLines(p: CoreProcess): Record<string, unknown>[] {
	return p.lines.flatMap((line) => {
		if (!line.startsWith("{")) return [];
		try {
			return [JSON.parse(line) as Record<string, unknown>];
		} catch {
			return [];
		}
	});
}

describe("request ids and logs", () => {
	test("JSON logs: the request id sent by the edge is on the request's line, its events' consumers' lines and the webhook it causes", async () => {
		const data = await prepareCoreData();
		const port = freePort();
		const core = startCore(data.dir, port, { LOG_FORMAT: "json", LOG_REQUESTS: "on" });
		running.push(core);
		await core.ready();
		let requestId = "setup";
		const client = withHeaders(remoteCore(core.base, SECRET), () => ({ "x-request-id": requestId }));
		const shopper: Caller = await signUp(client, "Logs");
		await fillCart(client, shopper, data.variants);
		requestId = "req-checkout-0001";
		const placed = await checkout(client, shopper, `logs-${shopper.user}`);
		requestId = "req-approve-0001";
		await approvePayment(client, shopper, placed.redirectUrl);
		await orderWhen(client, shopper, placed.orderId, (o) => o.status === "paid");
		// order.paid's consumers (the inventory commits, fulfillment creates the shipment).
		await pollFor(async () => {
			const lines = jsonLines(core).filter((l) => l.requestId === "req-approve-0001");
			const groups = new Set(lines.map((l) => /^bus ([\w.-]+):/.exec(String(l.msg))?.[1]).filter(Boolean));
			return groups.size >= 3 ? groups : undefined;
		}, 15_000);

		const lines = jsonLines(core);
		// Every line is one JSON object with its level and time; no other output on a JSON core.
		expect(core.lines.filter((l) => l.trim() !== "" && !l.startsWith("{"))).toEqual([]);
		for (const l of lines) {
			expect(typeof l.time).toBe("string");
			expect(["debug", "info", "warn", "error"]).toContain(l.level as string);
		}
		const checkoutLines = lines.filter((l) => l.requestId === "req-checkout-0001").map((l) => String(l.msg));
		expect(checkoutLines.some((m) => m.startsWith("POST /checkout (/checkout) → 201"))).toBe(true);

		const approve = lines.filter((l) => l.requestId === "req-approve-0001").map((l) => String(l.msg));
		// The shopper's decision, the sandbox's webhook it queued (its consumer, then the webhook
		// request itself, which carries the id), payment.succeeded and order.paid's consumers.
		expect(approve.some((m) => /^POST \/payment\/sandbox\/pay\/[^ ]+\/approve .* → 200/.test(m))).toBe(true);
		expect(approve.some((m) => m.startsWith("bus sandbox-webhooks: sandbox.webhook"))).toBe(true);
		expect(approve.some((m) => /^POST \/payment\/webhooks\/sandbox .* → 2\d\d/.test(m))).toBe(true);
		expect(approve.some((m) => / payment\.succeeded .* ok /.test(m))).toBe(true);
		expect(approve.some((m) => / order\.paid .* ok /.test(m))).toBe(true);
		// A request that sent no id gets one, and hears it back.
		const res = await fetch(`${core.base}/healthz`);
		expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
		// One that sent a usable id hears its own; anything else is replaced, never printed.
		const mine = await fetch(`${core.base}/healthz`, { headers: { "x-request-id": "edge-abc.123" } });
		expect(mine.headers.get("x-request-id")).toBe("edge-abc.123");
		const bad = await fetch(`${core.base}/healthz`, { headers: { "x-request-id": 'has spaces {and} "quotes"' } });
		expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
	});

	test("text logs (npm start): lines written inside a request start with [req <id>]", async () => {
		const data = await prepareCoreData();
		const port = freePort();
		const core = startCore(data.dir, port, { LOG_FORMAT: "text", LOG_REQUESTS: "on" });
		running.push(core);
		await core.ready();
		await fetch(`${core.base}/no/such/route`, { headers: { "x-request-id": "req-text-1" } });
		await pollFor(async () =>
			core.lines.some((l) => l.startsWith("[req req-text-1] GET /no/such/route")) ? true : undefined,
		);
		expect(core.lines.find((l) => l.startsWith("[req req-text-1]"))).toContain("((unmatched)) → 401");
	});
});
