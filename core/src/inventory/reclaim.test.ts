import { afterEach, describe, expect, test } from "bun:test";
import { InventoryEvent } from "@bazaar/contracts/inventory";
import { rows } from "../testing/sql";
import { INV_ADMIN, type InventoryHarness, inventoryHarness } from "./testing/fixtures";

// A lapsed hold taken again (a payment that landed after its reservation expired or was
// released): all lines or none, never below zero, the books balancing.

let h: InventoryHarness;
afterEach(() => h?.close());

const TTL = { ttlMs: 60_000 };

async function lapsed(how: "expired" | "released") {
	h = await inventoryHarness();
	await h.inv.defineSku("SKU-A", { policy: "tracked" });
	await h.inv.defineSku("SKU-B", { policy: "tracked" });
	await h.inv.receiveStock("SKU-A", { quantity: 5 }, INV_ADMIN.user);
	await h.inv.receiveStock("SKU-B", { quantity: 2 }, INV_ADMIN.user);
	const { reservation } = await h.inv.reserve(
		{
			orderId: "ord_late",
			lines: [
				{ sku: "SKU-A", quantity: 3 },
				{ sku: "SKU-B", quantity: 2 },
			],
		},
		{ ttlMs: 1_000 },
	);
	if (how === "expired") expect(await h.inv.expireDue({ now: Date.now() + 60_000 })).toBe(1);
	else await h.inv.release(reservation.id);
	return reservation.id;
}

const available = async (sku: string) => (await h.inv.getStock(sku)).rows[0]?.available;

describe("reclaim", () => {
	for (const how of ["expired", "released"] as const) {
		test(`${how} → active again with the same lines, then committed; the ledger balances`, async () => {
			const id = await lapsed(how);
			expect(await available("SKU-A")).toBe(5);
			const again = await h.inv.reclaim(id, TTL);
			expect(again.status).toBe("active");
			expect(again.lines).toEqual([
				{ sku: "SKU-A", slot: null, quantity: 3 },
				{ sku: "SKU-B", slot: null, quantity: 2 },
			]);
			expect(Date.parse(again.expiresAt)).toBeGreaterThan(Date.now() + 50_000);
			expect(await available("SKU-A")).toBe(2);
			expect(await available("SKU-B")).toBe(0);
			// SKU-B ran out again: the catalog hears of it (a reservation has no event of its own).
			const outbox = await rows<{ payload: string }>(
				h.inv.context.database,
				"SELECT payload FROM bus_outbox ORDER BY seq DESC LIMIT 1",
			);
			expect(InventoryEvent.parse(JSON.parse(outbox[0]?.payload ?? "null"))).toMatchObject({
				type: "inventory.availability_changed",
				data: { items: [{ sku: "SKU-B", available: 0 }] },
			});
			// A repeat answers it as it stands; so does one after the commit.
			expect((await h.inv.reclaim(id, TTL)).status).toBe("active");
			expect((await h.inv.commit(id)).status).toBe("committed");
			expect((await h.inv.reclaim(id, TTL)).status).toBe("committed");
			expect((await h.inv.getStock("SKU-A")).rows[0]).toMatchObject({ reserved: 0, sold: 3 });
			expect((await h.inv.reconcile()).balanced).toBe(true);
		});
	}

	test("not enough stock any more: 409 out-of-stock naming the short line, and nothing changes", async () => {
		const id = await lapsed("expired");
		// Someone else took one of the two SKU-B units meanwhile.
		await h.inv.reserve({ orderId: "ord_other", lines: [{ sku: "SKU-B", quantity: 1 }] });
		await expect(h.inv.reclaim(id, TTL)).rejects.toMatchObject({
			status: 409,
			shortages: [{ sku: "SKU-B", requested: 2, available: 1 }],
		});
		expect((await h.inv.getReservation(id)).status).toBe("expired");
		expect(await available("SKU-A")).toBe(5);
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});

	test("returned units cannot be taken again; unknown ids are 404", async () => {
		const id = await lapsed("released");
		await h.inv.reclaim(id, TTL);
		await h.inv.commit(id);
		await h.inv.returnUnits(id, { actor: INV_ADMIN.user, reason: "refund" });
		await expect(h.inv.reclaim(id, TTL)).rejects.toMatchObject({ status: 409 });
		await expect(h.inv.reclaim("res_nope", TTL)).rejects.toMatchObject({ status: 404 });
	});
});
