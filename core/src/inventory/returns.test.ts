import { afterEach, describe, expect, test } from "bun:test";
import { InventoryEvent } from "@bazaar/contracts/inventory";
import { json } from "../testing/harness";
import { signedInit } from "../testing/signed-init";
import { rows } from "../testing/sql";
import { CUSTOMER, INV_ADMIN, type InventoryHarness, inventoryHarness, SERVICE } from "./testing/fixtures";

// Sold units back to stock (a refund with restock): committed → returned, once, with the ledger
// still balancing.

let h: InventoryHarness;
afterEach(() => h?.close());

async function sold() {
	h = await inventoryHarness();
	await h.inv.defineSku("SKU-A", { policy: "tracked" });
	await h.inv.defineSku("SKU-B", { policy: "tracked" });
	await h.inv.receiveStock("SKU-A", { quantity: 10 }, INV_ADMIN.user);
	// SKU-B in two warehouses, so one line is split over them.
	await h.inv.receiveStock("SKU-B", { quantity: 1 }, INV_ADMIN.user);
	await h.inv.receiveStock("SKU-B", { quantity: 5, warehouse: "east" }, INV_ADMIN.user);
	const { reservation } = await h.inv.reserve({
		orderId: "ord_r1",
		lines: [
			{ sku: "SKU-A", quantity: 3 },
			{ sku: "SKU-B", quantity: 6 },
		],
	});
	await h.inv.commit(reservation.id);
	return reservation.id;
}

/** The events in the inventory's outbox after `seq` (0: all). */
async function eventsAfter(seq: number): Promise<InventoryEvent[]> {
	const found = await rows<{ payload: string }>(
		h.inv.context.database,
		"SELECT payload FROM bus_outbox WHERE seq > ? ORDER BY seq",
		seq,
	);
	return found.map((r) => InventoryEvent.parse(JSON.parse(r.payload)));
}
const lastSeq = async () =>
	Number(
		(await rows<{ n: number }>(h.inv.context.database, "SELECT coalesce(max(seq), 0) AS n FROM bus_outbox"))[0]?.n,
	);

const stockOf = async (sku: string) =>
	(await h.inv.getStock(sku)).rows.map((r) => ({ warehouse: r.warehouse, sold: r.sold, available: r.available }));

describe("returns", () => {
	test("committed → returned: sold shrinks per line where it was taken, ledger `returned`, books balance", async () => {
		const id = await sold();
		expect(await stockOf("SKU-A")).toEqual([{ warehouse: "main", sold: 3, available: 7 }]);
		const mark = await lastSeq();

		const res = await h.call("POST", `/inventory/reservations/${id}/return`, { body: { reason: "refund ord_r1" } });
		expect(res.status).toBe(200);
		expect(await json(res)).toMatchObject({ reservation: { id, status: "returned" }, returned: true });
		expect(await stockOf("SKU-A")).toEqual([{ warehouse: "main", sold: 0, available: 10 }]);
		expect((await stockOf("SKU-B")).map((r) => r.sold)).toEqual([0, 0]);
		expect((await stockOf("SKU-B")).reduce((n, r) => n + (r.available ?? 0), 0)).toBe(6);

		const ledger = (await h.inv.getLedger("SKU-B")).entries.filter((e) => e.kind === "returned");
		expect(ledger.map((e) => [e.warehouse, e.quantity, e.actor, e.reason]).sort()).toEqual([
			["east", 5, SERVICE.user, "refund ord_r1"],
			["main", 1, SERVICE.user, "refund ord_r1"],
		]);
		const books = await h.inv.reconcile();
		expect(books.balanced).toBe(true);
		const a = books.rows.find((r) => r.sku === "SKU-A");
		expect(a?.ledger).toMatchObject({ committed: 3, returned: 3 });
		expect(a).toMatchObject({ sold: 0, held: { committed: 0, active: 0 } });

		// SKU-B was sold out and is back (SKU-A never ran out: nothing to tell about it).
		const events = await eventsAfter(mark);
		expect(events.map((e) => e.type)).toEqual(["inventory.returned", "inventory.availability_changed"]);
		const changed = events[1];
		if (changed?.type !== "inventory.availability_changed") throw new Error("no availability event");
		expect(changed.data.items.map((i) => [i.sku, i.available])).toEqual([["SKU-B", 6]]);
	});

	test("a repeat is a no-op: nothing moves twice, no second ledger entry or event", async () => {
		const id = await sold();
		const first = await h.inv.returnUnits(id, { actor: "admin", reason: "refund" });
		expect(first.returned).toBe(true);
		const mark = await lastSeq();
		const again = await Promise.all([
			h.inv.returnUnits(id, { actor: "admin", reason: "refund" }),
			h.call("POST", `/inventory/reservations/${id}/return`, { body: { reason: "again" } }),
		]);
		expect(again[0]).toMatchObject({ returned: false, reservation: { status: "returned" } });
		expect(again[1].status).toBe(200);
		expect(await json(again[1])).toMatchObject({ returned: false });
		expect(await stockOf("SKU-A")).toEqual([{ warehouse: "main", sold: 0, available: 10 }]);
		expect((await h.inv.getLedger("SKU-A")).entries.filter((e) => e.kind === "returned")).toHaveLength(1);
		expect(await eventsAfter(mark)).toEqual([]);
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});

	test("only sold units come back: active, released or unknown reservations are refused and change nothing", async () => {
		await sold();
		const { reservation: active } = await h.inv.reserve({ orderId: "ord_r2", lines: [{ sku: "SKU-A", quantity: 1 }] });
		const before = await stockOf("SKU-A");
		expect(
			(await h.call("POST", `/inventory/reservations/${active.id}/return`, { body: { reason: "x" } })).status,
		).toBe(409);
		await h.inv.release(active.id);
		expect(
			(await h.call("POST", `/inventory/reservations/${active.id}/return`, { body: { reason: "x" } })).status,
		).toBe(409);
		expect((await h.call("POST", "/inventory/reservations/res_nope/return", { body: { reason: "x" } })).status).toBe(
			404,
		);
		// A reason is required; customers may not return stock.
		expect((await h.call("POST", `/inventory/reservations/${active.id}/return`, { body: {} })).status).toBe(400);
		const customer = await h.app.request(
			`/inventory/reservations/${active.id}/return`,
			await signedInit("POST", `/inventory/reservations/${active.id}/return`, { body: { reason: "x" } }, CUSTOMER),
		);
		expect(customer.status).toBe(403);
		// Only the released hold came back: nothing sold moved.
		expect(await stockOf("SKU-A")).toEqual([
			{ warehouse: "main", sold: before[0]?.sold ?? -1, available: (before[0]?.available ?? 0) + 1 },
		]);
		expect((await h.inv.getLedger("SKU-A")).entries.filter((e) => e.kind === "returned")).toHaveLength(0);
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});
});
