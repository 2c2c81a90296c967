import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CarrierWebhookResult, ShipmentDetail } from "@bazaar/contracts/fulfillment";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import {
	CARRIER_SECRET,
	carrierEvent,
	type FulfillmentHarness,
	fulfillmentHarness,
	paidOrder,
} from "./testing/fixtures";

// The carrier webhook through its real public route: signature and age checked before anything,
// de-duplicated by the carrier's event id, forward-only, and every refusal changes nothing.

let h: FulfillmentHarness;
beforeAll(async () => {
	h = await fulfillmentHarness();
});
afterAll(async () => {
	await h?.close();
});

/** A parcel shipped with the built-in carrier: its tracking number. */
async function shipped(): Promise<{ id: string; tracking: string }> {
	const { shipment } = await h.mod.createShipment(paidOrder());
	const s = await h.mod.ship(shipment.id, {}, "usr_admin");
	return { id: s.id, tracking: s.trackingNumber as string };
}

/** Everything a refused webhook must leave as it was. */
async function snapshot(id: string) {
	return {
		shipment: await h.mod.getShipment(id),
		events: await h.count("carrier_events"),
		outbox: (await h.outbox()).length,
	};
}

describe("carrier webhook", () => {
	test("a genuine event moves the shipment forward, with the carrier as actor and a shipment event", async () => {
		const { id, tracking } = await shipped();
		const before = (await h.outbox()).length;
		const event = carrierEvent(tracking, "in_transit", { detail: "depot Leeds" });
		const res = await h.webhook(event);
		expect(res.status).toBe(200);
		expect(await json<CarrierWebhookResult>(res)).toEqual({
			received: true,
			outcome: "applied",
			shipmentId: id,
			status: "in_transit",
		});
		const s = await h.mod.getShipment(id);
		expect(s.status).toBe("in_transit");
		expect(s.history.at(-1)).toMatchObject({ from: "shipped", to: "in_transit", actor: "carrier:bazaar-post" });
		expect(s.history.at(-1)?.reason).toContain("depot Leeds");
		expect((await h.outbox()).slice(before)).toEqual(["shipment.in_transit"]);

		const delivered = await h.webhook(carrierEvent(tracking, "delivered"));
		expect((await json<CarrierWebhookResult>(delivered)).status).toBe("delivered");
		expect((await h.mod.getShipment(id)).deliveredAt).not.toBeNull();
	});

	test("forged: a wrong secret, a tampered body, no or a malformed header → 400 and no change", async () => {
		const { id, tracking } = await shipped();
		const before = await snapshot(id);
		const event = carrierEvent(tracking, "delivered");
		const forged = await h.webhook(event, { secret: "someone-elses-secret-0000" });
		expect(forged.status).toBe(400);
		expect((await json<{ detail: string }>(forged)).detail).toContain("signature mismatch");

		// Signed for one body, sent with another.
		const raw = JSON.stringify(event);
		const t = Math.floor(h.clock.now / 1000);
		const { signCarrierPayload } = await import("./carrier-signature");
		const header = signCarrierPayload("carrier_test_secret_0123456789", raw, t);
		const tampered = await h.webhook(JSON.stringify({ ...event, status: "returned" }), { header });
		expect(tampered.status).toBe(400);

		expect((await h.webhook(event, { header: null })).status).toBe(400);
		expect((await h.webhook(event, { header: "t=abc,v1=zz" })).status).toBe(400);
		expect((await h.webhook(event, { header: `t=${t}` })).status).toBe(400);
		expect(await snapshot(id)).toEqual(before);
	});

	test("stale: a signature more than 5 minutes old (or ahead) → 400 and no change", async () => {
		const { id, tracking } = await shipped();
		const before = await snapshot(id);
		const now = Math.floor(h.clock.now / 1000);
		for (const t of [now - 301, now + 301, 0]) {
			const res = await h.webhook(carrierEvent(tracking, "delivered"), { t });
			expect(res.status).toBe(400);
			expect((await json<{ detail: string }>(res)).detail).toContain("tolerance");
		}
		// A captured webhook replayed later: genuine when sent, refused once the clock moved on.
		const captured = carrierEvent(tracking, "delivered");
		const t = now;
		h.clock.now += 6 * 60_000;
		try {
			expect((await h.webhook(captured, { t })).status).toBe(400);
		} finally {
			h.clock.now -= 6 * 60_000;
		}
		expect(await snapshot(id)).toEqual(before);
		// Within the tolerance it is accepted.
		expect((await h.webhook(carrierEvent(tracking, "in_transit"), { t: now - 290 })).status).toBe(200);
	});

	test("replayed 10× (sequentially and at once): one change, one history row, one bus event", async () => {
		const { id, tracking } = await shipped();
		const before = await snapshot(id);
		const event = carrierEvent(tracking, "delivered");
		const outcomes: string[] = [];
		for (let i = 0; i < 5; i++) outcomes.push((await json<CarrierWebhookResult>(await h.webhook(event))).outcome);
		const parallel = await Promise.all(Array.from({ length: 5 }, () => h.webhook(event)));
		for (const res of parallel) {
			expect(res.status).toBe(200);
			outcomes.push((await json<CarrierWebhookResult>(res)).outcome);
		}
		expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
		expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(9);
		const after = await snapshot(id);
		expect(after.shipment.status).toBe("delivered");
		expect(after.shipment.history).toHaveLength(before.shipment.history.length + 1);
		expect(after.events).toBe(before.events + 1);
		expect(after.outbox).toBe(before.outbox + 1);
	});

	test("out of order: a late shipped / in_transit / failed after delivered is acknowledged and ignored", async () => {
		const { id, tracking } = await shipped();
		expect((await h.webhook(carrierEvent(tracking, "delivered"))).status).toBe(200);
		const before = await snapshot(id);
		for (const status of ["shipped", "in_transit", "failed"]) {
			const res = await h.webhook(carrierEvent(tracking, status));
			expect(res.status).toBe(200);
			expect(await json<CarrierWebhookResult>(res)).toEqual({
				received: true,
				outcome: "stale",
				shipmentId: id,
				status: "delivered",
			});
		}
		const after = await snapshot(id);
		expect(after.shipment).toEqual(before.shipment);
		expect(after.outbox).toBe(before.outbox);
		// Each was recorded as seen (a replay of it stays a no-op), with its outcome.
		expect(after.events).toBe(before.events + 3);
		const found = await rows(
			h.mod.context.database,
			"SELECT outcome FROM carrier_events WHERE tracking_number = ?",
			tracking,
		);
		expect(found.map((r) => r.outcome).filter((o) => o === "stale")).toHaveLength(3);
	});

	test("a failed attempt can still end delivered, or returned", async () => {
		const a = await shipped();
		await h.webhook(carrierEvent(a.tracking, "failed", { detail: "nobody home" }));
		await h.webhook(carrierEvent(a.tracking, "delivered"));
		expect((await h.mod.getShipment(a.id)).history.map((c) => c.to)).toEqual([
			"pending",
			"shipped",
			"failed",
			"delivered",
		]);
		const b = await shipped();
		await h.webhook(carrierEvent(b.tracking, "failed"));
		await h.webhook(carrierEvent(b.tracking, "returned"));
		expect((await h.mod.getShipment(b.id)).status).toBe("returned");
		// Returned is the end: a late delivered is stale.
		const late = await json<CarrierWebhookResult>(await h.webhook(carrierEvent(b.tracking, "delivered")));
		expect(late.outcome).toBe("stale");
	});

	test("bad input, genuinely signed: malformed JSON, wrong fields, unknown tracking number, huge body → 4xx, no change", async () => {
		const { id, tracking } = await shipped();
		const before = await snapshot(id);
		expect((await h.webhook("{not json")).status).toBe(400);
		expect((await h.webhook("")).status).toBe(400);
		const bad = [
			{ ...carrierEvent(tracking, "teleported") },
			{ ...carrierEvent(tracking, "delivered"), occurredAt: "yesterday" },
			{ ...carrierEvent(tracking, "delivered"), extra: 1 },
			{ ...carrierEvent(tracking, "delivered"), id: "" },
			{ ...carrierEvent("no spaces allowed", "delivered") },
			[carrierEvent(tracking, "delivered")],
		];
		for (const body of bad) {
			const res = await h.webhook(body);
			expect(res.status).toBe(400);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		const unknown = await h.webhook(carrierEvent("BZUNKNOWN0000000000", "delivered"));
		expect(unknown.status).toBe(404);
		const otherCarrier = await h.webhook(carrierEvent(tracking, "delivered", { carrier: "ups" }));
		expect(otherCarrier.status).toBe(404);
		const huge = await h.webhook({ ...carrierEvent(tracking, "delivered"), detail: "x".repeat(70 * 1024) });
		expect(huge.status).toBe(413);
		expect(await snapshot(id)).toEqual(before);
		// And the event ids of refused webhooks were not burned: the genuine one still applies.
		const ok = await h.webhook(carrierEvent(tracking, "delivered"));
		expect((await json<CarrierWebhookResult>(ok)).outcome).toBe("applied");
		expect(await json<ShipmentDetail>(await h.call("GET", `/fulfillment/admin/shipments/${id}`))).toMatchObject({
			status: "delivered",
		});
	});
});

describe("carrier webhook without its own secret (production, CARRIER_WEBHOOK_SECRET unset)", () => {
	test("is off: a message signed with any key is a 404 and changes nothing", async () => {
		const off = await fulfillmentHarness({ carrierWebhookSecret: null });
		try {
			const { shipment } = await off.mod.createShipment(paidOrder());
			const s = await off.mod.ship(shipment.id, {}, "usr_admin");
			const tracking = s.trackingNumber as string;
			const before = (await off.outbox()).length;
			for (const secret of [CARRIER_SECRET, "", "bazaar carrier webhooks"]) {
				const res = await off.webhook(carrierEvent(tracking, "delivered"), { secret });
				expect(res.status).toBe(404);
				expect(res.headers.get("content-type")).toContain("application/problem+json");
			}
			expect((await off.mod.getShipment(s.id)).status).toBe("shipped");
			expect(await off.count("carrier_events")).toBe(0);
			expect((await off.outbox()).length).toBe(before);
		} finally {
			await off.close();
		}
	});
});
