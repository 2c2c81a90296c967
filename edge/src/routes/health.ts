import { Hono } from "hono";
import type { AppEnv } from "../env";
import { withTraceHeaders } from "../lib/core";

// /livez: the Worker runs — no I/O and pre-serialised, so it is also the benchmark's floor for
// "our code on this runtime". /healthz: the shop works — the core behind this Worker says it is
// ready (its /readyz: databases, Redis, bus backlog); 503 when it is not or does not answer.
const LIVE = new TextEncoder().encode('{"ok":true,"service":"edge"}');
const HEADERS = { "content-type": "application/json", "cache-control": "no-store" };
const CORE_TIMEOUT_MS = 3_000;

type CoreState = "ready" | "unready" | "unreachable";

async function coreState(coreUrl: string): Promise<CoreState> {
	try {
		const res = await fetch(
			new URL("/readyz", coreUrl).toString(),
			withTraceHeaders({ signal: AbortSignal.timeout(CORE_TIMEOUT_MS) }),
		);
		await res.body?.cancel();
		return res.status === 200 ? "ready" : "unready";
	} catch {
		return "unreachable";
	}
}

export const health = new Hono<AppEnv>()
	.get("/livez", () => new Response(LIVE, { headers: HEADERS }))
	.get("/healthz", async (c) => {
		const core = await coreState(c.env.CORE_URL);
		const ok = core === "ready";
		return new Response(JSON.stringify({ ok, service: "edge", core }), { status: ok ? 200 : 503, headers: HEADERS });
	});
