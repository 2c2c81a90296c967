import { afterAll, expect, test } from "bun:test";
import type { Reconciliation, Reservation } from "@bazaar/contracts/inventory";
import { ADMIN, json, SECRET } from "../testing/harness";
import { type CoreProcess, freePort, prepareCoreData, startCore } from "./testing/core-process";
import { type CoreClient, remoteCore } from "./testing/journey";

// Two real core processes (`bun core/src/main.ts`) on one DATA_DIR, as `reusePort` or a process
// manager would run them: 5,000 reservations fired at once over signed HTTP, half at each, for
// 1,000 units. Each process has its own group-commit writer; SQLite's write lock (waited for
// asynchronously) and the guarded UPDATE keep the two honest. Exactly 1,000 are held, the rest
// are told out of stock, and the books balance.

const SERVICE = { user: "checkout", roles: ["service"] };
const running: CoreProcess[] = [];
afterAll(async () => {
	await Promise.all(running.map((p) => p.kill()));
});

test("5,000 concurrent reservations for 1,000 units across two core processes: exactly 1,000", async () => {
	const data = await prepareCoreData();
	const cores = [startCore(data.dir, freePort()), startCore(data.dir, freePort())];
	running.push(...cores);
	await Promise.all(cores.map((c) => c.ready()));
	const clients: CoreClient[] = cores.map((c) => remoteCore(c.base, SECRET));
	const [first] = clients as [CoreClient, CoreClient];

	const sku = "RACE-TWO-CORES";
	expect(
		(await first.call("PUT", `/inventory/admin/skus/${sku}`, { caller: ADMIN, body: { policy: "tracked" } })).status,
	).toBe(201);
	const received = await first.call("POST", `/inventory/admin/skus/${sku}/receive`, {
		caller: ADMIN,
		body: { quantity: 1_000 },
	});
	expect(received.status).toBe(200);

	const statuses = new Map<number, number>();
	const held: string[] = [];
	await Promise.all(
		Array.from({ length: 5_000 }, async (_, n) => {
			const res = await (clients[n % 2] as CoreClient).call("POST", "/inventory/reservations", {
				caller: SERVICE,
				body: { orderId: `two-cores-${n}`, lines: [{ sku, quantity: 1 }] },
			});
			statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
			if (res.status === 201) held.push((await json<Reservation>(res)).id);
			else await res.arrayBuffer();
		}),
	);
	expect(Object.fromEntries(statuses)).toEqual({ 201: 1_000, 409: 4_000 });
	expect(new Set(held).size).toBe(1_000);

	const books = await json<Reconciliation>(
		await first.call("GET", `/inventory/admin/reconcile?sku=${sku}`, { caller: ADMIN }),
	);
	expect(books.balanced).toBe(true);
	expect(books.rows).toEqual([expect.objectContaining({ sku, onHand: 1_000, reserved: 1_000, sold: 0, available: 0 })]);
	expect(await Promise.all(cores.map((c) => c.stop()))).toEqual([0, 0]);
}, 120_000);
