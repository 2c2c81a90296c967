import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ulid } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import { type Bus, createBus } from "../bus";
import { dropRedisPrefix } from "../bus/testing/fixtures";
import { CRASH_POINTS } from "../config";
import { openInventory } from "../inventory/module";
import { openDatabase } from "../lib/db";
import { json, REDIS_URL, redisAvailable, SECRET } from "../testing/harness";
import { rows as query } from "../testing/sql";
import { type CoreProcess, freePort, prepareCoreData, startCore } from "./testing/core-process";
import {
	approvePayment,
	checkout,
	fillCart,
	orderWhen,
	type PlacedOrder,
	pollFor,
	remoteCore,
	signUp,
} from "./testing/journey";

// The whole core, crashed for real: `bun core/src/main.ts` is SIGKILLed (no cleanup, no finally,
// no acknowledgement) between the order's change and the inventory consuming its event, then
// started again on the same data. The crash points are test-only hooks (BAZAAR_TEST_CRASH_AFTER,
// core/src/config.ts) at which the process kills itself, so the moment is exact, not a race:
//
//   order-placed-commit  checkout committed the new order (its stock reserved), then died before
//                        it started the payment or answered; the shopper retries with the same key.
//   order-paid-commit    payment.succeeded committed the order as paid — order.paid sits in the
//                        order outbox, not relayed; the inventory has not committed anything.
//   inventory-commit     the inventory committed the paid order's reservation, but the bus never
//                        heard the acknowledgement: order.paid is redelivered after the restart.
//
// After the restart the event is delivered and applied once: the reservation is committed once
// (one ledger movement per line), one order, one order.paid, one shipment, and the books balance.

const redisUp = await redisAvailable();
if (!redisUp) {
	console.warn(`[whole-core crash tests] Redis at ${REDIS_URL} is unreachable: the Redis Streams variant is SKIPPED`);
}

const ADMIN: Caller = { user: "usr_01CRASHADMIN000000000000000", roles: ["admin"] };
/** Leases and idle claims short enough that a dead process's deliveries come back within the test. */
const IDLE_MS = "1000";

const running: CoreProcess[] = [];
const prefixes: string[] = [];
afterEach(async () => {
	for (const p of running.splice(0)) {
		if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
		await p.proc.exited;
	}
});
// Scanning a busy shared Redis for the test's keys can take longer than the default hook timeout.
afterAll(async () => {
	for (const prefix of prefixes.splice(0)) await dropRedisPrefix(REDIS_URL, prefix);
}, 60_000);

const backends = [
	{ name: "libSQL outbox bus", available: true, redis: false },
	{ name: "Redis Streams bus", available: redisUp, redis: true },
] as const;

/** Rows read straight from the module's database file (the process is dead or stopped). */
// biome-ignore lint/suspicious/noExplicitAny: rows of any shape, as each test reads them
async function rows(dir: string, file: string, sql: string, args: (string | number)[] = []): Promise<any[]> {
	const db = await openDatabase(`file:${join(dir, file)}`, {});
	try {
		return await query(db, sql, ...args);
	} finally {
		await db.close();
	}
}

for (const backend of backends) {
	describe.skipIf(!backend.available)(`whole core killed and restarted (${backend.name})`, () => {
		for (const point of CRASH_POINTS) {
			test(`SIGKILL at ${point}: after the restart the flow completes once — one order, stock reserved and committed once, one shipment`, async () => {
				const data = await prepareCoreData();
				expect(data.variants).toHaveLength(2);
				const port = freePort();
				const prefix = `bazaar:crashtest:${ulid().toLowerCase()}`;
				if (backend.redis) prefixes.push(prefix);
				const env = {
					BUS_IDLE_TIMEOUT_MS: IDLE_MS,
					...(backend.redis ? { REDIS_URL, BUS_REDIS_PREFIX: prefix } : {}),
				};
				const openBus = (): Promise<Bus> =>
					createBus({ redisUrl: backend.redis ? REDIS_URL : null, dataDir: data.dir, prefix });

				// ---- first life: checkout (and pay); the process kills itself at the crash point.
				const first = startCore(data.dir, port, { ...env, BAZAAR_TEST_CRASH_AFTER: point });
				running.push(first);
				await first.ready();
				const core = remoteCore(first.base, SECRET);
				const shopper = await signUp(core, "Crash");
				await fillCart(core, shopper, data.variants);
				const key = `crash-${point}-${shopper.user}`;
				let placed: PlacedOrder | null = null;
				if (point === "order-placed-commit") {
					// The shopper never hears back: the connection drops with the process.
					await expect(checkout(core, shopper, key)).rejects.toThrow();
				} else {
					placed = await checkout(core, shopper, key);
					const held = await json<{ status: string }>(
						await core.call("GET", `/inventory/reservations/${placed.reservationId}`, { caller: ADMIN }),
					);
					expect(held.status).toBe("active");
					// The approve may not get its answer: the process can die while it waits for the webhook.
					await approvePayment(core, shopper, placed.redirectUrl).catch(() => undefined);
				}
				expect(await first.ended()).toBe("SIGKILL");
				// The line carries the request's id in front ("[req …] core: …").
				expect(first.lines.some((l) => l.endsWith(`core: BAZAAR_TEST_CRASH_AFTER=${point}: SIGKILL`))).toBe(true);

				// ---- what the crash left on disk.
				const [order] = await rows(
					data.dir,
					"order.db",
					"SELECT id, status, reservation_id AS reservationId FROM orders WHERE customer_id = ?",
					[shopper.user],
				);
				const orderId = String(order?.id);
				const reservationId = String(order?.reservationId);
				if (placed) expect(orderId).toBe(placed.orderId);
				const [held] = await rows(data.dir, "inventory.db", "SELECT status FROM reservations WHERE id = ?", [
					reservationId,
				]);
				const paidOut = await rows(
					data.dir,
					"order.db",
					"SELECT id, sent_at FROM bus_outbox WHERE type = 'order.paid' AND key = ?",
					[orderId],
				);
				if (point === "order-placed-commit") {
					// The order and its held units exist; no payment was started.
					expect(order?.status).toBe("pending_payment");
					expect(held?.status).toBe("active");
					const payments = await rows(data.dir, "payment.db", "SELECT id FROM payments WHERE order_id = ?", [orderId]);
					expect(payments).toHaveLength(0);
				} else if (point === "order-paid-commit") {
					// Killed before the relay ran: order.paid exists only in the order's outbox.
					expect(order?.status).toBe("paid");
					expect(paidOut).toHaveLength(1);
					expect(paidOut[0]?.sent_at).toBeNull();
					expect(held?.status).toBe("active");
				} else {
					// Committed, but the bus still holds the delivery as unacknowledged.
					expect(order?.status).toBe("paid");
					expect(held?.status).toBe("committed");
					const bus = await openBus();
					try {
						const pending = await bus.pending("inventory");
						expect(pending.entries.map((e) => e.eventId)).toEqual([String(paidOut[0]?.id)]);
					} finally {
						await bus.stop();
					}
				}

				// ---- second life: the same data, no crash point.
				const second = startCore(data.dir, port, env);
				running.push(second);
				await second.ready();
				const again = remoteCore(second.base, SECRET);
				if (point === "order-placed-commit") {
					// The shopper retries with the same Idempotency-Key: the same order, now with its payment.
					const retried = await checkout(again, shopper, key);
					expect(retried.orderId).toBe(orderId);
					expect(retried.reservationId).toBe(reservationId);
					await approvePayment(again, shopper, retried.redirectUrl);
				}
				await pollFor(
					async () => {
						const r = await again.call("GET", `/inventory/reservations/${reservationId}`, { caller: ADMIN });
						return (await json<{ status: string }>(r)).status === "committed" ? true : undefined;
					},
					20_000,
					"the reservation to be committed",
				);
				// The rest of the flow carries on from there: the shipment exists, the order still paid.
				await pollFor(
					async () => {
						const r = await again.call("GET", `/fulfillment/orders/${orderId}/shipments`, { caller: shopper });
						return r.status === 200 ? true : undefined;
					},
					20_000,
					"the shipment",
				);
				await orderWhen(again, shopper, orderId, (o) => o.status === "paid");
				// The outbox rows the dead process had claimed go out again once their lease (the bus idle
				// timeout) lapses: every row ends sent.
				await pollFor(
					async () => {
						const unsent = await rows(
							data.dir,
							"order.db",
							"SELECT count(*) AS n FROM bus_outbox WHERE sent_at IS NULL",
						);
						return Number(unsent[0]?.n) === 0 ? true : undefined;
					},
					20_000,
					"the order outbox to be sent",
				);
				// Every group has acknowledged everything (the redelivered event included).
				const bus = await openBus();
				try {
					await pollFor(
						async () => {
							const counts = await Promise.all(
								["order", "inventory", "fulfillment"].map(async (g) => (await bus.pending(g)).pending),
							);
							return counts.every((n) => n === 0) ? true : undefined;
						},
						20_000,
						"every delivery acknowledged",
					);
					expect(await bus.deadLetters()).toHaveLength(0);
				} finally {
					await bus.stop();
				}
				expect(await second.stop()).toBe(0);

				// ---- the books, read from the files.
				const orders = await rows(data.dir, "order.db", "SELECT id, status FROM orders WHERE customer_id = ?", [
					shopper.user,
				]);
				expect(orders.map((o) => [o.id, o.status])).toEqual([[orderId, "paid"]]);
				const paidTransitions = await rows(
					data.dir,
					"order.db",
					"SELECT count(*) AS n FROM order_transitions WHERE order_id = ? AND to_status = 'paid'",
					[orderId],
				);
				expect(Number(paidTransitions[0]?.n)).toBe(1);
				const outbox = await rows(
					data.dir,
					"order.db",
					"SELECT type, sent_at FROM bus_outbox WHERE key = ? ORDER BY seq",
					[orderId],
				);
				expect(outbox.map((r) => r.type)).toEqual(["order.placed", "order.paid"]);
				expect(outbox.every((r) => r.sent_at !== null)).toBe(true);
				// The units were reserved once (checkout) and committed once (order.paid): one movement per
				// line each (quantities 1 and 2), never two.
				const expected = data.variants
					.map((v, i) => [v.sku, i + 1] as [string, number])
					.sort((a, b) => (a[0] < b[0] ? -1 : 1));
				const reservedMoves = await rows(
					data.dir,
					"inventory.db",
					"SELECT sku, quantity FROM ledger WHERE reservation_id = ? AND kind = 'reserved' ORDER BY sku",
					[reservationId],
				);
				expect(reservedMoves.map((r) => [r.sku, Number(r.quantity)])).toEqual(expected);
				const committed = await rows(
					data.dir,
					"inventory.db",
					"SELECT sku, quantity FROM ledger WHERE reservation_id = ? AND kind = 'committed' ORDER BY sku",
					[reservationId],
				);
				expect(committed.map((r) => [r.sku, Number(r.quantity)])).toEqual(expected);
				const payments = await rows(data.dir, "payment.db", "SELECT status FROM payments WHERE order_id = ?", [
					orderId,
				]);
				expect(payments.map((p) => p.status)).toEqual(["succeeded"]);
				const shipments = await rows(
					data.dir,
					"fulfillment.db",
					"SELECT kind, status FROM shipments WHERE order_id = ?",
					[orderId],
				);
				expect(shipments.map((s) => [s.kind, s.status])).toEqual([["parcel", "pending"]]);
				const [paid] = await rows(
					data.dir,
					"order.db",
					"SELECT id FROM bus_outbox WHERE type = 'order.paid' AND key = ?",
					[orderId],
				);
				const inbox = await rows(data.dir, "fulfillment.db", "SELECT count(*) AS n FROM bus_inbox WHERE event_id = ?", [
					String(paid?.id),
				]);
				expect(Number(inbox[0]?.n)).toBe(1);

				const inventory = await openInventory({ url: `file:${join(data.dir, "inventory.db")}` });
				try {
					const books = await inventory.reconcile(data.variants.map((v) => v.sku));
					expect(books.balanced).toBe(true);
					for (const [i, v] of data.variants.entries()) {
						const { rows: stock } = await inventory.getStock(v.sku);
						expect(stock.map((r) => [r.reserved, r.sold])).toEqual([[0, i + 1]]);
					}
				} finally {
					await inventory.stop();
				}
			}, 90_000);
		}
	});
}
