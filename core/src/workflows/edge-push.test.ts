import { afterAll, beforeAll, expect, test } from "bun:test";
import { type CatalogEvent, CatalogEventBatch } from "@bazaar/contracts";
import { verify } from "@bazaar/signature";
import { type Bus, BusRelay, openLibsqlBus } from "../bus";
import { seedCatalog } from "../seed/catalog-seed";
import { ADMIN, type Harness, harness, SECRET, tempDir } from "../testing/harness";
import { EDGE_PUSH_GROUP, subscribeEdgePush } from "./edge-push";

// catalog.* events through the real bus (the catalog's outbox → relay → libSQL bus → consumer)
// to a real HTTP server standing in for the edge's /internal/catalog-events.

interface Received {
	events: CatalogEvent[];
	caller: { user: string; roles: string[] };
}

let h: Harness;
let bus: Bus;
let relay: BusRelay;
let failuresLeft = 0;
let received: Received[] = [];
let edgeVersion = 0;
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
	const batch = CatalogEventBatch.parse(JSON.parse(body));
	received.push({ events: batch.events, caller: auth.caller });
	edgeVersion = Math.max(edgeVersion, ...batch.events.map((e) => e.version));
	return Response.json({ ok: true, version: edgeVersion, events: batch.events.length });
}

beforeAll(async () => {
	edge = Bun.serve({ port: 0, fetch: edgeHandler });
	h = await harness();
	bus = await openLibsqlBus({ url: `file:${tempDir()}/bus.db` });
	relay = new BusRelay({ database: h.mod.catalog.database, bus, pollMs: 50 });
	subscribeEdgePush(
		bus,
		{ url: `http://127.0.0.1:${edge.port}`, secret: SECRET },
		{ pollMs: 20, backoffMs: 20, maxBackoffMs: 100 },
	);
	relay.start();
	await bus.start();
});
afterAll(async () => {
	await relay?.stop();
	await bus?.stop();
	await h?.close();
	edge?.stop(true);
});

async function until(check: () => boolean | Promise<boolean>, ms = 20_000) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check()) return;
		await Bun.sleep(20);
	}
	throw new Error("condition not met in time");
}

const pushedTypes = () => received.flatMap((r) => r.events.map((e) => e.type));
const version = async () => ((await (await h.call("GET", "/catalog/version")).json()) as { version: number }).version;

test("pushes each change to the edge, signed as the core, retrying until a 2xx", async () => {
	failuresLeft = 3;
	received = [];
	for (const name of ["Alpha", "Beta", "Gamma"]) {
		const res = await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name } });
		expect(res.status).toBe(201);
	}
	const latest = await version();
	await until(async () => edgeVersion === latest && (await bus.pending(EDGE_PUSH_GROUP)).pending === 0);
	expect(failuresLeft).toBe(0);
	// The edge keys its caches on the highest version it was told, so an event whose retry comes
	// after a later event's push is acknowledged without a call: what matters is that the edge
	// reached the last version, and only ever through calls signed as the core.
	expect(new Set(pushedTypes())).toEqual(new Set(["catalog.category.created"]));
	expect(Math.max(...received.flatMap((r) => r.events.map((e) => e.version)))).toBe(latest);
	expect(received.every((r) => r.caller.user === "core" && r.caller.roles.join() === "service")).toBe(true);
}, 30_000);

test("an unreachable edge loses nothing: the change goes out once it is back", async () => {
	const { port } = edge;
	edge.stop(true);
	received = [];
	const res = await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Delta" } });
	expect(res.status).toBe(201);
	await Bun.sleep(300);
	expect(received).toEqual([]);
	// The core keeps serving while the edge is away.
	expect((await h.call("GET", "/catalog/categories")).status).toBe(200);

	edge = Bun.serve({ port, fetch: edgeHandler });
	const latest = await version();
	await until(() => edgeVersion === latest);
	expect(pushedTypes()).toEqual(["catalog.category.created"]);
}, 30_000);

test("a version the edge already has is not pushed again: a seed's events share one version", async () => {
	received = [];
	const seeded = await seedCatalog(h.mod.catalog, { products: 5 });
	expect(seeded.products).toBe(5);
	const latest = await version();
	await until(() => edgeVersion === latest);
	await until(async () => (await bus.pending(EDGE_PUSH_GROUP)).pending === 0);
	expect(received).toHaveLength(1);
}, 30_000);

test("this instance reads its own write: the cache has the new version when the write answers", async () => {
	const res = await h.call("POST", "/catalog/admin/categories", { caller: ADMIN, body: { name: "Epsilon" } });
	expect(res.status).toBe(201);
	expect(h.mod.cache.version).toBe(await version());
});
