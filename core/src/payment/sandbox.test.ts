import { afterEach, describe, expect, test } from "bun:test";
import { Payment } from "@bazaar/contracts/payment";
import type { Caller } from "@bazaar/signature";
import { json } from "../testing/harness";
import { rows } from "../testing/sql";
import { signPayload } from "./sandbox/signature";
import {
	FORM_TOKEN,
	type PaymentHarness,
	paymentHarness,
	paymentRequest,
	SHOPPER,
	WEBHOOK_SECRET,
} from "./testing/fixtures";

let h: PaymentHarness;
afterEach(() => h?.close());

const outbox = async () =>
	(
		await rows(
			h.payments.context.database,
			"SELECT type, key, payload FROM bus_outbox WHERE type != 'sandbox.webhook' ORDER BY seq",
		)
	).map((r) => ({
		type: String(r.type),
		key: String(r.key),
		data: JSON.parse(String(r.payload)).data,
	}));

/** Opens the hosted page as the edge does for its owner; the forms carry the edge's form token. */
const openPage = (redirectUrl: string, caller?: Caller) => h.openPage(redirectUrl, caller);
/** Where the edge sends the browser after a decision. */
const locationOf = async (res: Response) => (await json<{ location: string }>(res)).location;

async function created(orderId?: string, amount?: number) {
	const res = await h.call("POST", "/payment/payments", { body: paymentRequest(orderId, amount) });
	expect(res.status).toBe(201);
	return Payment.parse(await json(res));
}

describe("sandbox end to end over HTTP", () => {
	test("create → hosted page → approve → signed webhook → succeeded + payment.succeeded in the outbox", async () => {
		h = await paymentHarness();
		const payment = await created(undefined, 123_45);
		expect(payment.status).toBe("requires_action");
		expect(payment.redirectUrl).toBe(`${h.base}/payment/sandbox/pay/${payment.reference}`);

		const { html, res } = await openPage(payment.redirectUrl as string);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
		expect(html).toContain("$123.45");
		// The forms carry the shopper's own form token (the edge's session CSRF token), nothing
		// derived from the reference.
		expect(html).toContain(`name="csrf" value="${FORM_TOKEN}"`);

		const approve = await h.decide(payment.redirectUrl as string, "approve");
		expect(approve.status).toBe(200);
		await h.webhooksSent();
		const back = new URL(await locationOf(approve));
		expect(back.origin + back.pathname).toBe("http://shop.test/checkout/return");
		expect(back.searchParams.get("sandbox_status")).toBe("approved");

		// The webhook went over HTTP, signed, before the redirect (or is retried until it lands).
		const settled = await h.payments.getPayment(payment.id);
		expect(settled.status).toBe("succeeded");
		expect(await outbox()).toEqual([
			{
				type: "payment.succeeded",
				key: payment.orderId,
				data: {
					paymentId: payment.id,
					orderId: payment.orderId,
					gateway: "sandbox",
					reference: payment.reference,
					amount: { amount: 12345, currency: "USD" },
					duplicate: false,
				},
			},
		]);
		// After success the page says so and has no buttons; the order cannot be paid again.
		const after = await openPage(payment.redirectUrl as string);
		expect(after.html).toContain("already approved");
		expect(after.html).not.toContain("<button");
		const again = await h.call("POST", "/payment/payments", {
			body: { ...paymentRequest(payment.orderId, 12345), idempotencyKey: "another-key-123" },
		});
		expect(again.status).toBe(409);
	});

	test("decline → payment failed + payment.failed; a new attempt can then be made", async () => {
		h = await paymentHarness();
		const payment = await created();
		const res = await h.decide(payment.redirectUrl as string, "decline");
		await h.webhooksSent();
		expect(res.status).toBe(200);
		expect(new URL(await locationOf(res)).searchParams.get("sandbox_status")).toBe("declined");
		expect((await h.payments.getPayment(payment.id)).status).toBe("failed");
		expect((await outbox()).map((e) => [e.type, e.data.status])).toEqual([["payment.failed", "failed"]]);
		const retry = await h.call("POST", "/payment/payments", {
			body: { ...paymentRequest(payment.orderId), idempotencyKey: "retry-key-0001" },
		});
		expect(retry.status).toBe(201);
	});

	test("double approve, two tabs, a double-clicked checkout → one payment page, one success", async () => {
		h = await paymentHarness();
		const req = paymentRequest();
		const [a, b] = await Promise.all([
			h.payments.createPayment(req),
			h.payments.createPayment({ ...req, idempotencyKey: "second-tab-key-1" }),
		]);
		expect(a.payment.id).toBe(b.payment.id);
		const clicks = await Promise.all(
			Array.from({ length: 5 }, () => h.decide(a.payment.redirectUrl as string, "approve")),
		);
		expect(clicks.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		const decline = await h.decide(a.payment.redirectUrl as string, "decline");
		expect(new URL(await locationOf(decline)).searchParams.get("sandbox_status")).toBe("approved");
		await h.webhooksSent();
		expect((await h.payments.getPayment(a.payment.id)).status).toBe("succeeded");
		expect((await outbox()).map((e) => e.type)).toEqual(["payment.succeeded"]);
		const deliveries = await rows(
			h.payments.context.database,
			"SELECT count(*) AS n FROM bus_outbox WHERE type = 'sandbox.webhook'",
		);
		expect(Number(deliveries[0]?.n)).toBe(1);
	});

	test("only the order's owner sees the page or decides: anyone else, and unknown references, get a 404", async () => {
		const owners = new Map<string, string>();
		h = await paymentHarness({ ownerOf: async (orderId) => owners.get(orderId) ?? null });
		const payment = await created();
		owners.set(payment.orderId, SHOPPER.user);
		const url = payment.redirectUrl as string;
		const anonymous: Caller = { user: "", roles: [] };
		const other: Caller = { user: "usr_01OTHERSHOPPER00000000000", roles: ["customer"] };
		for (const caller of [anonymous, other]) {
			const page = await openPage(url, caller);
			expect(page.res.status).toBe(404);
			// The same answer as a reference that does not exist: nothing says the payment is there.
			expect(page.html).not.toContain(payment.orderId);
			expect((await h.decide(url, "approve", caller)).status).toBe(404);
			expect((await h.decide(url, "decline", caller)).status).toBe(404);
		}
		const made = `${h.base}/payment/sandbox/pay/sbx_doesnotexist0000000`;
		expect((await openPage(made)).res.status).toBe(404);
		expect((await h.decide(made, "approve")).status).toBe(404);
		expect((await openPage(`${h.base}/payment/sandbox/pay/<script>`)).res.status).toBe(404);
		// An order nobody owns (it does not exist): 404 for everyone.
		const orphan = await created();
		expect((await openPage(orphan.redirectUrl as string)).res.status).toBe(404);
		expect((await h.payments.getPayment(payment.id)).status).toBe("requires_action");
		expect(await outbox()).toEqual([]);
		// Nothing is open without the edge's signature any more: the page neither.
		expect((await h.http(url)).status).toBe(401);
		expect((await h.http(`${url}/approve`, { method: "POST" })).status).toBe(401);
		expect((await h.http("/payment/payments", { method: "POST", body: "{}" })).status).toBe(401);

		// The owner, at last.
		expect((await openPage(url)).res.status).toBe(200);
		expect((await h.decide(url, "approve")).status).toBe(200);
	});

	test("the page closes with the order: after its expiry nothing can be approved, and the gateway calls it cancelled", async () => {
		let now = Date.parse("2026-11-11T00:00:00.000Z");
		h = await paymentHarness({ now: () => now });
		const { payment } = await h.payments.createPayment({
			...paymentRequest(undefined, 2500),
			expiresAt: new Date(now + 15 * 60_000).toISOString(),
		});
		expect(payment.expiresAt).toBe("2026-11-11T00:15:00.000Z");
		const url = payment.redirectUrl as string;
		expect((await openPage(url)).html).toContain("Approve payment");
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("requires_action");

		now += 15 * 60_000;
		const page = await openPage(url);
		expect(page.res.status).toBe(200);
		expect(page.html).toContain("This payment page has expired");
		expect(page.html).not.toContain("<button");
		const late = await h.decide(url, "approve");
		expect(late.status).toBe(409);
		expect(late.headers.get("content-type")).toContain("application/problem+json");
		expect((await h.payments.getPayment(payment.id)).status).toBe("requires_action");
		expect(await outbox()).toEqual([]);
		// Asked (reconciliation, the shopper's return), the gateway says the session is over.
		expect((await h.payments.gatewayStatus(payment.id)).status).toBe("cancelled");
		expect((await h.payments.confirmReturn(payment.id)).status).toBe("cancelled");
	});

	test("our endpoint down → the sandbox retries until it answers 2xx", async () => {
		let attempts = 0;
		h = await paymentHarness({
			fetch: async (url, init) => {
				if (++attempts <= 2) return new Response("down", { status: 503 });
				return fetch(url, init);
			},
		});
		h.payments.start();
		const payment = await created();
		await h.decide(payment.redirectUrl as string, "approve");
		const end = Date.now() + 5_000;
		while ((await h.payments.getPayment(payment.id)).status !== "succeeded" && Date.now() < end) await Bun.sleep(25);
		expect((await h.payments.getPayment(payment.id)).status).toBe("succeeded");
		expect(attempts).toBe(3);
	});
});

describe("webhooks", () => {
	async function approvedBody() {
		const payment = await created();
		const event = {
			id: "sbxevt_replay_1",
			type: "payment.succeeded",
			created: Math.floor(Date.now() / 1000),
			data: {
				reference: payment.reference,
				paymentId: payment.id,
				orderId: payment.orderId,
				amount: payment.amount.amount,
				currency: "USD",
			},
		};
		return { payment, body: JSON.stringify(event) };
	}
	const post = (body: string, signature: string) =>
		h.http("/payment/webhooks/sandbox", {
			method: "POST",
			headers: { "content-type": "application/json", "sandbox-signature": signature },
			body,
		});

	test("replayed ten times → one state change, one event", async () => {
		h = await paymentHarness();
		const { payment, body } = await approvedBody();
		const sig = signPayload(WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000));
		const results = [];
		for (let i = 0; i < 10; i++) {
			const res = await post(body, sig);
			expect(res.status).toBe(200);
			results.push((await json<{ outcome: string }>(res)).outcome);
		}
		expect(results).toEqual(["applied", ...Array(9).fill("duplicate")]);
		expect((await h.payments.getPayment(payment.id)).status).toBe("succeeded");
		expect((await outbox()).map((e) => e.type)).toEqual(["payment.succeeded"]);
	});

	test("forged signature, stale or future timestamp, no header, garbage → 400 and no change", async () => {
		h = await paymentHarness();
		const { payment, body } = await approvedBody();
		const now = Math.floor(Date.now() / 1000);
		const forged = signPayload("not-the-secret-at-all", body, now);
		const tampered = body.replace('"USD"', '"EUR"');
		for (const res of [
			await post(body, forged),
			await post(tampered, signPayload(WEBHOOK_SECRET, body, now)),
			await post(body, signPayload(WEBHOOK_SECRET, body, now - 301)),
			await post(body, signPayload(WEBHOOK_SECRET, body, now + 301)),
			await post(body, "t=abc,v1=zz"),
			await h.http("/payment/webhooks/sandbox", { method: "POST", body }),
			await post("not json", signPayload(WEBHOOK_SECRET, "not json", now)),
		]) {
			expect(res.status).toBe(400);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect((await h.http("/payment/webhooks/nope", { method: "POST", body })).status).toBe(404);
		expect((await h.payments.getPayment(payment.id)).status).toBe("requires_action");
		expect(await outbox()).toEqual([]);
		const seen = await rows(h.payments.context.database, "SELECT count(*) AS n FROM webhook_events");
		expect(Number(seen[0]?.n)).toBe(0);
	});

	test("only forward: a failure after success is stale; success after failure applies (no success yet)", async () => {
		h = await paymentHarness();
		const payment = await created();
		const now = Math.floor(Date.now() / 1000);
		const send = async (id: string, type: string) => {
			const body = JSON.stringify({
				id,
				type,
				created: now,
				data: {
					reference: payment.reference,
					paymentId: payment.id,
					orderId: payment.orderId,
					amount: payment.amount.amount,
					currency: "USD",
				},
			});
			return json<{ outcome: string; status: string }>(await post(body, signPayload(WEBHOOK_SECRET, body, now)));
		};
		expect(await send("e1", "payment.failed")).toMatchObject({ outcome: "applied", status: "failed" });
		expect(await send("e2", "payment.succeeded")).toMatchObject({ outcome: "applied", status: "succeeded" });
		expect(await send("e3", "payment.failed")).toMatchObject({ outcome: "stale", status: "succeeded" });
		expect((await outbox()).map((e) => e.type)).toEqual(["payment.failed", "payment.succeeded"]);
	});

	test("refunds through the gateway: partial, then the rest; over-refund refused", async () => {
		h = await paymentHarness();
		const payment = await created(undefined, 1000);
		await h.decide(payment.redirectUrl as string, "approve");
		await h.payments.refund(payment.id, { amount: 300, currency: "USD" }, "refund-1");
		await h.payments.refund(payment.id, { amount: 300, currency: "USD" }, "refund-1"); // same key: once
		await h.webhooksSent();
		expect(await h.payments.getPayment(payment.id)).toMatchObject({
			status: "partially_refunded",
			refundedAmount: 300,
		});
		// More than is left: refused before the gateway is asked.
		await expect(h.payments.refund(payment.id, { amount: 701, currency: "USD" }, "refund-2")).rejects.toMatchObject({
			status: 422,
			message: expect.stringContaining("over-refund"),
		});
		await h.payments.refund(payment.id, { amount: 700, currency: "USD" }, "refund-3");
		await h.webhooksSent();
		expect(await h.payments.getPayment(payment.id)).toMatchObject({ status: "refunded", refundedAmount: 1000 });
		expect((await outbox()).map((e) => e.type)).toEqual(["payment.succeeded", "payment.refunded", "payment.refunded"]);
	});
});
