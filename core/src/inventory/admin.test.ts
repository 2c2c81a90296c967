import { afterEach, describe, expect, test } from "bun:test";
import { LedgerPage, Reconciliation, SkuStock } from "@bazaar/contracts/inventory";
import { json } from "../testing/harness";
import { CUSTOMER, INV_ADMIN, type InventoryHarness, inventoryHarness, SERVICE } from "./testing/fixtures";

let h: InventoryHarness;
afterEach(() => h?.close());

const admin = (method: string, path: string, body?: unknown) => h.call(method, path, { caller: INV_ADMIN, body });

describe("admin stock management", () => {
	test("define, receive, adjust with a reason: every movement on the ledger with who and why", async () => {
		h = await inventoryHarness();
		const created = await admin("PUT", "/inventory/admin/skus/JACKET-M", { policy: "tracked" });
		expect(created.status).toBe(201);
		expect((await admin("PUT", "/inventory/admin/skus/JACKET-M", { policy: "tracked" })).status).toBe(200);
		const received = await admin("POST", "/inventory/admin/skus/JACKET-M/receive", { quantity: 20, reason: "PO-1042" });
		expect(received.status).toBe(200);
		expect(SkuStock.parse(await json(received)).rows[0]).toMatchObject({ onHand: 20, available: 20 });
		const adjusted = await admin("POST", "/inventory/admin/skus/JACKET-M/adjust", {
			delta: -3,
			reason: "water damage in aisle 4",
		});
		expect(adjusted.status).toBe(200);
		expect(SkuStock.parse(await json(adjusted)).rows[0]).toMatchObject({ onHand: 17, available: 17 });

		const ledger = LedgerPage.parse(await json(await admin("GET", "/inventory/admin/skus/JACKET-M/ledger")));
		expect(ledger.entries.map((e) => [e.kind, e.quantity, e.reason, e.actor])).toEqual([
			["received", 20, "PO-1042", INV_ADMIN.user],
			["adjusted", -3, "water damage in aisle 4", INV_ADMIN.user],
		]);
		const books = Reconciliation.parse(await json(await admin("GET", "/inventory/admin/reconcile?sku=JACKET-M")));
		expect(books.balanced).toBe(true);
		expect(books.rows[0]?.ledger).toMatchObject({ received: 20, adjusted: -3 });
	});

	test("removing units that are reserved or sold is 409 and changes nothing", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("LAMP", { policy: "tracked" });
		await h.inv.receiveStock("LAMP", { quantity: 10 }, "admin");
		const { reservation } = await h.inv.reserve({ orderId: "o1", lines: [{ sku: "LAMP", quantity: 4 }] });
		await h.inv.commit(reservation.id);
		await h.inv.reserve({ orderId: "o2", lines: [{ sku: "LAMP", quantity: 3 }] });
		// on hand 10, sold 4, reserved 3: three may go, four may not.
		const refused = await admin("POST", "/inventory/admin/skus/LAMP/adjust", { delta: -4, reason: "recount" });
		expect(refused.status).toBe(409);
		expect((await json<{ detail: string }>(refused)).detail).toContain("Only 3 units");
		expect(
			(await admin("POST", "/inventory/admin/skus/LAMP/adjust", { delta: -4, reason: "x", warehouse: "west" })).status,
		).toBe(409);
		expect((await h.inv.getStock("LAMP")).rows).toEqual([
			{ warehouse: "main", slot: null, onHand: 10, reserved: 3, sold: 4, available: 3 },
		]);
		expect((await admin("POST", "/inventory/admin/skus/LAMP/adjust", { delta: -3, reason: "recount" })).status).toBe(
			200,
		);
		expect((await h.inv.getStock("LAMP")).rows[0]).toMatchObject({ onHand: 7, available: 0 });
		expect((await h.inv.getLedger("LAMP")).entries.filter((e) => e.kind === "adjusted")).toHaveLength(1);
		expect((await h.inv.reconcile()).balanced).toBe(true);
	});

	test("a SKU's policy is fixed once stock has moved", async () => {
		h = await inventoryHarness();
		expect((await admin("PUT", "/inventory/admin/skus/GIFT", { policy: "tracked" })).status).toBe(201);
		// Nothing moved yet: still free to change.
		expect((await admin("PUT", "/inventory/admin/skus/GIFT", { policy: "unlimited" })).status).toBe(200);
		await h.inv.reserve({ orderId: "o1", lines: [{ sku: "GIFT", quantity: 1 }] });
		const res = await admin("PUT", "/inventory/admin/skus/GIFT", { policy: "tracked" });
		expect(res.status).toBe(409);
		expect((await h.inv.getStock("GIFT")).policy).toBe("unlimited");
	});

	test("the ledger pages by id", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("PAGED", { policy: "tracked" });
		for (let i = 0; i < 5; i++) await h.inv.receiveStock("PAGED", { quantity: i + 1 }, "admin");
		const first = LedgerPage.parse(await json(await admin("GET", "/inventory/admin/skus/PAGED/ledger?limit=2")));
		expect(first.entries.map((e) => e.quantity)).toEqual([1, 2]);
		const second = LedgerPage.parse(
			await json(await admin("GET", `/inventory/admin/skus/PAGED/ledger?limit=2&after=${first.next}`)),
		);
		expect(second.entries.map((e) => e.quantity)).toEqual([3, 4]);
		const last = await h.inv.getLedger("PAGED", { after: second.next ?? 0, limit: 2 });
		expect(last.entries.map((e) => e.quantity)).toEqual([5]);
		expect(last.next).toBeNull();
	});
});

describe("who may do what", () => {
	test("stock is for admins and catalog managers; reservations for services and admins; availability for any signed caller", async () => {
		h = await inventoryHarness();
		await h.inv.defineSku("ROLE-1", { policy: "tracked" });
		await h.inv.receiveStock("ROLE-1", { quantity: 5 }, "admin");
		for (const caller of [SERVICE, CUSTOMER]) {
			expect(
				(await h.call("POST", "/inventory/admin/skus/ROLE-1/adjust", { caller, body: { delta: 1, reason: "x" } }))
					.status,
			).toBe(403);
			expect((await h.call("PUT", "/inventory/admin/skus/NEW", { caller, body: { policy: "tracked" } })).status).toBe(
				403,
			);
			expect((await h.call("GET", "/inventory/admin/skus/ROLE-1/ledger", { caller })).status).toBe(403);
		}
		// Catalog managers keep the stock of what they list.
		const manager = { user: "usr_manager", roles: ["catalog_manager"] };
		expect((await h.call("GET", "/inventory/admin/skus/ROLE-1/ledger", { caller: manager })).status).toBe(200);
		const body = { orderId: "o1", lines: [{ sku: "ROLE-1", quantity: 1 }] };
		expect((await h.call("POST", "/inventory/reservations", { caller: CUSTOMER, body })).status).toBe(403);
		expect((await h.call("POST", "/inventory/reservations", { caller: INV_ADMIN, body })).status).toBe(201);
		expect((await h.call("GET", "/inventory/availability?sku=ROLE-1", { caller: CUSTOMER })).status).toBe(200);
		// Unsigned: 401.
		expect((await h.app.request("/inventory/availability?sku=ROLE-1")).status).toBe(401);
		expect((await h.inv.getStock("ROLE-1")).rows[0]).toMatchObject({ onHand: 5, reserved: 1 });
	});
});
