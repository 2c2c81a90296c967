import { afterAll, beforeAll, expect, test } from "bun:test";
import { type CatalogEvent, CatalogEventBatch } from "@bazaar/contracts";
import { verify } from "@bazaar/signature";
import { ADMIN, type Harness, harness, SECRET } from "../testing/harness";

// The relay against a real HTTP server standing in for the edge's /internal/catalog-events.

interface Received {
	events: CatalogEvent[];
	caller: { user: string; roles: string[] };
}

let h: Harness;
let failuresLeft = 0;
let received: Received[] = [];
let edge: ReturnType<typeof Bun.serve>;

async function edgeHandler(req: Request): Promise<Response> {
	const url = new URL(req.url);
	const body = await req.text();
	const auth = await verify({
		secret: SECRET,
		method: req.method,
		path: url.pathname + url.search,
		headers: req.headers,
		body,
	});
	if (!auth.ok) return new Response("unsigned", { status: 401 });
	if (url.pathname !== "/internal/catalog-events") return new Response("nope", { status: 404 });
	if (failuresLeft > 0) {
		failuresLeft--;
		return new Response("try later", { status: 503 });
	}
	received.push({ events: CatalogEventBatch.parse(JSON.parse(body)).events, caller: auth.caller });
	return new Response(null, { status: 204 });
}

beforeAll(async () => {
	edge = Bun.serve({ port: 0, fetch: edgeHandler });
	h = await harness({
		module: {
			edge: { url: `http://127.0.0.1:${edge.port}`, secret: SECRET },
			relay: { pollMs: 50, minBackoffMs: 20, maxBackoffMs: 100 },
		},
	});
	h.mod.start();
});
afterAll(async () => {
	await h?.close();
	edge?.stop(true);
});

async function until(check: () => boolean | Promise<boolean>, ms = 5_000) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check()) return;
		await Bun.sleep(20);
	}
	throw new Error("condition not met in time");
}

test("pushes signed batches to the edge, retrying until a 2xx, and marks them delivered", async () => {
	failuresLeft = 3;
	received = [];
	for (const name of ["Alpha", "Beta", "Gamma"]) {
		const res = await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name } });
		expect(res.status).toBe(201);
	}
	await until(async () => (await h.mod.relay.undelivered()) === 0);
	expect(failuresLeft).toBe(0);
	const events = received.flatMap((r) => r.events);
	expect(events.map((e) => e.type)).toEqual([
		"catalog.category.created",
		"catalog.category.created",
		"catalog.category.created",
	]);
	expect(events.map((e) => e.version)).toEqual([...events.map((e) => e.version)].sort((a, b) => a - b));
	expect(received.every((r) => r.caller.user === "core" && r.caller.roles.join() === "service")).toBe(true);
	expect(h.mod.relay.stats.failedPushes).toBeGreaterThanOrEqual(3);
});

test("an unreachable edge loses nothing: events wait and go out once it is back", async () => {
	const { port } = edge;
	edge.stop(true);
	received = [];
	const res = await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Delta" } });
	expect(res.status).toBe(201);
	await Bun.sleep(300);
	expect(await h.mod.relay.undelivered()).toBe(1);
	// The core keeps serving while the edge is away.
	expect((await h.call("GET", "/catalog/categories")).status).toBe(200);

	edge = Bun.serve({ port, fetch: edgeHandler });
	await until(async () => (await h.mod.relay.undelivered()) === 0);
	expect(received.flatMap((r) => r.events).map((e) => e.type)).toEqual(["catalog.category.created"]);
});

test("local subscribers hear about a write before it is acknowledged", async () => {
	const seen: number[] = [];
	const off = h.mod.relay.subscribe((events) => {
		for (const e of events) seen.push(e.version);
	});
	const res = await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Epsilon" } });
	expect(res.status).toBe(201);
	const v = (await (await h.call("GET", "/catalog/version")).json()) as { version: number };
	expect(seen).toEqual([v.version]);
	expect(h.mod.cache.version).toBe(v.version);
	off();
});
