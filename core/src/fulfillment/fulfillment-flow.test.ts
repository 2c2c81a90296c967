import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CARRIER_SIGNATURE_HEADER, type ShipmentDetail, type ShipmentList } from "@bazaar/contracts/fulfillment";
import type { Caller } from "@bazaar/signature";
import { wasHandled } from "../bus";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { approvePayment, orderWhen, pickVariants, placeOrder, pollFor, signUp } from "../workflows/testing/journey";
import { type Stack, stack } from "../workflows/testing/stack";
import { signCarrierPayload } from "./carrier-signature";

// The bus flows end to end in the composed core over HTTP: checkout → sandbox pay → order paid →
// (order.paid) shipment created → ship → (shipment.shipped) order fulfilled → deliver by an admin
// or the carrier's webhook → (shipment.delivered) order delivered.

const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };

let s: Stack;
beforeAll(async () => {
	s = await stack();
}, 60_000);
afterAll(async () => {
	await s?.close();
});

type OrderView = {
	id: string;
	status: string;
	trackingNumber: string | null;
	timeline: { to: string; actor: string }[];
};

async function paidOrder(kind: "physical" | "digital", skip: number) {
	const shopper = await signUp(s);
	const lines = await pickVariants(s.core.catalog.catalog, s.core.inventory, kind === "physical" ? 2 : 1, kind, skip);
	expect(lines.length).toBeGreaterThan(0);
	// A download is delivered once its file exists (workflows/digital-delivery.ts): staff uploaded it.
	for (const l of kind === "digital" ? lines : []) {
		const sha = "c".repeat(64);
		const file = {
			objectKey: `files/${l.id}/${sha}`,
			fileName: "File.pdf",
			contentType: "application/pdf",
			bytes: 1,
			sha256: sha,
		};
		await s.core.digital.registerFile(l.id, file, "test");
	}
	const placed = await placeOrder(s, shopper, lines);
	await approvePayment(s, shopper, placed.redirectUrl);
	await orderWhen(s, shopper, placed.orderId, (o) => o.status !== "pending_payment");
	return { shopper, lines, ...placed };
}

function shipmentsOf(caller: Caller, orderId: string) {
	return pollFor(
		async () => {
			const res = await s.call("GET", `/fulfillment/orders/${orderId}/shipments`, { caller });
			return res.status === 200 ? (await json<ShipmentList>(res)).items : undefined;
		},
		10_000,
		`the shipment of ${orderId}`,
	);
}

function carrierWebhook(body: unknown) {
	const raw = JSON.stringify(body);
	// A test stack derives the key (BAZAAR_ENV=test); production would need CARRIER_WEBHOOK_SECRET.
	const secret = s.core.config.fulfillment.carrierWebhookSecret as string;
	const header = signCarrierPayload(secret, raw, Math.floor(Date.now() / 1000));
	return s.http("/fulfillment/webhooks/carrier", {
		method: "POST",
		headers: { "content-type": "application/json", [CARRIER_SIGNATURE_HEADER]: header },
		body: raw,
	});
}

describe("order → shipment → delivery over the bus", () => {
	test("paid → shipment created → admin ships → order fulfilled → carrier webhook delivered → order delivered", async () => {
		const { shopper, orderId } = await paidOrder("physical", 0);
		const [created] = await shipmentsOf(shopper, orderId);
		expect(created).toMatchObject({ orderId, customerId: shopper.user, kind: "parcel", status: "pending" });
		expect(created?.lines).toHaveLength(2);
		expect(created?.address?.postalCode).toBe("94105");
		// Another customer cannot see it.
		const stranger = await signUp(s, "Stranger");
		expect((await s.call("GET", `/fulfillment/orders/${orderId}/shipments`, { caller: stranger })).status).toBe(404);

		const shipped = await s.call("POST", `/fulfillment/admin/shipments/${created?.id}/ship`, { caller: ADMIN });
		expect(shipped.status).toBe(200);
		const { trackingNumber } = await json<ShipmentDetail>(shipped);
		const fulfilled = await orderWhen<OrderView>(s, shopper, orderId, (o) => o.status === "fulfilled");
		expect(fulfilled.trackingNumber).toBe(trackingNumber);
		expect(fulfilled.timeline.at(-1)).toMatchObject({ to: "fulfilled", actor: ADMIN.user });

		// The carrier reports it in transit, then delivered; a replay and a late scan change nothing.
		const event = (status: string, id: string) => ({
			id,
			carrier: "bazaar-post",
			trackingNumber,
			status,
			occurredAt: new Date().toISOString(),
		});
		expect((await carrierWebhook(event("in_transit", `${orderId}-1`))).status).toBe(200);
		const delivered = await carrierWebhook(event("delivered", `${orderId}-2`));
		expect(delivered.status).toBe(200);
		expect(await json(delivered)).toMatchObject({ outcome: "applied", status: "delivered" });
		expect(await json(await carrierWebhook(event("delivered", `${orderId}-2`)))).toMatchObject({
			outcome: "duplicate",
		});
		expect(await json(await carrierWebhook(event("shipped", `${orderId}-3`)))).toMatchObject({ outcome: "stale" });

		const done = await orderWhen<OrderView>(s, shopper, orderId, (o) => o.status === "delivered");
		expect(done.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid", "fulfilled", "delivered"]);
		expect(done.timeline.at(-1)?.actor).toBe("carrier:bazaar-post");
		const [final] = await shipmentsOf(shopper, orderId);
		expect(final?.history.map((c) => c.to)).toEqual(["pending", "shipped", "in_transit", "delivered"]);
	}, 30_000);

	test("admin deliver; a redelivered order.paid (same id, or re-emitted with a new id) makes no second shipment", async () => {
		const { shopper, orderId } = await paidOrder("physical", 2);
		const [created] = await shipmentsOf(shopper, orderId);

		// Put the order.paid event on the bus again: once as it was, once as a copy under a new id.
		const found = await rows(
			s.core.orders.context.database,
			"SELECT payload FROM bus_outbox WHERE type = 'order.paid' AND key = ?",
			orderId,
		);
		expect(found).toHaveLength(1);
		const paidEvent = JSON.parse(String(found[0]?.payload));
		await s.core.bus.publish([paidEvent, { ...paidEvent, id: `${paidEvent.id}X` }]);
		// The copy reaches the consumer (its inbox has it) and creates nothing.
		await pollFor(
			async () =>
				(await wasHandled(s.core.fulfillment.context.database, `${paidEvent.id}X`, "fulfillment")) ? true : undefined,
			10_000,
			"the re-emitted order.paid to be consumed",
		);
		const admin = await json<ShipmentList>(
			await s.call("GET", `/fulfillment/admin/shipments?orderId=${orderId}`, { caller: ADMIN }),
		);
		expect(admin.items.map((x) => x.id)).toEqual([created?.id as string]);

		const id = created?.id as string;
		expect((await s.call("POST", `/fulfillment/admin/shipments/${id}/deliver`, { caller: ADMIN })).status).toBe(409);
		await s.call("POST", `/fulfillment/admin/shipments/${id}/ship`, {
			caller: ADMIN,
			body: { carrier: "ups", trackingNumber: `1Z${Date.now()}` },
		});
		const res = await s.call("POST", `/fulfillment/admin/shipments/${id}/deliver`, {
			caller: ADMIN,
			body: { reason: "signed for by the customer" },
		});
		expect(res.status).toBe(200);
		const done = await orderWhen<OrderView>(s, shopper, orderId, (o) => o.status === "delivered");
		expect(done.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid", "fulfilled", "delivered"]);
	}, 30_000);

	test("a digital-only order ends delivered at once, with no shipment", async () => {
		const { shopper, orderId } = await paidOrder("digital", 0);
		const done = await orderWhen<OrderView>(s, shopper, orderId, (o) => o.status === "delivered");
		expect(done.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid", "fulfilled", "delivered"]);
		expect(done.timeline.slice(2).every((t) => t.actor === "delivery")).toBe(true);
		// No shipment at all (staff see every one of the order).
		const res = await s.call("GET", `/fulfillment/admin/shipments?orderId=${orderId}`, { caller: ADMIN });
		expect(res.status).toBe(200);
		expect((await json<ShipmentList>(res)).items).toEqual([]);
	}, 30_000);

	test("shipment.delivered before shipment.shipped (events out of order) still ends the order delivered, once", async () => {
		const { shopper, orderId } = await paidOrder("physical", 4);
		const [shipment] = await shipmentsOf(shopper, orderId);
		const data = {
			shipmentId: shipment?.id,
			orderId,
			customerId: shopper.user,
			kind: "parcel",
			status: "delivered",
			carrier: "bazaar-post",
			trackingNumber: "BZOUTOFORDER0001",
			actor: "carrier:bazaar-post",
		};
		const envelope = (type: string, status: string) => ({
			id: `evt_TEST${Date.now()}${type.replace(".", "")}`,
			type,
			occurredAt: new Date().toISOString(),
			source: "fulfillment",
			key: orderId,
			data: { ...data, status },
		});
		const delivered = envelope("shipment.delivered", "delivered");
		await s.core.bus.publish([delivered]);
		const done = await orderWhen<OrderView>(s, shopper, orderId, (o) => o.status === "delivered");
		expect(done.timeline.map((t) => t.to)).toEqual(["pending_payment", "paid", "fulfilled", "delivered"]);
		// The late shipped (and the delivered again) change nothing.
		await s.core.bus.publish([envelope("shipment.shipped", "shipped"), { ...delivered, id: `${delivered.id}2` }]);
		await pollFor(
			async () => {
				// Nothing in flight and nothing published but not yet delivered to the group.
				const p = await s.core.bus.pending("order-shipments");
				return p.pending === 0 && p.lag === 0 ? true : undefined;
			},
			10_000,
			"the order consumer to settle",
		);
		const after = await orderWhen<OrderView>(s, shopper, orderId, (o) => o.status === "delivered");
		expect(after.timeline).toHaveLength(4);
		expect(await s.core.bus.deadLetters("order-shipments")).toHaveLength(0);
	}, 30_000);

	test("a body over the core's limit on an admin route is a 413 and changes nothing", async () => {
		const { shopper, orderId } = await paidOrder("physical", 6);
		const [shipment] = await shipmentsOf(shopper, orderId);
		const huge = await s.call("POST", `/fulfillment/admin/shipments/${shipment?.id}/ship`, {
			caller: ADMIN,
			body: { reason: "x".repeat(1024 * 1024 + 10) },
		});
		expect(huge.status).toBe(413);
		const [same] = await shipmentsOf(shopper, orderId);
		expect(same).toEqual(shipment as ShipmentDetail);
	}, 30_000);

	test("the carrier webhook is public (no edge signature) but refuses what is not signed by the carrier", async () => {
		const unsigned = await s.http("/fulfillment/webhooks/carrier", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{}",
		});
		expect(unsigned.status).toBe(400);
		// Every other fulfillment route needs the edge's signature.
		expect((await s.http("/fulfillment/admin/shipments?orderId=x")).status).toBe(401);
	});
});
