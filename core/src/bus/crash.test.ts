import { afterEach, describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
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
	until,
} from "./testing/fixtures";

// Crashes in REAL separate processes (SIGKILL: no cleanup, no finally, no graceful anything).

const redisUp = await redisAvailable();
if (!redisUp)
	console.warn(`[bus crash tests] Redis at ${REDIS_URL} is unreachable: the Redis Streams crash tests are SKIPPED`);

const BUN = resolve(import.meta.dir, "../../../node_modules/.bin/bun");
const CONSUMER = resolve(import.meta.dir, "testing/consumer-process.ts");
const PRODUCER = resolve(import.meta.dir, "testing/producer-process.ts");
const IDLE_MS = 300;

class Child {
	readonly lines: string[] = [];
	private readonly reading: Promise<void>;
	constructor(readonly proc: Subprocess<"ignore", "pipe", "inherit">) {
		this.reading = (async () => {
			const decoder = new TextDecoder();
			const reader = proc.stdout.getReader();
			let buf = "";
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				buf += decoder.decode(value, { stream: true });
				const parts = buf.split("\n");
				buf = parts.pop() ?? "";
				this.lines.push(...parts);
			}
		})();
	}
	async waitFor(prefix: string, ms = 8_000): Promise<string> {
		const find = () => this.lines.find((l) => l.startsWith(prefix));
		await until(() => find() !== undefined, ms, `child line "${prefix}"`);
		return find() ?? "";
	}
	count(prefix: string): number {
		return this.lines.filter((l) => l.startsWith(prefix)).length;
	}
	async exited(): Promise<number> {
		const code = await this.proc.exited;
		await this.reading;
		return code;
	}
}

const children: Child[] = [];
function spawn(script: string, env: Record<string, string>): Child {
	const proc = Bun.spawn([BUN, script], {
		env: { ...process.env, ...env },
		stdin: "ignore",
		stdout: "pipe",
		stderr: "inherit",
	});
	const child = new Child(proc);
	children.push(child);
	return child;
}

const backends = [
	{ name: "libsql", available: true, location: () => libsqlLocation(tempDir("bazaar-bus-crash-")) },
	{ name: "redis", available: redisUp, location: () => redisLocation(REDIS_URL) },
] as const;

for (const backend of backends) {
	describe.skipIf(!backend.available)(`crash recovery on ${backend.name}`, () => {
		const locations: BusLocation[] = [];
		afterEach(async () => {
			for (const c of children.splice(0)) if (c.proc.exitCode === null && !c.proc.killed) c.proc.kill("SIGKILL");
			for (const loc of locations.splice(0)) if (loc.prefix) await dropRedisPrefix(loc.url, loc.prefix);
		});

		function where() {
			const loc = backend.location();
			locations.push(loc);
			const dir = tempDir("bazaar-bus-crash-");
			return { loc, producerUrl: `file:${join(dir, "order.db")}`, consumerUrl: `file:${join(dir, "stock.db")}` };
		}

		for (const hang of ["before-commit", "after-commit"] as const) {
			test(`a consumer SIGKILLed mid-handling (${hang}): another process gets the event, applied exactly once`, async () => {
				const { loc, producerUrl, consumerUrl } = where();
				const bus = await openBusAt(loc);
				const producer = await openProducerDb(producerUrl);
				const relay = new BusRelay({ database: producer, bus });
				const consumerEnv = { BUS_LOCATION: JSON.stringify(loc), CONSUMER_DB: consumerUrl, IDLE_MS: String(IDLE_MS) };
				try {
					// The first consumer joins the group, takes the event and dies holding it.
					const first = spawn(CONSUMER, { ...consumerEnv, HANG: hang });
					await first.waitFor("READY");
					const event = await placeOrder(producer, "SKU-K", 2);
					expect(await relay.relayOnce()).toBe(1);
					await first.waitFor(hang === "before-commit" ? `HANDLING ${event.id}` : `APPLIED-UNACKED ${event.id}`);
					first.proc.kill("SIGKILL");
					expect(await first.exited()).not.toBe(0);

					const held = await bus.pending("stock");
					expect(held.pending).toBe(1);
					expect(held.entries[0]).toMatchObject({ eventId: event.id, deliveries: 1 });

					const consumer = await openConsumerDb(consumerUrl);
					expect(await reserved(consumer, "SKU-K")).toBe(hang === "before-commit" ? 0 : 2);

					// A new process takes the dead consumer's event over once its idle timeout passed.
					const second = spawn(CONSUMER, consumerEnv);
					const line = await second.waitFor(`APPLIED ${event.id}`);
					// Before commit nothing was applied, so the second process applies it; after commit the
					// inbox already has it and the redelivery changes nothing.
					expect(line).toBe(`APPLIED ${event.id} ${hang === "before-commit"}`);
					expect((await second.waitFor(`DELIVERED ${event.id}`)).split(" ")[2]).toBe("2");
					await until(async () => (await bus.pending("stock")).pending === 0, 3_000, "ack after takeover");
					second.proc.kill("SIGTERM");
					expect(await second.exited()).toBe(0);
					expect(second.lines).toContain("STOPPED");
					expect(second.count("DELIVERED")).toBe(1);

					expect(await reserved(consumer, "SKU-K")).toBe(2);
					expect(await inboxCount(consumer)).toBe(1);
					expect(await bus.deadLetters("stock")).toHaveLength(0);
					consumer.close();
				} finally {
					producer.close();
					await bus.stop();
				}
			}, 20_000);
		}

		for (const crash of ["after-commit", "after-publish"] as const) {
			test(`a producer SIGKILLed ${crash.replace("-", " ")} (before the relay marked it sent): the event goes out once after restart`, async () => {
				const { loc, producerUrl, consumerUrl } = where();
				const dying = spawn(PRODUCER, {
					BUS_LOCATION: JSON.stringify(loc),
					PRODUCER_DB: producerUrl,
					CRASH: crash,
					LEASE_MS: String(IDLE_MS),
				});
				const committed = await dying.waitFor("COMMITTED");
				expect(await dying.exited()).not.toBe(0);
				const eventId = committed.split(" ")[1] ?? "";
				if (crash === "after-publish") expect(dying.lines).toContain("PUBLISHED 1");

				// The restarted producer: its relay finds the committed, unsent row.
				const bus = await openBusAt(loc);
				const producer = await openProducerDb(producerUrl);
				const consumer = await openConsumerDb(consumerUrl);
				const relay = new BusRelay({ database: producer, bus, pollMs: 20, leaseMs: IDLE_MS });
				const deliveries: string[] = [];
				bus.subscribe(
					"stock",
					["order.placed"],
					async (event) => {
						deliveries.push(event.id);
						const { reserveOnce } = await import("./testing/fixtures");
						await reserveOnce(consumer, event);
					},
					{ pollMs: 20, idleTimeoutMs: IDLE_MS },
				);
				try {
					expect(await relay.unsent()).toBe(1);
					await bus.start();
					relay.start();
					await until(async () => (await relay.unsent()) === 0, 5_000, "relayed after restart");
					await until(() => deliveries.length >= 1, 5_000, "delivered");
					await Bun.sleep(200);
					expect(deliveries).toEqual([eventId]);
					expect(await reserved(consumer, "SKU-CRASH")).toBe(3);
					expect(await inboxCount(consumer)).toBe(1);
				} finally {
					await relay.stop();
					await bus.stop();
					producer.close();
					consumer.close();
				}
			}, 20_000);
		}
	});
}
