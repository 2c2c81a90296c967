import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DeadLetterList, type EventEnvelope } from "@bazaar/contracts/bus";
import { encodeCursor } from "@bazaar/contracts/list";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { type AppEnv, notFound, onError, requireSignature } from "../lib/http";
import { ADMIN, json, REDIS_URL, redisAvailable, SECRET, tempDir } from "../testing/harness";
import { signedInit } from "../testing/signed-init";
import { busRoutes } from "./routes";
import { dropRedisPrefix, libsqlLocation, openBusAt, redisLocation, until } from "./testing/fixtures";
import type { Bus } from "./transport";

// The staff list of dead letters (GET /bus/admin/dead-letters) in the shared list shape, on both
// backends: newest first, paged by the cursor it gives out, by group and event type; replaying
// one takes it off the list. Admins only.

const redisUp = await redisAvailable();
const backends = [
	{ name: "libsql", available: true, location: () => libsqlLocation(tempDir("bazaar-dead-")) },
	{ name: "redis", available: redisUp, location: () => redisLocation(REDIS_URL) },
] as const;

const event = (i: number): EventEnvelope => ({
	id: `evt_dead_${i}_${Date.now()}`,
	type: i % 2 === 0 ? "order.placed" : "order.paid",
	occurredAt: new Date().toISOString(),
	source: "order",
	key: `ord_${i}`,
	data: { i },
});

for (const backend of backends) {
	describe.skipIf(!backend.available)(`dead letters on ${backend.name}`, () => {
		let bus: Bus;
		const loc = backend.location();
		const app = new Hono<AppEnv>();
		const call = async (method: string, path: string, caller: Caller = ADMIN) =>
			app.request(path, await signedInit(method, path, {}, caller));
		const page = async (qs: string) => {
			const res = await call("GET", `/bus/admin/dead-letters?${qs}`);
			expect(res.status, `${qs}: ${await res.clone().text()}`).toBe(200);
			return DeadLetterList.parse(await json(res));
		};

		beforeAll(async () => {
			bus = await openBusAt(loc);
			app.use("*", requireSignature(SECRET));
			app.route("/bus/admin", busRoutes(bus));
			app.notFound(notFound);
			app.onError(onError);
			const fail = async () => {
				throw new Error("handler bug");
			};
			const once = { pollMs: 20, backoffMs: 20, maxBackoffMs: 40, maxDeliveries: 1 };
			bus.subscribe("stock", ["order.*"], fail, once);
			bus.subscribe("mailer", ["order.placed"], fail, once);
			await bus.start();
			// One at a time, so each dies at its own moment.
			for (let i = 0; i < 5; i++) {
				await bus.publish([event(i)]);
				await Bun.sleep(15);
			}
			await until(async () => (await bus.deadLetters()).length === 8, 10_000, "eight dead letters");
		});
		afterAll(async () => {
			await bus?.stop();
			if (loc.backend === "redis" && loc.prefix) await dropRedisPrefix(loc.url, loc.prefix);
		});

		test("pages every group's dead letters newest first with the cursor it gave out", async () => {
			const all = await page("limit=100");
			expect(all.items).toHaveLength(8);
			expect(all.nextCursor).toBeNull();
			const seen: string[] = [];
			let cursor: string | null = null;
			let pages = 0;
			do {
				const next: DeadLetterList = await page(`limit=3${cursor ? `&cursor=${cursor}` : ""}`);
				seen.push(...next.items.map((d) => `${d.group}/${d.id}`));
				cursor = next.nextCursor;
				pages++;
			} while (cursor);
			expect(pages).toBe(3);
			expect(seen).toEqual(all.items.map((d) => `${d.group}/${d.id}`));
			const times = all.items.map((d) => d.deadAt);
			expect([...times].sort().reverse()).toEqual(times);
		});

		test("counts each group's dead letters in storage", async () => {
			expect(await bus.countDeadLetters("stock")).toBe(5);
			expect(await bus.countDeadLetters("mailer")).toBe(3);
			expect(await bus.countDeadLetters("nobody")).toBe(0);
		});

		test("filters by group and event type", async () => {
			expect((await page("group=mailer")).items.map((d) => d.event.type)).toEqual(Array(3).fill("order.placed"));
			expect((await page("group=stock&type=order.paid")).items).toHaveLength(2);
			expect((await page("group=nobody")).items).toEqual([]);
		});

		test("bad limits, cursors and filters are 400 problems; only admins", async () => {
			const forged = [
				encodeCursor(["not a time", "stock", "1"]),
				encodeCursor([new Date().toISOString(), "stock", "1) OR (1"]),
			];
			for (const qs of [
				"limit=0",
				"limit=101",
				"cursor=zz",
				...forged.map((c) => `cursor=${c}`),
				"group=NOT%20A%20GROUP",
				"type=Order",
				"x=1",
			]) {
				const res = await call("GET", `/bus/admin/dead-letters?${qs}`);
				expect(res.status, qs).toBe(400);
				expect(res.headers.get("content-type")).toBe("application/problem+json");
			}
			for (const roles of [["support_agent"], ["catalog_manager"], ["customer"]]) {
				const caller = { user: "usr_1", roles };
				expect((await call("GET", "/bus/admin/dead-letters", caller)).status).toBe(403);
			}
		});

		test("a replayed dead letter leaves the list", async () => {
			const [newest] = (await page("group=stock&limit=1")).items;
			const res = await call("POST", `/bus/admin/dead-letters/stock/${newest?.id}/replay`);
			expect(res.status).toBe(200);
			// The handler still fails, so it dies again: back on the list, with a later time.
			await until(
				async () => {
					const now = await page("group=stock&limit=100");
					return now.items.length === 5 && now.items[0]?.deadAt !== newest?.deadAt;
				},
				5_000,
				"dead again",
			);
		});
	});
}
