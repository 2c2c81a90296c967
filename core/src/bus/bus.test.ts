import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { EventEnvelope } from "@bazaar/contracts/bus";
import { REDIS_URL, redisAvailable, tempDir } from "../testing/harness";
import { BusRelay } from "./relay";
import {
	type BusLocation,
	dropRedisPrefix,
	inboxCount,
	libsqlLocation,
	openBusAt,
	openConsumerDb,
	openProducerDb,
	placeOrder,
	redisLocation,
	reserved,
	reserveOnce,
	until,
} from "./testing/fixtures";
import { type Bus, RetryLater } from "./transport";

// The same behaviour, on both backends: libSQL always, Redis Streams when REDIS_URL is reachable.

const redisUp = await redisAvailable();
if (!redisUp)
	console.warn(`[bus tests] Redis at ${REDIS_URL} is unreachable: the Redis Streams backend tests are SKIPPED`);

const backends = [
	{ name: "libsql", available: true, location: () => libsqlLocation(tempDir("bazaar-bus-")) },
	{ name: "redis", available: redisUp, location: () => redisLocation(REDIS_URL) },
] as const;

const fast = { pollMs: 20, idleTimeoutMs: 300, backoffMs: 40, maxBackoffMs: 400 };

for (const backend of backends) {
	describe.skipIf(!backend.available)(`bus on ${backend.name}`, () => {
		const opened: { bus: Bus; loc: BusLocation }[] = [];
		const closers: (() => void | Promise<void>)[] = [];

		async function setup() {
			const dir = tempDir("bazaar-bus-");
			const loc = backend.location();
			const bus = await openBusAt(loc);
			opened.push({ bus, loc });
			const producer = await openProducerDb(`file:${join(dir, "order.db")}`);
			const consumer = await openConsumerDb(`file:${join(dir, "stock.db")}`);
			const relay = new BusRelay({ database: producer, bus, pollMs: 20, leaseMs: 300 });
			closers.push(
				() => relay.stop(),
				() => producer.close(),
				() => consumer.close(),
			);
			return { bus, loc, producer, consumer, relay };
		}

		afterEach(async () => {
			for (const close of closers.splice(0)) await close();
			for (const { bus, loc } of opened.splice(0)) {
				await bus.stop();
				if (loc.backend === "redis" && loc.prefix) await dropRedisPrefix(loc.url, loc.prefix);
			}
		});

		test("publish → consume: emitted in the write transaction, relayed, delivered with its envelope", async () => {
			const { bus, producer, relay } = await setup();
			const got: { event: EventEnvelope; deliveries: number }[] = [];
			const others: string[] = [];
			bus.subscribe(
				"stock",
				["order.placed"],
				async (event, d) => void got.push({ event, deliveries: d.deliveries }),
				fast,
			);
			bus.subscribe("audit", ["order.*"], async (event) => void others.push(event.type), fast);
			await bus.start();
			relay.start();
			const a = await placeOrder(producer, "SKU-A", 2);
			const b = await placeOrder(producer, "SKU-B", 1);
			await bus.publish([
				{
					id: "evt_paid_1",
					type: "order.paid",
					occurredAt: new Date().toISOString(),
					source: "order",
					key: "k",
					data: {},
				},
			]);
			relay.kick();
			await until(() => got.length === 2 && others.length === 3, 5_000, "deliveries");
			expect(got.map((g) => g.event.id).sort()).toEqual([a.id, b.id].sort());
			expect(got[0]?.event).toMatchObject({ type: "order.placed", source: "order", data: { sku: expect.any(String) } });
			expect(got.every((g) => g.deliveries === 1)).toBe(true);
			expect(others.sort()).toEqual(["order.paid", "order.placed", "order.placed"]);
			expect(await relay.unsent()).toBe(0);
			await until(async () => (await bus.pending("stock")).pending === 0, 2_000, "acks");
			expect((await bus.pending("stock")).lag ?? 0).toBe(0);
		});

		test("a rolled-back transaction emits nothing", async () => {
			const { producer, relay } = await setup();
			const { emit } = await import("./emit");
			await expect(
				producer.write(async (tx) => {
					await emit(tx, { type: "order.placed", source: "order", key: "o1", data: {} });
					throw new Error("validation failed later");
				}),
			).rejects.toThrow("validation failed later");
			expect(await relay.unsent()).toBe(0);
			expect((await relay.claim()).events).toHaveLength(0);
		});

		test("exactly-once effect: a redelivered event (its ack lost) changes nothing", async () => {
			const { bus, producer, consumer, relay } = await setup();
			const calls: { applied: boolean; deliveries: number }[] = [];
			bus.subscribe(
				"stock",
				["order.placed"],
				async (event, d) => {
					const outcome = await reserveOnce(consumer, event);
					calls.push({ applied: outcome.applied, deliveries: d.deliveries });
					// The change is committed; failing now is a lost acknowledgement: the bus must redeliver.
					if (d.deliveries === 1) throw new Error("crash after commit, before ack");
				},
				fast,
			);
			await bus.start();
			relay.start();
			await placeOrder(producer, "SKU-X", 5);
			relay.kick();
			await until(() => calls.length === 2, 5_000, "redelivery");
			expect(calls).toEqual([
				{ applied: true, deliveries: 1 },
				{ applied: false, deliveries: 2 },
			]);
			expect(await reserved(consumer, "SKU-X")).toBe(5);
			expect(await inboxCount(consumer)).toBe(1);
			await until(async () => (await bus.pending("stock")).pending === 0, 2_000, "ack");
			expect(await bus.deadLetters("stock")).toHaveLength(0);
		});

		test("publishing the same event twice delivers it once; the inbox guards what gets through", async () => {
			const { bus, producer, consumer, relay } = await setup();
			let calls = 0;
			bus.subscribe(
				"stock",
				["order.placed"],
				async (event) => {
					calls++;
					await reserveOnce(consumer, event);
				},
				fast,
			);
			await bus.start();
			const event = await placeOrder(producer, "SKU-D", 4);
			const batch = await relay.claim();
			await bus.publish(batch.events);
			await bus.publish(batch.events); // a relay that crashed before marking the batch sent
			await relay.markSent(batch);
			await until(() => calls >= 1, 5_000, "delivery");
			await Bun.sleep(150);
			expect(calls).toBe(1);
			expect(event.id).toBe(batch.events[0]?.id ?? "");
			expect(await reserved(consumer, "SKU-D")).toBe(4);
		});

		test("retries with exponential backoff, then succeeds", async () => {
			const { bus, producer, consumer, relay } = await setup();
			const at: number[] = [];
			bus.subscribe(
				"stock",
				["order.placed"],
				async (event, d) => {
					at.push(Date.now());
					if (d.deliveries < 3) throw new Error(`transient failure ${d.deliveries}`);
					await reserveOnce(consumer, event);
				},
				{ ...fast, backoffMs: 80, maxDeliveries: 5 },
			);
			await bus.start();
			relay.start();
			await placeOrder(producer, "SKU-R", 1);
			relay.kick();
			await until(async () => (await reserved(consumer, "SKU-R")) === 1, 5_000, "success after retries");
			expect(at).toHaveLength(3);
			const [t0 = 0, t1 = 0, t2 = 0] = at;
			expect(t1 - t0).toBeGreaterThanOrEqual(80 * 0.8 - 5); // first retry ≈ backoff
			expect(t2 - t1).toBeGreaterThanOrEqual(160 * 0.8 - 5); // second ≈ 2 × backoff
			await until(async () => (await bus.pending("stock")).pending === 0, 2_000, "ack");
			expect(await bus.deadLetters("stock")).toHaveLength(0);
		});

		test("dead-letters after N failed deliveries; inspection; replay delivers it to that group only", async () => {
			const { bus, producer, consumer, relay } = await setup();
			let broken = true;
			let calls = 0;
			let otherCalls = 0;
			bus.subscribe(
				"stock",
				["order.placed"],
				async (event) => {
					calls++;
					if (broken) throw new Error("handler bug");
					await reserveOnce(consumer, event);
				},
				{ ...fast, backoffMs: 20, maxDeliveries: 3 },
			);
			bus.subscribe("mailer", ["order.placed"], async () => void otherCalls++, fast);
			await bus.start();
			relay.start();
			const event = await placeOrder(producer, "SKU-DL", 7);
			relay.kick();
			await until(async () => (await bus.deadLetters("stock")).length === 1, 5_000, "dead letter");
			const [dead] = await bus.deadLetters("stock");
			expect(dead).toMatchObject({ group: "stock", deliveries: 3, lastError: "handler bug" });
			expect(dead?.event.id).toBe(event.id);
			expect(calls).toBe(3);
			expect((await bus.pending("stock")).pending).toBe(0);
			expect(await bus.deadLetters()).toHaveLength(1);
			await until(() => otherCalls === 1, 2_000, "other group");

			broken = false;
			expect(await bus.replayDeadLetter("stock", dead?.id ?? "")).toBe(true);
			expect(await bus.replayDeadLetter("stock", dead?.id ?? "")).toBe(false);
			await until(async () => (await reserved(consumer, "SKU-DL")) === 7, 5_000, "replayed delivery");
			expect(calls).toBe(4);
			expect(await bus.deadLetters("stock")).toHaveLength(0);
			await Bun.sleep(100);
			expect(otherCalls).toBe(1);
		});

		test("RetryLater: the event waits as long as it must, never dead-lettered for it; a dead letter is logged at error", async () => {
			const { bus, producer, consumer, relay } = await setup();
			let calls = 0;
			const waitFor = 9;
			bus.subscribe(
				"stock",
				["order.placed"],
				async (event) => {
					if (event.data.sku !== "SKU-WAIT") return;
					calls++;
					// What it needs is still in flight, three times more often than deliveries are allowed.
					if (calls <= waitFor) throw new RetryLater("the order is not there yet");
					await reserveOnce(consumer, event);
				},
				{ ...fast, backoffMs: 10, maxBackoffMs: 40, maxDeliveries: 3 },
			);
			// An ordinary failure still dead-letters after maxDeliveries.
			bus.subscribe(
				"poison",
				["order.placed"],
				async (event) => {
					if (event.data.sku === "SKU-POISON") throw new Error("handler bug");
				},
				{ ...fast, backoffMs: 10, maxDeliveries: 2 },
			);
			const errors: string[] = [];
			const original = console.error;
			console.error = (...args: unknown[]) => void errors.push(args.map(String).join(" "));
			try {
				await bus.start();
				relay.start();
				await placeOrder(producer, "SKU-WAIT", 4);
				relay.kick();
				await until(async () => (await reserved(consumer, "SKU-WAIT")) === 4, 10_000, "applied after waiting");
				expect(calls).toBe(waitFor + 1);
				expect(await bus.deadLetters("stock")).toHaveLength(0);
				expect(errors).toEqual([]);

				const failing = await placeOrder(producer, "SKU-POISON", 1);
				relay.kick();
				await until(async () => (await bus.deadLetters("poison")).length > 0, 10_000, "dead letter");
				// Said at error level, naming the group, the type and the event.
				const line = errors.find((e) => e.includes(failing.id));
				expect(line).toContain("[bus:poison] DEAD LETTER order.placed");
				expect(line).toContain("handler bug");
				expect(await bus.deadLetters("stock")).toHaveLength(0);
			} finally {
				console.error = original;
			}
		});

		test("pending shows an unacknowledged delivery; stop() lets a running handler finish", async () => {
			const { bus, producer, consumer, relay } = await setup();
			let release: () => void = () => {};
			const gate = new Promise<void>((r) => {
				release = r;
			});
			let done = 0;
			bus.subscribe(
				"stock",
				["order.placed"],
				async (event) => {
					await gate;
					await reserveOnce(consumer, event);
					done++;
				},
				fast,
			);
			await bus.start();
			const event = await placeOrder(producer, "SKU-P", 1);
			await relay.relayOnce();
			await until(async () => (await bus.pending("stock")).pending === 1, 3_000, "pending entry");
			const summary = await bus.pending("stock");
			expect(summary.entries[0]).toMatchObject({ eventId: event.id, type: "order.placed", deliveries: 1 });
			const stopped = bus.stop();
			await Bun.sleep(50);
			release();
			await stopped;
			opened.splice(0, 1, { bus: await openBusAt(opened[0]?.loc as BusLocation), loc: opened[0]?.loc as BusLocation });
			expect(done).toBe(1);
			expect((await opened[0]?.bus.pending("stock"))?.pending).toBe(0);
		});
	});
}
