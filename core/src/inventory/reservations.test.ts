import { afterEach, describe, expect, test } from "bun:test";
import { InventoryEvent, Reservation } from "@bazaar/contracts/inventory";
import { countStatements, enableStatementCounting } from "../lib/db";
import { json } from "../testing/harness";
import { exec, rows } from "../testing/sql";
import { INV_ADMIN, type InventoryHarness, inventoryHarness } from "./testing/fixtures";

// Before any database opens: statements are counted from the connection up.
enableStatementCounting();

let h: InventoryHarness;
afterEach(() => h?.close());

/** A clock the test moves by hand. */
function manualClock(start = Date.parse("2026-11-11T00:00:00.000Z")) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function stocked(sku: string, quantity: number, options: Parameters<typeof inventoryHarness>[0] = {}) {
	h = await inventoryHarness(options);
	await h.inv.defineSku(sku, { policy: "tracked" });
	await h.inv.receiveStock(sku, { quantity }, INV_ADMIN.user);
}

const reserveBody = (orderId: string, quantity = 1, sku = "SKU-1") => ({ orderId, lines: [{ sku, quantity }] });

describe("idempotency", () => {
	test("the same order id twice is one reservation (201, then 200 with the same body)", async () => {
		await stocked("SKU-1", 10);
		const first = await h.call("POST", "/inventory/reservations", { body: reserveBody("ord_1", 3) });
		expect(first.status).toBe(201);
		const a = Reservation.parse(await json(first));
		const again = await h.call("POST", "/inventory/reservations", { body: reserveBody("ord_1", 3) });
		expect(again.status).toBe(200);
		expect(Reservation.parse(await json(again))).toEqual(a);
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ reserved: 3, available: 7 });
		const ledger = await h.inv.getLedger("SKU-1");
		expect(ledger.entries.filter((e) => e.kind === "reserved")).toHaveLength(1);
	});

	test("the same reservation id, fired ten times at once, holds stock once", async () => {
		await stocked("SKU-1", 10);
		const results = await Promise.all(
			Array.from({ length: 10 }, () =>
				h.inv.reserve({ orderId: "ord_9", reservationId: "flash_abc", lines: [{ sku: "SKU-1", quantity: 2 }] }),
			),
		);
		expect(results.filter((r) => r.created)).toHaveLength(1);
		expect(new Set(results.map((r) => r.reservation.id))).toEqual(new Set(["flash_abc"]));
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ reserved: 2, available: 8 });
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});

	test("a replay with other lines, or a reservation id of another order, is 422 and changes nothing", async () => {
		await stocked("SKU-1", 10);
		await h.inv.reserve({ orderId: "ord_1", reservationId: "res_x", lines: [{ sku: "SKU-1", quantity: 1 }] });
		const otherLines = await h.call("POST", "/inventory/reservations", { body: reserveBody("ord_1", 2) });
		expect(otherLines.status).toBe(422);
		const otherOrder = await h.call("POST", "/inventory/reservations", {
			body: { ...reserveBody("ord_2"), reservationId: "res_x" },
		});
		expect(otherOrder.status).toBe(422);
		expect((await json<{ detail: string }>(otherOrder)).detail).toContain("another order");
		const otherId = await h.call("POST", "/inventory/reservations", {
			body: { ...reserveBody("ord_1"), reservationId: "res_y" },
		});
		expect(otherId.status).toBe(422);
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ reserved: 1, available: 9 });
		// Lines written in another order (or split differently) are the same request.
		const same = await h.inv.reserve({
			orderId: "ord_3",
			lines: [
				{ sku: "SKU-1", quantity: 1 },
				{ sku: "SKU-1", quantity: 1 },
			],
		});
		const replay = await h.inv.reserve({ orderId: "ord_3", lines: [{ sku: "SKU-1", quantity: 2 }] });
		expect(replay).toEqual({ reservation: same.reservation, created: false });
	});
});

describe("commit / release state machine", () => {
	test("commit moves reserved to sold; a second commit is idempotent; release after commit is 409", async () => {
		await stocked("SKU-1", 5);
		const { reservation } = await h.inv.reserve(reserveBody("ord_1", 2));
		const committed = await h.call("POST", `/inventory/reservations/${reservation.id}/commit`);
		expect(committed.status).toBe(200);
		expect(Reservation.parse(await json(committed)).status).toBe("committed");
		const twice = await h.call("POST", `/inventory/reservations/${reservation.id}/commit`);
		expect(twice.status).toBe(200);
		expect(Reservation.parse(await json(twice)).status).toBe("committed");
		const release = await h.call("POST", `/inventory/reservations/${reservation.id}/release`);
		expect(release.status).toBe(409);
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ onHand: 5, reserved: 0, sold: 2, available: 3 });
		const kinds = (await h.inv.getLedger("SKU-1")).entries.map((e) => e.kind);
		expect(kinds).toEqual(["received", "reserved", "committed"]);
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});

	test("release gives the units back; a second release is idempotent; commit after release is 409", async () => {
		await stocked("SKU-1", 5);
		const { reservation } = await h.inv.reserve(reserveBody("ord_1", 2));
		expect((await h.inv.release(reservation.id)).status).toBe("released");
		expect((await h.inv.release(reservation.id)).status).toBe("released");
		const commit = await h.call("POST", `/inventory/reservations/${reservation.id}/commit`);
		expect(commit.status).toBe(409);
		expect((await json<{ detail: string }>(commit)).detail).toContain("released");
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ reserved: 0, sold: 0, available: 5 });
		expect((await h.inv.getLedger("SKU-1")).entries.map((e) => e.kind)).toEqual(["received", "reserved", "released"]);
	});

	test("unknown reservations are 404 for every verb", async () => {
		await stocked("SKU-1", 1);
		for (const [method, path] of [
			["GET", "/inventory/reservations/res_nope"],
			["POST", "/inventory/reservations/res_nope/commit"],
			["POST", "/inventory/reservations/res_nope/release"],
			["POST", "/inventory/reservations/bad%20id/commit"],
		] as const) {
			expect((await h.call(method, path)).status).toBe(404);
		}
	});

	test("commit and release racing for one reservation settle it exactly once", async () => {
		await stocked("SKU-1", 5);
		const { reservation } = await h.inv.reserve(reserveBody("ord_1", 2));
		const outcomes = await Promise.allSettled([
			h.inv.commit(reservation.id),
			h.inv.release(reservation.id),
			h.inv.commit(reservation.id),
			h.inv.release(reservation.id),
		]);
		const final = await h.inv.getReservation(reservation.id);
		const stock = (await h.inv.getStock("SKU-1")).rows[0];
		if (final.status === "committed") expect(stock).toMatchObject({ reserved: 0, sold: 2 });
		else expect(stock).toMatchObject({ reserved: 0, sold: 0, available: 5 });
		expect(outcomes.some((o) => o.status === "rejected")).toBe(true);
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});
});

describe("expiry", () => {
	test("expireDue releases what is due and nothing else; commit after expiry is 409, release a no-op", async () => {
		const clock = manualClock();
		await stocked("SKU-1", 10, { now: clock.now, defaultTtlMs: 60_000 });
		const short = await h.inv.reserve(reserveBody("ord_short", 2), { ttlMs: 1_000 });
		const long = await h.inv.reserve({ ...reserveBody("ord_long", 3), ttlSeconds: 600 });
		const dflt = await h.inv.reserve(reserveBody("ord_default", 1));
		expect(dflt.reservation.expiresAt).toBe(new Date(clock.now() + 60_000).toISOString());
		expect(await h.inv.expireDue()).toBe(0);

		clock.advance(1_000);
		expect(await h.inv.expireDue()).toBe(1);
		expect((await h.inv.getReservation(short.reservation.id)).status).toBe("expired");
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ reserved: 4, available: 6 });
		await expect(h.inv.commit(short.reservation.id)).rejects.toMatchObject({ status: 409 });
		expect((await h.inv.release(short.reservation.id)).status).toBe("expired");

		// Past its expiry but not yet swept: payment still commits (the units were held all along).
		clock.advance(60_000);
		expect((await h.inv.commit(dflt.reservation.id)).status).toBe("committed");
		expect(await h.inv.expireDue()).toBe(0);
		clock.advance(600_000);
		expect(await h.inv.expireDue({ batchSize: 1 })).toBe(1);
		expect((await h.inv.getReservation(long.reservation.id)).status).toBe("expired");
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ reserved: 0, sold: 1, available: 9 });
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});

	test("the sweeper loop expires reservations on its own, and stops cleanly", async () => {
		await stocked("SKU-1", 3, { sweeper: { intervalMs: 10 } });
		const { reservation } = await h.inv.reserve(reserveBody("ord_1", 3), { ttlMs: 20 });
		h.inv.start();
		const deadline = Date.now() + 2_000;
		// The sweep counts once its batch is durable, a moment after the change is visible.
		while (h.inv.sweeper.expired === 0 && Date.now() < deadline) await Bun.sleep(10);
		expect((await h.inv.getReservation(reservation.id)).status).toBe("expired");
		expect(h.inv.sweeper.expired).toBe(1);
		await h.inv.sweeper.stop();
		expect((await h.inv.availability([{ sku: "SKU-1" }])).items[0]?.available).toBe(3);
	});
});

describe("events (the inventory's outbox)", () => {
	test("events commit with the change that causes them, or not at all", async () => {
		h = await inventoryHarness();
		const outbox = async () =>
			(await rows<{ payload: string }>(h.inv.context.database, "SELECT payload FROM bus_outbox ORDER BY seq")).map(
				(r) => InventoryEvent.parse(JSON.parse(r.payload)),
			);
		await h.inv.defineSku("SKU-1", { policy: "tracked" });
		await h.inv.receiveStock("SKU-1", { quantity: 5 }, INV_ADMIN.user);

		const { reservation } = await h.inv.reserve(reserveBody("ord_1", 2));
		await h.inv.commit(reservation.id);
		const other = await h.inv.reserve(reserveBody("ord_2", 3)); // the last units
		await h.inv.release(other.reservation.id); // back on the shelf
		const seen = await outbox();
		// availability_changed only when a SKU runs out or comes back (the catalog's in-stock flag).
		expect(seen.map((e) => e.type)).toEqual([
			"inventory.availability_changed", // the delivery: 0 → 5
			"inventory.committed",
			"inventory.availability_changed", // 3 → 0
			"inventory.released",
			"inventory.availability_changed", // 0 → 3
		]);
		expect(seen[1]).toMatchObject({ type: "inventory.committed", source: "inventory", key: "ord_1" });
		const changes = seen.filter((e) => e.type === "inventory.availability_changed").map((e) => e.data);
		expect(changes.slice(1)).toEqual([
			{ items: [{ sku: "SKU-1", slot: null, policy: "tracked", available: 0 }] },
			{ items: [{ sku: "SKU-1", slot: null, policy: "tracked", available: 3 }] },
		]);

		// An outbox that refuses the row fails the change: no sold-out reservation without its event.
		await exec(
			h.inv.context.database,
			"CREATE TRIGGER outbox_down BEFORE INSERT ON bus_outbox BEGIN SELECT RAISE(ABORT, 'outbox is down'); END",
		);
		await expect(h.inv.reserve(reserveBody("ord_3", 3))).rejects.toThrow("outbox is down");
		expect((await h.inv.getStock("SKU-1")).rows[0]).toMatchObject({ reserved: 0, sold: 2, available: 3 });
		await expect(h.inv.getReservation("ord_3")).rejects.toMatchObject({ status: 404 });
		const count = await rows(h.inv.context.database, "SELECT count(*) AS n FROM reservations");
		expect(Number(count[0]?.n)).toBe(2);
	});
});

describe("cost", () => {
	test("a reservation runs the same handful of statements for 1 line or 60", async () => {
		h = await inventoryHarness();
		const skus = Array.from({ length: 60 }, (_, i) => `COST-${i}`);
		for (const sku of skus) {
			await h.inv.defineSku(sku, { policy: "tracked" });
			await h.inv.receiveStock(sku, { quantity: 10 }, "admin");
		}
		const one = await countStatements(() => h.inv.reserve({ orderId: "one", lines: [{ sku: "COST-0", quantity: 1 }] }));
		const many = await countStatements(() =>
			h.inv.reserve({ orderId: "many", lines: skus.map((sku) => ({ sku, quantity: 2 })) }),
		);
		expect(many.total).toBe(one.total);
		// Look for an existing id, read stock, conditional UPDATE, insert reservation, lines and
		// ledger (multi-row for the whole batch); one commit. No event: stock is left.
		expect(one.total).toBe(6);
		expect(one.totalCommits).toBe(1);
		const held = await h.inv.reserve({ orderId: "c", lines: [{ sku: "COST-1", quantity: 1 }] });
		const commit = await countStatements(() => h.inv.commit(held.reservation.id));
		// Status UPDATE … RETURNING, read lines, conditional UPDATE, insert ledger, the event; one commit.
		expect(commit.total).toBe(5);
		expect(commit.totalCommits).toBe(1);
	});
});
