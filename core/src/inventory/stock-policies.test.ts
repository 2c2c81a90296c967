import { afterEach, describe, expect, test } from "bun:test";
import { json } from "../testing/harness";
import { exec } from "../testing/sql";
import { OutOfStockError } from "./errors";
import { futureSlot, INV_ADMIN, type InventoryHarness, inventoryHarness } from "./testing/fixtures";

let h: InventoryHarness;
afterEach(() => h?.close());

describe("services: capacity per time slot", () => {
	test("each slot holds its capacity; slots are independent; the reservation names the slot", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("MASSAGE-60", { policy: "capacity", slotCapacity: 3 });
		const ten = futureSlot(24);
		const eleven = futureSlot(25);

		const a = await h.inv.reserve({ orderId: "o1", lines: [{ sku: "MASSAGE-60", slot: ten, quantity: 2 }] });
		expect(a.reservation.lines).toEqual([{ sku: "MASSAGE-60", slot: ten, quantity: 2 }]);
		const refused = await h.inv
			.reserve({ orderId: "o2", lines: [{ sku: "MASSAGE-60", slot: ten, quantity: 2 }] })
			.catch((e) => e);
		expect(refused).toBeInstanceOf(OutOfStockError);
		expect(refused.shortages).toEqual([{ sku: "MASSAGE-60", slot: ten, requested: 2, available: 1 }]);
		await h.inv.reserve({ orderId: "o3", lines: [{ sku: "MASSAGE-60", slot: eleven, quantity: 3 }] });

		const later = futureSlot(48);
		const availability = await h.inv.availability([
			{ sku: "MASSAGE-60", slot: ten },
			{ sku: "MASSAGE-60", slot: eleven },
			{ sku: "MASSAGE-60", slot: later },
		]);
		expect(availability.items.map((i) => i.available)).toEqual([1, 0, 3]);

		// A slot spelt with another offset-free form is the same slot.
		const sameSlot = ten.replace(".000Z", "Z");
		const more = await h.inv
			.reserve({ orderId: "o4", lines: [{ sku: "MASSAGE-60", slot: sameSlot, quantity: 2 }] })
			.catch((e) => e);
		expect(more).toBeInstanceOf(OutOfStockError);

		// An admin opens one more place in the 10:00 slot.
		await h.inv.adjustStock("MASSAGE-60", { delta: 1, reason: "second therapist", slot: ten }, INV_ADMIN.user);
		await h.inv.reserve({ orderId: "o4", lines: [{ sku: "MASSAGE-60", slot: sameSlot, quantity: 2 }] });

		const ledger = await h.inv.getLedger("MASSAGE-60");
		expect(ledger.entries.filter((e) => e.kind === "received").map((e) => [e.slot, e.quantity, e.actor])).toEqual([
			[ten, 3, "system"],
			[eleven, 3, "system"],
		]);
		expect((await h.inv.reconcile(["MASSAGE-60"])).balanced).toBe(true);
	});

	test("a slot is required, must be a UTC date-time, must not have started; goods take none", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("TOUR", { policy: "capacity", slotCapacity: 10 });
		await h.inv.defineSku("BOOK", { policy: "tracked" });
		await h.inv.receiveStock("BOOK", { quantity: 5 }, "admin");
		const cases: [unknown, number][] = [
			[[{ sku: "TOUR", quantity: 1 }], 422],
			[[{ sku: "TOUR", quantity: 1, slot: new Date(Date.now() - 3_600_000).toISOString() }], 422],
			[[{ sku: "TOUR", quantity: 1, slot: "tomorrow at ten" }], 400],
			[[{ sku: "TOUR", quantity: 1, slot: "2026-12-01T10:00:00+01:00" }], 400],
			[[{ sku: "BOOK", quantity: 1, slot: futureSlot(3) }], 422],
		];
		for (const [lines, status] of cases) {
			const res = await h.call("POST", "/inventory/reservations", { body: { orderId: "o1", lines } });
			expect({ lines, status: res.status }).toEqual({ lines, status });
		}
		expect((await h.call("GET", "/inventory/availability?sku=TOUR")).status).toBe(422);
		expect((await h.inv.reconcile()).rows.every((r) => r.reserved === 0)).toBe(true);
	});
});

describe("digital goods: unlimited", () => {
	test("never run out, still count what is reserved and sold", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("EBOOK-1", { policy: "unlimited" });
		const lines = Array.from({ length: 100 }, () => ({ sku: "EBOOK-1", quantity: 999 }));
		const { reservation } = await h.inv.reserve({ orderId: "bulk", lines });
		expect(reservation.lines).toEqual([{ sku: "EBOOK-1", slot: null, quantity: 99_900 }]);
		await h.inv.commit(reservation.id);
		await h.inv.reserve({ orderId: "o2", lines: [{ sku: "EBOOK-1", quantity: 1 }] });
		expect((await h.inv.availability([{ sku: "EBOOK-1" }])).items).toEqual([
			{ sku: "EBOOK-1", slot: null, policy: "unlimited", available: null },
		]);
		expect((await h.inv.getStock("EBOOK-1")).rows).toEqual([
			{ warehouse: "main", slot: null, onHand: 0, reserved: 1, sold: 99_900, available: null },
		]);
		// There is nothing to count or correct.
		const receive = await h.call("POST", "/inventory/admin/skus/EBOOK-1/receive", {
			caller: INV_ADMIN,
			body: { quantity: 5 },
		});
		expect(receive.status).toBe(422);
		expect((await h.inv.reconcile(["EBOOK-1"])).balanced).toBe(true);
	});
});

describe("warehouses", () => {
	test("a line is taken from one warehouse when one can fill it, split only when none can", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("TENT", { policy: "tracked" });
		await h.inv.receiveStock("TENT", { quantity: 4 }, "admin");
		await h.inv.receiveStock("TENT", { quantity: 6, warehouse: "east" }, "admin");

		const one = await h.inv.reserve({ orderId: "o1", lines: [{ sku: "TENT", quantity: 5 }] });
		expect(one.reservation.allocations).toEqual([{ sku: "TENT", slot: null, warehouse: "east", quantity: 5 }]);
		const split = await h.inv.reserve({ orderId: "o2", lines: [{ sku: "TENT", quantity: 5 }] });
		expect(split.reservation.allocations).toEqual([
			{ sku: "TENT", slot: null, warehouse: "east", quantity: 1 },
			{ sku: "TENT", slot: null, warehouse: "main", quantity: 4 },
		]);
		expect(split.reservation.lines).toEqual([{ sku: "TENT", slot: null, quantity: 5 }]);
		expect((await h.inv.availability([{ sku: "TENT" }])).items[0]?.available).toBe(0);
		await h.inv.release(split.reservation.id);
		await h.inv.commit(one.reservation.id);
		expect((await h.inv.getStock("TENT")).rows).toEqual([
			{ warehouse: "east", slot: null, onHand: 6, reserved: 0, sold: 5, available: 1 },
			{ warehouse: "main", slot: null, onHand: 4, reserved: 0, sold: 0, available: 4 },
		]);
		expect((await h.inv.reconcile(["TENT"])).balanced).toBe(true);
	});
});

describe("the database itself refuses an oversold or negative row", () => {
	test("CHECK constraints hold even against a direct UPDATE", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("RAW", { policy: "tracked" });
		await h.inv.receiveStock("RAW", { quantity: 2 }, "admin");
		for (const statement of [
			"UPDATE stock SET reserved = on_hand + 1 WHERE sku = 'RAW'",
			"UPDATE stock SET reserved = 1, sold = 2 WHERE sku = 'RAW'",
			"UPDATE stock SET on_hand = -1 WHERE sku = 'RAW'",
			"UPDATE stock SET sold = -1 WHERE sku = 'RAW'",
			"INSERT INTO ledger (at, sku, warehouse, slot, kind, quantity) VALUES ('x', 'RAW', 'main', '', 'adjusted', -1)",
			"INSERT INTO ledger (at, sku, warehouse, slot, kind, quantity) VALUES ('x', 'RAW', 'main', '', 'reserved', 0)",
		]) {
			await expect(exec(h.inv.context.database, statement)).rejects.toThrow(/CHECK constraint failed/);
		}
		expect((await h.inv.getStock("RAW")).rows[0]).toMatchObject({ onHand: 2, reserved: 0, sold: 0 });
	});
});

test("availability for many SKUs is one answer, in the order asked", async () => {
	h = await inventoryHarness();
	const skus = Array.from({ length: 30 }, (_, i) => `MANY-${i}`);
	for (const [i, sku] of skus.entries()) {
		await h.inv.defineSku(sku, { policy: "tracked" });
		if (i % 2 === 0) await h.inv.receiveStock(sku, { quantity: i + 1 }, "admin");
	}
	const query = skus
		.slice()
		.reverse()
		.map((s) => `sku=${s}`)
		.join("&");
	const res = await h.call("GET", `/inventory/availability?${query}`);
	expect(res.status).toBe(200);
	const body = await json<{ items: { sku: string; available: number }[] }>(res);
	expect(body.items.map((i) => i.sku)).toEqual(skus.slice().reverse());
	expect(body.items.map((i) => i.available)).toEqual(
		skus
			.map((_, i) => (i % 2 === 0 ? i + 1 : 0))
			.slice()
			.reverse(),
	);
});
