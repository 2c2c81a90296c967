import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ShipmentList } from "@bazaar/contracts/fulfillment";
import { json } from "../testing/harness";
import { ADMIN, ALICE, type FulfillmentHarness, fulfillmentHarness, paidOrder } from "./testing/fixtures";

// The staff list of shipments: newest first through the shared cursor, by order, status and
// kind (pending parcels are the dispatch queue); support agents read it and move nothing.

let h: FulfillmentHarness;
/** Shipment ids oldest first: parcels 0, 2, 4 (2 then shipped), digital 1, 3 (delivered at once). */
const made: string[] = [];
const orders: string[] = [];
beforeAll(async () => {
	h = await fulfillmentHarness();
	for (let i = 0; i < 5; i++) {
		h.clock.now += 60_000;
		const input = paidOrder({ digital: i % 2 === 1 });
		orders.push(input.orderId);
		made.push((await h.mod.createShipment(input)).shipment.id);
	}
	await h.mod.ship(made[2] as string, {}, "test");
});
afterAll(() => h?.close());

const list = async (qs: string, caller = ADMIN) => {
	const res = await h.call("GET", `/fulfillment/admin/shipments?${qs}`, { caller });
	expect(res.status, `${qs}: ${await res.clone().text()}`).toBe(200);
	return ShipmentList.parse(await json(res));
};
/** The shipments made `at` these positions (oldest first). */
const at = (...i: number[]) => i.map((n) => made[n] as string);
const ids = async (qs: string) => (await list(qs)).items.map((s) => s.id);

describe("staff shipment list", () => {
	test("pages newest first over more than one page", async () => {
		const first = await list("limit=2");
		expect(first.items.map((s) => s.id)).toEqual(at(4, 3));
		const second = await list(`limit=2&cursor=${first.nextCursor}`);
		expect(second.items.map((s) => s.id)).toEqual(at(2, 1));
		const third = await list(`limit=2&cursor=${second.nextCursor}`);
		expect(third.items.map((s) => s.id)).toEqual(at(0));
		expect(third.nextCursor).toBeNull();
		expect(first.items[0]?.history.length).toBeGreaterThan(0);
	});

	test("filters by status, kind and order: pending parcels await dispatch", async () => {
		expect(await ids("status=pending&kind=parcel")).toEqual(at(4, 0));
		expect(await ids("status=shipped")).toEqual(at(2));
		expect(await ids("kind=digital")).toEqual(at(3, 1));
		expect(await ids(`orderId=${orders[3]}`)).toEqual(at(3));
	});

	test("bad limits, cursors and filters are 400 problems", async () => {
		for (const qs of ["limit=0", "limit=101", "cursor=zzz", "status=lost", "kind=crate", "orderId=x", "x=1"]) {
			const res = await h.call("GET", `/fulfillment/admin/shipments?${qs}`);
			expect(res.status, qs).toBe(400);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
	});

	test("support agents read shipments but move none; customers are refused", async () => {
		const agent = { user: "usr_01AGENT00000000000000000000", roles: ["support_agent"] };
		expect((await list("limit=1", agent)).items).toHaveLength(1);
		expect((await h.call("GET", `/fulfillment/admin/shipments/${made[0]}`, { caller: agent })).status).toBe(200);
		expect((await h.call("POST", `/fulfillment/admin/shipments/${made[0]}/ship`, { caller: agent })).status).toBe(403);
		expect((await h.mod.getShipment(made[0] as string)).status).toBe("pending");
		expect((await h.call("GET", "/fulfillment/admin/shipments", { caller: ALICE })).status).toBe(403);
	});
});
