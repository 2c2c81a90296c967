import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { ulid } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import { dropRedisPrefix } from "../bus/testing/fixtures";
import { openInventory } from "../inventory/module";
import { openDatabase } from "../lib/db";
import { ADMIN, json, REDIS_URL, redisAvailable, SECRET } from "../testing/harness";
import { rows } from "../testing/sql";
import { type CoreProcess, freePort, prepareCoreData, startCore } from "./testing/core-process";
import { approvePayment, type CoreClient, checkout, fillCart, pollFor, remoteCore, signUp } from "./testing/journey";

// Two core processes on the same databases and bus (Redis Streams when Redis answers, else the
// libSQL outbox), behind a load balancer of the test's own that sends each call to one core and
// retries it on the other when the connection fails — as a real balancer does for a dead
// upstream. Shoppers check out and pay all along. One core is SIGKILLed under that load and
// started again; then the other is stopped with SIGTERM under load (the graceful path). After
// the dust settles: every order a shopper was told about exists, none is duplicated, every
// payment a shopper approved was applied once (the order paid, its stock committed once), and the
// inventory's books balance.

const redisUp = await redisAvailable();
const prefix = `bazaar:twocores:${ulid().toLowerCase()}`;
const running: CoreProcess[] = [];
afterAll(async () => {
	await Promise.all(running.map((p) => p.kill()));
	if (redisUp) await dropRedisPrefix(REDIS_URL, prefix);
});

/** Calls go round-robin to the cores that are up; a refused or dropped connection is retried on the other. */
function balancer(slots: { client: CoreClient | null }[]): CoreClient {
	let next = 0;
	const pick = async <T>(use: (c: CoreClient) => Promise<T>): Promise<T> => {
		for (let attempt = 0; ; attempt++) {
			const slot = slots[next++ % slots.length];
			const client = slot?.client;
			if (!client) continue;
			try {
				return await use(client);
			} catch (err) {
				if (attempt > 40) throw err;
				await Bun.sleep(20);
			}
		}
	};
	return {
		call: (method, path, init) => pick((c) => c.call(method, path, init)),
		http: (url, init) => pick((c) => c.http(url, init)),
	};
}

test("two cores share the work; one SIGKILLed and one SIGTERMed under checkout load: no order lost or duplicated, every payment applied once", async () => {
	const data = await prepareCoreData();
	const env = {
		BUS_IDLE_TIMEOUT_MS: "500",
		...(redisUp ? { REDIS_URL, BUS_REDIS_PREFIX: prefix } : {}),
	};
	const ports = [freePort(), freePort()];
	const start = (i: number) => {
		const core = startCore(data.dir, ports[i] as number, env);
		running.push(core);
		return core;
	};
	const cores = [start(0), start(1)];
	await Promise.all(cores.map((c) => c.ready()));
	const slots = cores.map((c) => ({ client: remoteCore(c.base, SECRET) as CoreClient | null }));
	const lb = balancer(slots);
	const sku = data.variants[0]?.sku as string;
	const stocked = await lb.call("POST", `/inventory/admin/skus/${sku}/receive`, {
		caller: ADMIN,
		body: { quantity: 10_000 },
	});
	expect(stocked.status).toBe(200);

	const shoppers: Caller[] = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(lb, `Two cores ${i}`)));
	const attempts = new Map<string, number>(); // shopper → checkouts tried
	const told = new Set<string>(); // orders a shopper got a 201 for
	const approved = new Set<string>(); // orders whose payment approval was answered 200
	let alive = true;
	const load = shoppers.map(async (shopper) => {
		for (let k = 0; alive; k++) {
			await fillCart(lb, shopper, data.variants.slice(0, 1));
			attempts.set(shopper.user, k + 1);
			const placed = await checkout(lb, shopper, `two-cores-${shopper.user}-${k}`);
			told.add(placed.orderId);
			await approvePayment(lb, shopper, placed.redirectUrl);
			approved.add(placed.orderId);
		}
	});
	const loadDone = Promise.all(load);
	const ordersSoFar = () => told.size;

	// SIGKILL core 1 mid-load; the balancer sends everything to core 0 until core 1 is back.
	await pollFor(async () => (ordersSoFar() >= 10 ? true : undefined), 60_000, "10 orders");
	const killedAt = ordersSoFar();
	slots[1] = { client: null };
	expect(await cores[1]?.kill()).toBe("SIGKILL");
	await pollFor(async () => (ordersSoFar() >= killedAt + 10 ? true : undefined), 60_000, "orders on one core");
	cores[1] = start(1);
	await cores[1].ready();
	slots[1] = { client: remoteCore(cores[1].base, SECRET) };

	// SIGTERM core 0 mid-load: it finishes what it holds and exits 0; core 1 carries on.
	await pollFor(async () => (ordersSoFar() >= killedAt + 20 ? true : undefined), 60_000, "orders on two cores");
	const stopping = cores[0]?.stop();
	slots[0] = { client: null };
	expect(await stopping).toBe(0);
	await pollFor(async () => (ordersSoFar() >= killedAt + 30 ? true : undefined), 60_000, "orders after SIGTERM");
	alive = false;
	await loadDone;

	// Every approved payment reaches its order (a dead consumer's deliveries are taken over).
	const survivor = remoteCore((cores[1] as CoreProcess).base, SECRET);
	const owner = new Map<string, Caller>();
	for (const s of shoppers) {
		const res = await survivor.call("GET", "/orders?limit=100", { caller: s });
		for (const o of (await json<{ items: { id: string }[] }>(res)).items) owner.set(o.id, s);
	}
	for (const id of told) expect(owner.has(id)).toBe(true);
	await pollFor(
		async () => {
			for (const id of approved) {
				const res = await survivor.call("GET", `/orders/${id}`, { caller: owner.get(id) });
				const order = await json<{ status: string }>(res);
				if (order.status === "pending_payment") return undefined;
			}
			return true;
		},
		60_000,
		"every approved order paid",
	);
	expect(await cores[1]?.stop()).toBe(0);

	// The books, from the files.
	const orderDb = await openDatabase(`file:${join(data.dir, "order.db")}`, {});
	const orders = await rows<{ id: string; customerId: string; status: string; reservationId: string }>(
		orderDb,
		"SELECT id, customer_id AS customerId, status, reservation_id AS reservationId FROM orders",
	);
	await orderDb.close();
	const byId = new Map(orders.map((o) => [o.id, o]));
	for (const id of told) expect(byId.has(id)).toBe(true);
	for (const id of approved) expect(byId.get(id)?.status).toBe("paid");
	for (const s of shoppers) {
		// One order per Idempotency-Key at most, however often a balancer retried it.
		expect(orders.filter((o) => o.customerId === s.user).length).toBeLessThanOrEqual(attempts.get(s.user) ?? 0);
	}
	expect(new Set(orders.map((o) => o.reservationId)).size).toBe(orders.length);

	const paymentDb = await openDatabase(`file:${join(data.dir, "payment.db")}`, {});
	const succeeded = await rows<{ orderId: string; n: number }>(
		paymentDb,
		"SELECT order_id AS orderId, count(*) AS n FROM payments WHERE status = 'succeeded' GROUP BY order_id",
	);
	await paymentDb.close();
	const paidOnce = new Map(succeeded.map((p) => [p.orderId, p.n]));
	for (const id of approved) expect(paidOnce.get(id)).toBe(1);
	expect(succeeded.every((p) => p.n === 1)).toBe(true);

	const inventoryDb = await openDatabase(`file:${join(data.dir, "inventory.db")}`, {});
	const reservations = await rows<{ id: string; status: string }>(inventoryDb, "SELECT id, status FROM reservations");
	await inventoryDb.close();
	const reservation = new Map(reservations.map((r) => [r.id, r.status]));
	for (const id of approved) expect(reservation.get(byId.get(id)?.reservationId ?? "")).toBe("committed");
	const inventory = await openInventory({ url: `file:${join(data.dir, "inventory.db")}` });
	try {
		expect((await inventory.reconcile()).balanced).toBe(true);
	} finally {
		await inventory.stop();
	}
	expect(approved.size).toBeGreaterThanOrEqual(30);
}, 240_000);
