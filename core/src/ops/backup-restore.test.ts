import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ulid } from "@bazaar/ids";
import type { Caller } from "@bazaar/signature";
import { createBus } from "../bus";
import { dropRedisPrefix } from "../bus/testing/fixtures";
import { openInventory } from "../inventory/module";
import { openDatabase } from "../lib/db";
import { ADMIN, REDIS_URL, redisAvailable, SECRET, tempDir } from "../testing/harness";
import { rows as query } from "../testing/sql";
import { CONSUMER_GROUPS } from "../workflows/consumers";
import { type CoreProcess, freePort, prepareCoreData, startCore } from "../workflows/testing/core-process";
import {
	approvePayment,
	type CoreClient,
	checkout,
	fillCart,
	orderWhen,
	pollFor,
	remoteCore,
	signUp,
} from "../workflows/testing/journey";

// Backup under load and restore, with real processes: a core (`bun core/src/main.ts`) takes
// checkouts and payments from several shoppers at once; `cli.ts backup` runs in the middle of it;
// the core is stopped and `cli.ts restore` puts the backup into a fresh DATA_DIR, where a new core
// starts. Every order acknowledged before the backup started is there (and paid if its payment
// was acknowledged too), nothing is there that the first core never had, the inventory ledger
// balances, and the bus carries on from the cut: events in flight at the cut are applied exactly
// once, and a new order flows through to its shipment. On both buses: the libSQL one (in the
// backup) and Redis Streams (not in it: the restored shop starts on a new prefix and its outboxes
// publish again).

const redisUp = await redisAvailable();
if (!redisUp)
	console.warn(`[backup-restore] Redis at ${REDIS_URL} is unreachable: the Redis Streams variant is SKIPPED`);

const BUN = resolve(import.meta.dir, "../../../node_modules/.bin/bun");
const CLI = resolve(import.meta.dir, "../cli.ts");
const SHOPPERS = 6;

const running: CoreProcess[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((p) => p.kill()));
});
const prefixes: string[] = [];
afterAll(async () => {
	for (const prefix of prefixes.splice(0)) await dropRedisPrefix(REDIS_URL, prefix);
}, 60_000);

/** `bun core/src/cli.ts …` on `dataDir`; its exit code and output. */
async function cli(
	dataDir: string,
	args: string[],
	env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
	// Nothing from the developer's environment may point the command at other data.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([k]) => !k.startsWith("DATABASE_URL_") && k !== "LIBSQL_URL" && k !== "REDIS_URL" && !k.startsWith("BAZAAR_"),
		),
	);
	const proc = Bun.spawn([BUN, CLI, ...args], {
		env: { ...inherited, BAZAAR_ENV: "test", DATA_DIR: dataDir, BAZAAR_SIGNING_SECRET: SECRET, ...env },
		stdout: "pipe",
		stderr: "pipe",
	});
	const [out, err, code] = await Promise.all([
		new Response(proc.stdout).text(),
		new Response(proc.stderr).text(),
		proc.exited,
	]);
	return { code, out: out + err };
}

// biome-ignore lint/suspicious/noExplicitAny: rows of any shape, as each check reads them
async function rows(dir: string, file: string, sql: string, args: (string | number)[] = []): Promise<any[]> {
	const db = await openDatabase(`file:${join(dir, file)}`, {});
	try {
		return await query(db, sql, ...args);
	} finally {
		await db.close();
	}
}

interface Acked {
	orderId: string;
	reservationId: string;
	shopper: Caller;
}

const backends = [
	{ name: "libSQL outbox bus", available: true, redis: false },
	{ name: "Redis Streams bus", available: redisUp, redis: true },
] as const;

for (const backend of backends) {
	describe.skipIf(!backend.available)(backend.name, () => {
		test("a backup taken under checkout load restores into a fresh DATA_DIR with every acknowledged order, balanced books and a bus that resumes once", async () => {
			const data = await prepareCoreData();
			const variant = data.variants[0] as { id: string; sku: string };
			// The Redis bus: the first shop on one prefix, the restored one on a new one.
			const firstPrefix = `bazaar:backuptest:${ulid().toLowerCase()}`;
			const restoredPrefix = `${firstPrefix}:restored`;
			if (backend.redis) prefixes.push(firstPrefix, restoredPrefix);
			const firstEnv: Record<string, string> = backend.redis ? { REDIS_URL, BUS_REDIS_PREFIX: firstPrefix } : {};
			const restoredEnv: Record<string, string> = backend.redis ? { REDIS_URL, BUS_REDIS_PREFIX: restoredPrefix } : {};
			const first = startCore(data.dir, freePort(), firstEnv);
			running.push(first);
			await first.ready();
			const core = remoteCore(first.base, SECRET);
			const receive = await core.call("POST", `/inventory/admin/skus/${variant.sku}/receive`, {
				caller: ADMIN,
				body: { quantity: 100_000 },
			});
			expect(receive.status).toBe(200);
			const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, (_, i) => signUp(core, `Backup ${i}`)));

			// ---- load: every shopper checks out and pays, back to back; what was acknowledged, and when.
			const placed: Acked[] = [];
			const paid: Acked[] = [];
			let loading = true;
			const load = shoppers.map(async (shopper, s) => {
				for (let k = 0; loading; k++) {
					await fillCart(core, shopper, [variant]);
					const order = await checkout(core, shopper, `backup-${s}-${k}`);
					const acked = { orderId: order.orderId, reservationId: order.reservationId, shopper };
					placed.push(acked);
					// Every other order is paid: the rest are pending when the backup cuts.
					if (k % 2 === 0) {
						await approvePayment(core, shopper, order.redirectUrl);
						paid.push(acked);
					}
				}
			});
			await pollFor(async () => (paid.length >= 8 ? true : undefined), 60_000, "orders under load");

			// ---- the backup, mid-load: what was acknowledged before it started must come back.
			const placedBefore = [...placed];
			const paidBefore = [...paid];
			const backupDir = join(tempDir("bazaar-backup-"), "backup");
			const backupStarted = performance.now();
			const backup = await cli(data.dir, ["backup", "--to", backupDir], firstEnv);
			const backupMs = performance.now() - backupStarted;
			expect(backup.out).toContain(backend.redis ? "12 databases" : "13 databases");
			expect(backup.code).toBe(0);
			const placedDuring = placed.length - placedBefore.length;
			await Bun.sleep(300);
			loading = false;
			await Promise.all(load);
			expect(placed.length).toBeGreaterThan(placedBefore.length);

			// ---- restore refuses a DATA_DIR a running core has open, and changes nothing there.
			const refused = await cli(data.dir, ["restore", "--from", backupDir], restoredEnv);
			expect(refused.code).toBe(1);
			expect(refused.out).toContain("is open in another process");
			expect(readdirSync(data.dir).filter((f) => f.startsWith("pre-restore-") || f.endsWith(".restore-tmp"))).toEqual(
				[],
			);
			expect(await first.stop()).toBe(0);

			// ---- restore into a fresh DATA_DIR, start a core on it.
			const fresh = tempDir("bazaar-restored-");
			const restore = await cli(fresh, ["restore", "--from", backupDir], restoredEnv);
			expect(restore.code).toBe(0);
			expect(readdirSync(fresh).filter((f) => f.startsWith("pre-restore-"))).toEqual([]);
			// The first core's processes are gone: no lease its relays held at the cut keeps an event back…
			for (const f of ["order.db", "payment.db", "inventory.db", "fulfillment.db"]) {
				expect(await rows(fresh, f, "SELECT seq FROM bus_outbox WHERE sent_at IS NULL AND lease_until > 0")).toEqual(
					[],
				);
			}
			// …nor one its consumers held (the libSQL bus's deliveries are in the backup).
			if (!backend.redis) {
				expect(
					await rows(fresh, "bus.db", "SELECT seq FROM bus_deliveries WHERE state = 'leased' AND lease_until > 0"),
				).toEqual([]);
			}
			const second = startCore(fresh, freePort(), restoredEnv);
			running.push(second);
			await second.ready();
			const again: CoreClient = remoteCore(second.base, SECRET);

			// Every order acknowledged before the backup is there; every payment acknowledged, applied.
			for (const o of placedBefore) await orderWhen(again, o.shopper, o.orderId, () => true, 5_000);
			for (const o of paidBefore) await orderWhen(again, o.shopper, o.orderId, (x) => x.status === "paid", 20_000);

			// The bus resumes: a new order on the restored shop goes through to its shipment.
			const shopper = shoppers[0] as Caller;
			await fillCart(again, shopper, [variant]);
			const after = await checkout(again, shopper, "after-restore");
			await approvePayment(again, shopper, after.redirectUrl);
			await pollFor(
				async () => {
					const r = await again.call("GET", `/fulfillment/orders/${after.orderId}/shipments`, { caller: shopper });
					return r.status === 200 ? true : undefined;
				},
				20_000,
				"the new order's shipment",
			);
			const bus = await createBus(backend.redis ? { redisUrl: REDIS_URL, prefix: restoredPrefix } : { dataDir: fresh });
			try {
				const groups = backend.redis
					? Object.values(CONSUMER_GROUPS).map((grp) => ({ grp }))
					: await rows(fresh, "bus.db", "SELECT grp FROM bus_groups");
				expect(groups.length).toBeGreaterThan(0);
				await pollFor(
					async () => {
						const pending = await Promise.all(groups.map(async (g) => (await bus.pending(String(g.grp))).pending));
						return pending.every((n) => n === 0) ? true : undefined;
					},
					30_000,
					"every delivery acknowledged",
				);
				expect(await bus.deadLetters()).toEqual([]);
			} finally {
				await bus.stop();
			}
			await pollFor(
				async () => {
					const unsent = await Promise.all(
						["order.db", "payment.db", "inventory.db", "fulfillment.db"].map(
							async (f) => (await rows(fresh, f, "SELECT count(*) AS n FROM bus_outbox WHERE sent_at IS NULL"))[0]?.n,
						),
					);
					return unsent.every((n) => Number(n) === 0) ? true : undefined;
				},
				30_000,
				"every outbox sent",
			);
			expect(await second.stop()).toBe(0);

			// ---- the books, from the files.
			const restored = await rows(fresh, "order.db", "SELECT id, status, reservation_id AS reservationId FROM orders");
			const original = new Set((await rows(data.dir, "order.db", "SELECT id FROM orders")).map((o) => o.id));
			const restoredIds = new Set(restored.map((o) => o.id));
			for (const o of placedBefore) expect(restoredIds.has(o.orderId)).toBe(true);
			// A cut of the same shop: nothing the first core never had (but the one order placed since).
			for (const o of restored) if (o.id !== after.orderId) expect(original.has(o.id)).toBe(true);
			console.log(
				`backup under load (${backend.name}): ${placedBefore.length} orders acknowledged before the backup (${paidBefore.length} paid), ${placedDuring} while it ran (${Math.round(backupMs)} ms); ${restored.length - 1} restored; ${backup.out.split("\n")[0]}`,
			);

			// Each paid order: one payment, one move to paid, its reservation committed once, one shipment —
			// however the cut fell between the order, the payment, the inventory and the fulfillment.
			const paidOrders = restored.filter((o) => o.status === "paid");
			expect(paidOrders.length).toBeGreaterThanOrEqual(paidBefore.length + 1);
			for (const o of paidOrders) {
				const [payments, transitions, reserved, committed, shipments] = await Promise.all([
					rows(fresh, "payment.db", "SELECT status FROM payments WHERE order_id = ?", [o.id]),
					rows(fresh, "order.db", "SELECT 1 FROM order_transitions WHERE order_id = ? AND to_status = 'paid'", [o.id]),
					rows(fresh, "inventory.db", "SELECT quantity FROM ledger WHERE reservation_id = ? AND kind = 'reserved'", [
						o.reservationId,
					]),
					rows(fresh, "inventory.db", "SELECT quantity FROM ledger WHERE reservation_id = ? AND kind = 'committed'", [
						o.reservationId,
					]),
					rows(fresh, "fulfillment.db", "SELECT id FROM shipments WHERE order_id = ?", [o.id]),
				]);
				expect(payments.map((p) => p.status)).toEqual(["succeeded"]);
				expect(transitions).toHaveLength(1);
				// One line per order (its quantity is whatever the cart held), reserved once and committed once.
				expect(reserved).toHaveLength(1);
				expect(committed.map((r) => Number(r.quantity))).toEqual(reserved.map((r) => Number(r.quantity)));
				expect(shipments).toHaveLength(1);
			}
			// Every restored order has its reservation: the cut never splits a checkout.
			const reservations = new Set(
				(await rows(fresh, "inventory.db", "SELECT id FROM reservations")).map((r) => String(r.id)),
			);
			for (const o of restored) expect(reservations.has(String(o.reservationId))).toBe(true);
			const inbox = await rows(
				fresh,
				"fulfillment.db",
				"SELECT event_id, count(*) AS n FROM bus_inbox GROUP BY event_id HAVING n > 1",
			);
			expect(inbox).toEqual([]);

			const inventory = await openInventory({ url: `file:${join(fresh, "inventory.db")}` });
			try {
				const books = await inventory.reconcile();
				expect(books.rows.filter((r) => !r.balanced)).toEqual([]);
				expect(books.balanced).toBe(true);
			} finally {
				await inventory.stop();
			}
			expect(existsSync(join(fresh, "images"))).toBe(true);
		}, 240_000);
	});
}
