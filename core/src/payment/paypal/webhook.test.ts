import { afterEach, describe, expect, test } from "bun:test";
import type { Payment } from "@bazaar/contracts/payment";
import { rows } from "../../testing/sql";
import { WebhookRejectedError } from "../gateway";
import { paymentRequest } from "../testing/fixtures";
import { IgnoredWebhook } from "./errors";
import type { FakeEvent } from "./testing/fake-paypal";
import { type PayPalHarness, paypalHarness } from "./testing/harness";

// Webhook verification as PayPal documents it: the transmission headers and the event, byte for
// byte, go to /v1/notifications/verify-webhook-signature with our webhook id; anything but SUCCESS
// is a 400 and changes nothing. Stale or malformed deliveries are refused before that call.

let h: PayPalHarness;
afterEach(() => h?.close());

/** A captured payment whose PAYMENT.CAPTURE.COMPLETED event has not been delivered yet. */
async function captured(): Promise<{ payment: Payment; event: FakeEvent }> {
	const { payment } = await h.payments.createPayment({ ...paymentRequest(), gateway: "paypal" });
	await fetch(payment.redirectUrl as string, { redirect: "manual" });
	await h.gateway.captureReturn(payment.reference);
	const event = h.fake.eventsOf("PAYMENT.CAPTURE.COMPLETED")[0] as FakeEvent;
	return { payment, event };
}

const post = (body: string, headers: Record<string, string>) => fetch(h.webhookUrl, { method: "POST", headers, body });

const verifyCalls = () => h.fake.callsTo("POST", /verify-webhook-signature$/).length;

async function nothingChanged(payment: Payment): Promise<void> {
	expect((await h.payments.getPayment(payment.id)).status).toBe("requires_action");
	expect(await h.outbox()).toEqual([]);
	const seen = await rows(h.payments.context.database, "SELECT count(*) AS n FROM webhook_events");
	expect(Number(seen[0]?.n)).toBe(0);
}

describe("PayPal webhook verification", () => {
	test("the verify call carries the headers, our webhook id and the event exactly as received", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const { event } = await captured();
		// Spacing and key order PayPal's serializer might use: what it signed is what we send back.
		const raw = JSON.stringify(JSON.parse(event.body), null, 1);
		const headers = h.fake.sign(raw);
		await h.gateway.parseWebhook(raw, new Headers(headers)).catch(() => undefined);
		const sent = h.fake.callsTo("POST", /verify-webhook-signature$/).at(-1)?.body as string;
		expect(sent.endsWith(`"webhook_event":${raw}}`)).toBe(true);
		expect(JSON.parse(sent)).toEqual({
			auth_algo: "SHA256withRSA",
			cert_url: headers["paypal-cert-url"],
			transmission_id: headers["paypal-transmission-id"],
			transmission_sig: headers["paypal-transmission-sig"],
			transmission_time: headers["paypal-transmission-time"],
			webhook_id: h.fake.webhookId,
			webhook_event: JSON.parse(event.body),
		});
	});

	test("forged, tampered, for another webhook, stale, future, headless or garbage → 400 and no change", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const { payment, event } = await captured();
		const now = Date.now();
		const good = h.fake.sign(event.body);
		const tampered = event.body.replace(/"value":"44\.49"/g, '"value":"0.01"');
		expect(tampered).not.toBe(event.body);
		const forgedSig = { ...good, "paypal-transmission-sig": Buffer.from("forged".repeat(20)).toString("base64") };
		const cases: [string, string, Record<string, string>][] = [
			["forged signature", event.body, forgedSig],
			["tampered body", tampered, good],
			["signed for another webhook", event.body, h.fake.sign(event.body, { webhookId: "OTHERWEBHOOK123" })],
		];
		for (const [what, body, headers] of cases) {
			const res = await post(body, headers);
			expect({ what, status: res.status }).toEqual({ what, status: 400 });
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect(verifyCalls()).toBe(3);

		// Refused before asking PayPal.
		const refusedLocally: [string, string, Record<string, string>][] = [
			["stale", event.body, h.fake.sign(event.body, { time: new Date(now - 6 * 60_000) })],
			["from the future", event.body, h.fake.sign(event.body, { time: new Date(now + 6 * 60_000) })],
			["no headers", event.body, { "content-type": "application/json" }],
			["bad cert url", event.body, { ...good, "paypal-cert-url": "http://evil.example/cert" }],
			["bad transmission id", event.body, { ...good, "paypal-transmission-id": "12345" }],
			["not JSON", "not json", h.fake.sign("not json")],
			["not an event", '{"hello":"world"}', h.fake.sign('{"hello":"world"}')],
			["an array", "[1,2]", h.fake.sign("[1,2]")],
		];
		for (const [what, body, headers] of refusedLocally) {
			const res = await post(body, headers);
			expect({ what, status: res.status }).toEqual({ what, status: 400 });
		}
		expect(verifyCalls()).toBe(3);

		// PayPal itself says FAILURE.
		h.fake.verifyOverride = "FAILURE";
		expect((await post(event.body, h.fake.sign(event.body))).status).toBe(400);
		await nothingChanged(payment);

		// The genuine one still applies afterwards.
		h.fake.verifyOverride = null;
		expect((await h.deliver(event)).body).toMatchObject({ outcome: "applied", status: "succeeded" });
	});

	test("PayPal's verify endpoint down → 502 (PayPal re-sends later), no change", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const { payment, event } = await captured();
		h.fake.verifyOverride = 503;
		const res = await post(event.body, h.fake.sign(event.body));
		expect(res.status).toBe(502);
		await nothingChanged(payment);
		h.fake.verifyOverride = null;
		expect((await h.deliver(event)).body.outcome).toBe("applied");
	});

	test("a genuine event of a type we do not act on: IgnoredWebhook from the gateway, 200 ignored and no change", async () => {
		h = await paypalHarness({ gateway: { captureOnApproval: false } });
		const { payment } = await captured();
		const body = JSON.stringify({
			id: "WH-7Y7254563A4550640-11V2185806837105M",
			event_version: "1.0",
			create_time: new Date().toISOString(),
			resource_type: "dispute",
			event_type: "CUSTOMER.DISPUTE.CREATED",
			summary: "A new dispute opened",
			resource: { dispute_id: "PP-000-003-648-191" },
		});
		const err = await h.gateway.parseWebhook(body, new Headers(h.fake.sign(body))).catch((e) => e);
		expect(err).toBeInstanceOf(IgnoredWebhook);
		expect(err).toMatchObject({
			eventType: "CUSTOMER.DISPUTE.CREATED",
			eventId: "WH-7Y7254563A4550640-11V2185806837105M",
		});
		const answered = await post(body, h.fake.sign(body));
		expect(answered.status).toBe(200);
		expect(((await answered.json()) as { outcome: string }).outcome).toBe("ignored");
		// A forged one of the same type is still a 400: verification comes first.
		const forged = h.fake.sign(body, { webhookId: "SOMEONEELSE1" });
		expect(await h.gateway.parseWebhook(body, new Headers(forged)).catch((e) => e)).toBeInstanceOf(
			WebhookRejectedError,
		);
		await nothingChanged(payment);
	});

	test("a verified event whose resource is malformed → 400", async () => {
		h = await paypalHarness();
		const body = JSON.stringify({
			id: "WH-MALFORMED0000000",
			create_time: new Date().toISOString(),
			event_type: "PAYMENT.CAPTURE.COMPLETED",
			resource: { id: "", status: "SOMETHING" },
		});
		expect((await post(body, h.fake.sign(body))).status).toBe(400);
		const unreadable = JSON.stringify({
			id: "WH-UNREADABLE000000",
			create_time: new Date().toISOString(),
			event_type: "PAYMENT.CAPTURE.COMPLETED",
			resource: {
				id: "3C679366HH908993F",
				status: "COMPLETED",
				amount: { currency_code: "USD", value: "1.234" },
				supplementary_data: { related_ids: { order_id: "5O190127TN364715T" } },
			},
		});
		const res = await post(unreadable, h.fake.sign(unreadable));
		expect(res.status).toBe(400);
		expect(await res.text()).toContain("could not be read");
	});
});
