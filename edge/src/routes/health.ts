import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { withTraceHeaders } from "../lib/core";
import { apiRouter, json } from "../openapi/route-kit";

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

const Live = z.object({ ok: z.literal(true), service: z.literal("edge") });
const Health = z.object({
	ok: z.boolean(),
	service: z.literal("edge"),
	core: z.enum(["ready", "unready", "unreachable"]),
});

const live = createRoute({
	method: "get",
	path: "/livez",
	tags: ["ops"],
	operationId: "live",
	summary: "The Worker runs",
	responses: { 200: json(Live, "Always, without I/O.") },
});
const healthz = createRoute({
	method: "get",
	path: "/healthz",
	tags: ["ops"],
	operationId: "health",
	summary: "The shop works",
	description: "The core behind this Worker says it is ready (databases, Redis, bus backlog).",
	responses: {
		200: json(Health, "Ready."),
		503: json(Health, "The core is not ready or does not answer."),
	},
});

export const health = apiRouter()
	.openapi(live, () => new Response(LIVE, { headers: HEADERS }))
	.openapi(healthz, async (c) => {
		const core = await coreState(c.env.CORE_URL);
		const ok = core === "ready";
		return new Response(JSON.stringify({ ok, service: "edge", core }), { status: ok ? 200 : 503, headers: HEADERS });
	});
