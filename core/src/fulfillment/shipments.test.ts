import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ShipmentDetail, ShipmentList } from "@bazaar/contracts/fulfillment";
import { json } from "../testing/harness";
import { ADMIN, ALICE, BOB, type FulfillmentHarness, fulfillmentHarness, orderId, paidOrder } from "./testing/fixtures";

// Shipments through the module's verbs and its signed routes: creation (once per order), the
// digital path, admin ship/deliver, the customer's read, and bad input changing nothing.

let h: FulfillmentHarness;
beforeAll(async () => {
	h = await fulfillmentHarness();
});
afterAll(async () => {
	await h?.close();
});

async function pending() {
	const input = paidOrder();
	const { shipment } = await h.mod.createShipment(input);
	return { input, shipment };
}

describe("creating the shipment of a paid order", () => {
	test("physical lines: one pending parcel with its address, history and shipment.created — once per order", async () => {
		const before = await h.outbox();
		const input = paidOrder();
		const first = await h.mod.createShipment(input);
		expect(first.created).toBe(true);
		expect(first.shipment).toMatchObject({
			orderId: input.orderId,
			customerId: ALICE.user,
			kind: "parcel",
			status: "pending",
			carrier: null,
			trackingNumber: null,
			shippingMethod: "standard",
			address: input.address,
			shippedAt: null,
			deliveredAt: null,
		});
		// Only the lines a carrier takes; the e-book is not in the parcel.
		expect(first.shipment.lines.map((l) => l.sku)).toEqual(["SKU-MUG"]);

		// The same order again (a redelivered or re-emitted order.paid): nothing new.
		const again = await h.mod.createShipment({
			...input,
			physicalLines: [{ ...input.physicalLines[0]!, quantity: 9 }],
		});
		expect(again.created).toBe(false);
		expect(again.shipment.id).toBe(first.shipment.id);
		expect(again.shipment.lines[0]?.quantity).toBe(2);

		const list = await json<ShipmentList>(await h.call("GET", `/fulfillment/admin/shipments?orderId=${input.orderId}`));
		expect(list.items).toHaveLength(1);
		expect(list.items[0]?.history).toEqual([
			{ from: null, to: "pending", at: first.shipment.createdAt, actor: "fulfillment", reason: null },
		]);
		expect((await h.outbox()).slice(before.length)).toEqual(["shipment.created"]);
	});

	test("only digital goods and services: a digital shipment, delivered at once (shipped and delivered events)", async () => {
		const before = await h.outbox();
		const input = paidOrder({ digital: true });
		const { shipment, created } = await h.mod.createShipment(input);
		expect(created).toBe(true);
		expect(shipment).toMatchObject({ kind: "digital", status: "delivered", address: null, carrier: null });
		expect(shipment.deliveredAt).toBe(shipment.createdAt);
		expect(shipment.lines.map((l) => l.sku)).toEqual(["SKU-EBOOK"]);
		expect((await h.outbox()).slice(before.length)).toEqual([
			"shipment.created",
			"shipment.shipped",
			"shipment.delivered",
		]);
		// Nothing to ship; delivering it again changes nothing.
		expect((await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`)).status).toBe(409);
		const delivered = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/deliver`);
		expect(delivered.status).toBe(200);
		expect((await json<ShipmentDetail>(delivered)).history).toHaveLength(1);
	});

	test("concurrent creations of one order's shipment make one", async () => {
		const input = paidOrder();
		const results = await Promise.all(Array.from({ length: 8 }, () => h.mod.createShipment(input)));
		expect(results.filter((r) => r.created)).toHaveLength(1);
		expect(new Set(results.map((r) => r.shipment.id)).size).toBe(1);
	});
});

describe("admin ship and deliver", () => {
	test("ship with the built-in carrier (tracking number generated) → deliver; repeats are no-ops", async () => {
		const { shipment } = await pending();
		const before = await h.outbox();
		const shipped = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`, {
			body: { reason: "picked and packed" },
		});
		expect(shipped.status).toBe(200);
		const s = await json<ShipmentDetail>(shipped);
		expect(s.status).toBe("shipped");
		expect(s.carrier).toBe("bazaar-post");
		expect(s.trackingNumber).toMatch(/^BZ[0-9A-Z]{16}$/);
		expect(s.shippedAt).not.toBeNull();
		expect(s.history.map((c) => [c.from, c.to, c.actor, c.reason])).toEqual([
			[null, "pending", "fulfillment", null],
			["pending", "shipped", ADMIN.user, "picked and packed"],
		]);

		// Shipping again without details (a double click) answers it as it stands.
		const again = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`);
		expect(again.status).toBe(200);
		expect((await json<ShipmentDetail>(again)).trackingNumber).toBe(s.trackingNumber);
		// … but with another tracking number it is a conflict.
		const other = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`, {
			body: { trackingNumber: "OTHER-123" },
		});
		expect(other.status).toBe(409);

		const delivered = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/deliver`, { body: {} });
		expect(delivered.status).toBe(200);
		const d = await json<ShipmentDetail>(delivered);
		expect(d.status).toBe("delivered");
		expect(d.deliveredAt).not.toBeNull();
		const twice = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/deliver`);
		expect(twice.status).toBe(200);
		expect((await json<ShipmentDetail>(twice)).history).toHaveLength(3);
		// A delivered parcel is never shipped again.
		expect((await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`)).status).toBe(409);

		expect((await h.outbox()).slice(before.length)).toEqual(["shipment.shipped", "shipment.delivered"]);
		const read = await json<ShipmentDetail>(await h.call("GET", `/fulfillment/admin/shipments/${shipment.id}`));
		expect(read).toEqual(d);
	});

	test("another carrier needs its tracking number; a tracking number belongs to one shipment", async () => {
		const { shipment } = await pending();
		const missing = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`, {
			body: { carrier: "UPS" },
		});
		expect(missing.status).toBe(422);
		const ok = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`, {
			body: { carrier: "UPS", trackingNumber: "1Z999AA10123456784" },
		});
		expect(ok.status).toBe(200);
		expect(await json<ShipmentDetail>(ok)).toMatchObject({ carrier: "ups", trackingNumber: "1Z999AA10123456784" });

		const second = (await pending()).shipment;
		const taken = await h.call("POST", `/fulfillment/admin/shipments/${second.id}/ship`, {
			body: { carrier: "ups", trackingNumber: "1Z999AA10123456784" },
		});
		expect(taken.status).toBe(409);
		expect((await h.mod.getShipment(second.id)).status).toBe("pending");
	});

	test("a pending parcel cannot be delivered before it is shipped", async () => {
		const { shipment } = await pending();
		const res = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/deliver`);
		expect(res.status).toBe(409);
		expect((await json<{ detail: string }>(res)).detail).toContain("ship it first");
		expect((await h.mod.getShipment(shipment.id)).status).toBe("pending");
	});

	test("only admins and services; customers get 403", async () => {
		const { shipment } = await pending();
		for (const [method, path] of [
			["GET", `/fulfillment/admin/shipments/${shipment.id}`],
			["GET", `/fulfillment/admin/shipments?orderId=${shipment.orderId}`],
			["POST", `/fulfillment/admin/shipments/${shipment.id}/ship`],
			["POST", `/fulfillment/admin/shipments/${shipment.id}/deliver`],
		] as const) {
			expect((await h.call(method, path, { caller: ALICE })).status).toBe(403);
		}
		const service = await h.call("POST", `/fulfillment/admin/shipments/${shipment.id}/ship`, {
			caller: { user: "warehouse", roles: ["service"] },
		});
		expect(service.status).toBe(200);
		expect((await json<ShipmentDetail>(service)).history.at(-1)?.actor).toBe("warehouse");
	});
});

describe("the customer's view", () => {
	test("the owner reads their order's shipments; anyone else, or an unknown order, is a 404", async () => {
		const { input, shipment } = await pending();
		const own = await h.call("GET", `/fulfillment/orders/${input.orderId}/shipments`, { caller: ALICE });
		expect(own.status).toBe(200);
		const list = await json<ShipmentList>(own);
		expect(list.items.map((s) => s.id)).toEqual([shipment.id]);
		expect(list.items[0]?.history).toHaveLength(1);

		const bob = await h.call("GET", `/fulfillment/orders/${input.orderId}/shipments`, { caller: BOB });
		expect(bob.status).toBe(404);
		const unknown = await h.call("GET", `/fulfillment/orders/${orderId()}/shipments`, { caller: ALICE });
		expect(unknown.status).toBe(404);
		// Same answer as a malformed id: nothing to probe.
		const junk = await h.call("GET", "/fulfillment/orders/not-an-order/shipments", { caller: ALICE });
		expect(junk.status).toBe(404);
		expect(await json(bob)).toMatchObject({ status: 404 });
		const anonymous = await h.call("GET", `/fulfillment/orders/${input.orderId}/shipments`, {
			caller: { user: "", roles: [] },
		});
		expect(anonymous.status).toBe(401);
	});
});

describe("bad input: a clear 4xx and no change", () => {
	test("unknown or malformed shipment ids are 404", async () => {
		for (const id of ["shp_01UNKNOWN0000000000000000", "nope", "shp_%27%20OR%201%3D1"]) {
			expect((await h.call("GET", `/fulfillment/admin/shipments/${id}`)).status).toBe(404);
			expect((await h.call("POST", `/fulfillment/admin/shipments/${id}/ship`)).status).toBe(404);
			expect((await h.call("POST", `/fulfillment/admin/shipments/${id}/deliver`)).status).toBe(404);
		}
	});

	test("malformed JSON, unknown fields, bad values, wrong content type, missing orderId", async () => {
		const { shipment } = await pending();
		const path = `/fulfillment/admin/shipments/${shipment.id}/ship`;
		const history = await h.count("shipment_history");
		const outbox = (await h.outbox()).length;
		const cases: { body: unknown; status: number }[] = [
			{ body: "{not json", status: 400 },
			{ body: { carrier: "ups", trackingNumber: "1Z", surprise: true }, status: 400 },
			{ body: { carrier: "", trackingNumber: "ABCD1234" }, status: 400 },
			{ body: { carrier: "ups", trackingNumber: "has spaces in it" }, status: 400 },
			{ body: { trackingNumber: "x".repeat(65) }, status: 400 },
			{ body: { reason: "r".repeat(501) }, status: 400 },
			{ body: [1, 2, 3], status: 400 },
		];
		for (const c of cases) {
			const res = await h.call("POST", path, { body: c.body });
			expect(res.status).toBe(c.status);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		const text = await h.call("POST", path, {
			body: JSON.stringify({ carrier: "ups", trackingNumber: "1Z999" }),
			headers: { "content-type": "text/plain" },
		});
		expect(text.status).toBe(415);
		// Without an order the list is every shipment (list-shipments.test.ts); a bad one is still a 400.
		expect((await h.call("GET", "/fulfillment/admin/shipments?orderId=bad")).status).toBe(400);
		expect((await h.call("GET", `/fulfillment/admin/shipments?orderId=${shipment.orderId}&x=1`)).status).toBe(400);
		expect(await h.count("shipment_history")).toBe(history);
		expect((await h.outbox()).length).toBe(outbox);
		expect((await h.mod.getShipment(shipment.id)).status).toBe("pending");
	});

	test("an invalid creation input is refused before anything is written", async () => {
		const shipments = await h.count("shipments");
		await expect(h.mod.createShipment({ ...paidOrder(), orderId: "ord_bad" })).rejects.toThrow();
		await expect(
			h.mod.createShipment({
				...paidOrder(),
				physicalLines: Array.from({ length: 101 }, () => paidOrder().physicalLines[0]!),
			}),
		).rejects.toThrow();
		expect(await h.count("shipments")).toBe(shipments);
	});
});
