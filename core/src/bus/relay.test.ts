import { expect, test } from "bun:test";
import { join } from "node:path";
import type { EventEnvelope } from "@bazaar/contracts/bus";
import { tempDir } from "../testing/harness";
import { rows } from "../testing/sql";
import { openLibsqlBus } from "./libsql-transport";
import { BusRelay } from "./relay";
import { openProducerDb, placeOrder, until } from "./testing/fixtures";

test("a refused publish leaves rows unsent (with the error), retried with backoff until the bus takes them", async () => {
	const dir = tempDir("bazaar-relay-");
	const producer = await openProducerDb(`file:${join(dir, "order.db")}`);
	const bus = await openLibsqlBus({ url: `file:${join(dir, "bus.db")}` });
	let refusals = 2;
	const attempts: number[] = [];
	// The real bus behind a switch that refuses the first publishes, as an unreachable Redis would.
	const flaky = {
		publish(events: EventEnvelope[]) {
			attempts.push(Date.now());
			if (refusals-- > 0) return Promise.reject(new Error("transport down"));
			return bus.publish(events);
		},
	};
	const relay = new BusRelay({ database: producer, bus: flaky, pollMs: 10, minBackoffMs: 40, maxBackoffMs: 200 });
	const received: string[] = [];
	bus.subscribe("audit", ["order.*"], async (e) => void received.push(e.id), { pollMs: 10 });
	await bus.start();
	const a = await placeOrder(producer, "SKU-1", 1);
	const b = await placeOrder(producer, "SKU-2", 1);
	await expect(relay.relayOnce()).rejects.toThrow("transport down");
	const row = await rows(producer, "SELECT last_error, lease_until, attempts FROM bus_outbox ORDER BY seq LIMIT 1");
	expect(row[0]).toMatchObject({ last_error: "transport down", lease_until: 0, attempts: 1 });
	relay.start();
	// Counted once markSent's commit has answered (a reader may see the rows sent a moment before).
	await until(() => relay.stats.sent === 2, 3_000, "sent after recovery");
	expect(await relay.unsent()).toBe(0);
	await until(() => received.length === 2, 3_000, "delivered");
	expect(received).toEqual([a.id, b.id]); // one batch, in commit order
	expect(attempts).toHaveLength(3);
	expect((attempts[2] ?? 0) - (attempts[1] ?? 0)).toBeGreaterThanOrEqual(30); // backed off
	expect(relay.stats).toEqual({ sent: 2, failedPublishes: 2 });
	await relay.stop();
	await bus.stop();
	producer.close();
});

test("relays sharing one database claim disjoint batches; a lapsed lease is claimed again", async () => {
	const dir = tempDir("bazaar-relay-");
	const producer = await openProducerDb(`file:${join(dir, "order.db")}`);
	const sink = { publish: async () => {} };
	for (let i = 0; i < 10; i++) await placeOrder(producer, `SKU-${i}`, 1);
	const one = new BusRelay({ database: producer, bus: sink, batchSize: 6, leaseMs: 100 });
	const two = new BusRelay({ database: producer, bus: sink, batchSize: 6, leaseMs: 100 });
	const [x, y] = await Promise.all([one.claim(), two.claim()]);
	expect(x.seqs.length + y.seqs.length).toBe(10);
	expect(new Set([...x.seqs, ...y.seqs]).size).toBe(10);
	expect((await one.claim()).seqs).toHaveLength(0); // all leased
	await one.markSent(x);
	await Bun.sleep(120); // y's relay "crashed": its lease lapses
	const again = await one.claim();
	expect(again.seqs.sort()).toEqual(y.seqs.sort());
	producer.close();
});

test("a clean stop sends what was committed before it, in batches, without waiting for a poll", async () => {
	const dir = tempDir("bazaar-relay-");
	const producer = await openProducerDb(`file:${join(dir, "order.db")}`);
	const published: string[] = [];
	const sink = { publish: async (events: EventEnvelope[]) => void published.push(...events.map((e) => e.id)) };
	// Never started (or stopped between polls): the rows are committed but not yet relayed.
	const relay = new BusRelay({ database: producer, bus: sink, batchSize: 4, pollMs: 60_000 });
	const placed = [];
	for (let i = 0; i < 10; i++) placed.push((await placeOrder(producer, `SKU-${i}`, 1)).id);
	await relay.stop();
	expect(published).toEqual(placed);
	expect(await relay.unsent()).toBe(0);
	producer.close();
});
