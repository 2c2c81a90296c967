import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CarrierWebhookResult, ShipmentDetail } from "@bazaar/contracts/fulfillment";
import { json } from "../testing/harness";
import { exec } from "../testing/sql";
import {
	ALICE,
	carrierEvent,
	type FulfillmentHarness,
	fulfillmentHarness,
	orderId,
	paidOrder,
} from "./testing/fixtures";

// Cancelling a shipment: only while pending, through the admin route and through the verb the
// order.refunded consumer uses; afterwards nothing moves it (admin verbs 409, carriers stale).

let h: FulfillmentHarness;
beforeAll(async () => {
	h = await fulfillmentHarness();
});
afterAll(async () => {
	await h?.close();
});

async function pending() {
	return (await h.mod.createShipment(paidOrder())).shipment;
}
const cancel = (id: string, body?: unknown) =>
	h.call("POST", `/fulfillment/admin/shipments/${id}/cancel`, body === undefined ? {} : { body });

describe("admin cancel", () => {
	test("pending → cancelled with its history row and shipment.cancelled; again: 200 unchanged", async () => {
		const shipment = await pending();
		const before = await h.outbox();
		const res = await cancel(shipment.id, { reason: "customer changed their mind" });
		expect(res.status).toBe(200);
		const s = await json<ShipmentDetail>(res);
		expect(s).toMatchObject({ status: "cancelled", carrier: null, trackingNumber: null, shippedAt: null });
		expect(s.history.map((c) => [c.from, c.to, c.reason])).toEqual([
			[null, "pending", null],
			["pending", "cancelled", "customer changed their mind"],
		]);
		expect(s.history.at(-1)?.actor).toMatch(/^usr_01ADMIN/);

		const again = await cancel(shipment.id);
		expect(again.status).toBe(200);
		expect(await json<ShipmentDetail>(again)).toEqual(s);
		expect((await h.outbox()).slice(before.length)).toEqual(["shipment.cancelled"]);
	});

	test("a cancelled shipment is never shipped or delivered", async () => {
		const shipment = await pending();
		await h.mod.cancel(shipment.id, {}, "usr_admin");
		const before = await h.outbox();
		for (const verb of ["ship", "deliver"]) {
			const res = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/${verb}`);
			expect(res.status).toBe(409);
		}
		const s = await h.mod.getShipment(shipment.id);
		expect(s.status).toBe("cancelled");
		expect(s.history).toHaveLength(2);
		expect(await h.outbox()).toEqual(before);
	});

	test("shipped, delivered or digital: 409 and no change", async () => {
		const shipped = await pending();
		await h.mod.ship(shipped.id, {}, "usr_admin");
		const delivered = await pending();
		await h.mod.ship(delivered.id, {}, "usr_admin");
		await h.mod.deliver(delivered.id, {}, "usr_admin");
		const digital = (await h.mod.createShipment(paidOrder({ digital: true }))).shipment;
		const before = await h.outbox();
		for (const [id, status] of [
			[shipped.id, "shipped"],
			[delivered.id, "delivered"],
			[digital.id, "delivered"],
		] as const) {
			const res = await cancel(id);
			expect(res.status).toBe(409);
			expect((await json<{ detail: string }>(res)).detail).toContain("only a pending shipment");
			expect((await h.mod.getShipment(id)).status).toBe(status);
		}
		expect(await h.outbox()).toEqual(before);
	});

	test("customers 403; unknown id 404; bad body 400 — nothing changes", async () => {
		const shipment = await pending();
		expect((await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/cancel`, { caller: ALICE })).status).toBe(
			403,
		);
		expect((await cancel("shp_01NOTHERE000000000000000000")).status).toBe(404);
		expect((await cancel("nope")).status).toBe(404);
		expect((await cancel(shipment.id, { reason: "" })).status).toBe(400);
		expect((await cancel(shipment.id, { why: "x" })).status).toBe(400);
		expect((await cancel(shipment.id, "not json")).status).toBe(400);
		expect((await h.mod.getShipment(shipment.id)).status).toBe("pending");
	});

	test("a carrier webhook for a cancelled shipment is answered 200 stale and changes nothing", async () => {
		// A label bought while pending (the tracking number is known to the carrier), then cancelled.
		const shipment = await pending();
		await exec(
			h.mod.context.database,
			"UPDATE shipments SET carrier = 'bazaar-post', tracking_number = ? WHERE id = ?",
			"BZLABEL0000000001",
			shipment.id,
		);
		await h.mod.cancel(shipment.id, {}, "usr_admin");
		const before = { outbox: await h.outbox(), shipment: await h.mod.getShipment(shipment.id) };
		for (const status of ["shipped", "in_transit", "delivered", "failed", "returned"]) {
			const res = await h.webhook(carrierEvent("BZLABEL0000000001", status));
			expect(res.status).toBe(200);
			expect(await json<CarrierWebhookResult>(res)).toEqual({
				received: true,
				outcome: "stale",
				shipmentId: shipment.id,
				status: "cancelled",
			});
		}
		expect(await h.mod.getShipment(shipment.id)).toEqual(before.shipment);
		expect(await h.outbox()).toEqual(before.outbox);
	});
});

describe("cancelOrderShipmentIn (the order.refunded flow)", () => {
	const change = { actor: "fulfillment", reason: "order refunded in full before it shipped" };
	const cancelIn = (order: string) =>
		h.mod.context.database.write((tx) => h.mod.cancelOrderShipmentIn(tx, order, change));

	test("pending → cancelled; again → unchanged; a shipped one is kept; no shipment → none", async () => {
		const shipment = await pending();
		const before = await h.outbox();
		const first = await cancelIn(shipment.orderId);
		expect(first).toMatchObject({ result: "cancelled", shipment: { id: shipment.id, status: "cancelled" } });
		expect((await cancelIn(shipment.orderId)).result).toBe("unchanged");
		expect((await h.outbox()).slice(before.length)).toEqual(["shipment.cancelled"]);
		expect((await h.mod.getShipment(shipment.id)).history.at(-1)).toMatchObject({
			from: "pending",
			to: "cancelled",
			...change,
		});

		const shipped = await pending();
		await h.mod.ship(shipped.id, {}, "usr_admin");
		expect(await cancelIn(shipped.orderId)).toMatchObject({ result: "kept", shipment: { status: "shipped" } });
		expect((await h.mod.getShipment(shipped.id)).status).toBe("shipped");

		expect(await cancelIn(orderId())).toEqual({ result: "none" });
	});
});
