import { afterEach, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { z } from "zod";
import { onError } from "../../lib/http";
import { paymentRequest } from "../testing/fixtures";
import { PayPalClient } from "./client";
import { PayPalApiError, PayPalUnavailableError } from "./errors";
import { PayPalGateway } from "./gateway";
import { FakePayPal } from "./testing/fake-paypal";
import { Order, VerifyAnswer } from "./wire";

// The OAuth token is fetched once and reused until shortly before it expires, renewed when PayPal
// rejects it, and neither it nor the client secret ever shows in an error, a log line or an
// inspected object.

let fake: FakePayPal;
afterEach(() => fake?.stop());

const request = (id = 1) => ({
	...paymentRequest(undefined, 1500),
	paymentId: `pay_01JSECRETS0000000000000000${id}`.slice(0, 30),
	idempotencyKey: `paypal:secrets-${id}-${crypto.randomUUID()}`,
});

function gatewayFor(f: FakePayPal, overrides: Partial<ConstructorParameters<typeof PayPalGateway>[0]> = {}) {
	return new PayPalGateway({
		apiUrl: f.url,
		clientId: f.clientId,
		clientSecret: f.clientSecret,
		webhookId: f.webhookId,
		...overrides,
	});
}

/** Runs fn with every console method captured; returns what was printed. */
async function printed(fn: () => Promise<unknown>): Promise<string> {
	const lines: string[] = [];
	const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
	const saved = methods.map((m) => console[m]);
	for (const m of methods) console[m] = (...args: unknown[]) => lines.push(args.map((a) => Bun.inspect(a)).join(" "));
	try {
		await fn();
	} finally {
		methods.forEach((m, i) => {
			console[m] = saved[i] as (typeof console)[typeof m];
		});
	}
	return lines.join("\n");
}

/** Everything an error could leak through: message, stack, inspection, JSON, causes. */
const exposed = (err: unknown) =>
	[String(err), (err as Error).stack, Bun.inspect(err), JSON.stringify(err), Bun.inspect((err as Error).cause)].join(
		"\n",
	);

describe("PayPal access tokens", () => {
	test("one token for many calls, concurrent ones included", async () => {
		fake = new FakePayPal();
		const gw = gatewayFor(fake);
		await Promise.all([1, 2, 3, 4].map((i) => gw.createPayment(request(i))));
		await gw.createPayment(request(5));
		expect(fake.issuedTokens).toHaveLength(1);
		expect(fake.callsTo("POST", /oauth2\/token$/)).toHaveLength(1);
	});

	test("renewed shortly before it expires, and when PayPal rejects it (401) the call is retried once", async () => {
		fake = new FakePayPal({ tokenLifetimeSec: 3600 });
		let clock = Date.now();
		const gw = gatewayFor(fake, { now: () => clock });
		await gw.createPayment(request(1));
		clock += 3600_000 - 30_000; // inside the last minute: renewed before use
		await gw.createPayment(request(2));
		expect(fake.issuedTokens).toHaveLength(2);

		fake.revokeTokens();
		const created = await gw.createPayment(request(3));
		expect(created.reference).toMatch(/^[A-Z0-9]{17}$/);
		expect(fake.issuedTokens).toHaveLength(3);
	});

	test("the token request is Basic-authenticated client credentials, as PayPal documents", async () => {
		fake = new FakePayPal();
		await gatewayFor(fake).createPayment(request());
		const [token] = fake.callsTo("POST", /oauth2\/token$/);
		expect(token?.body).toBe("grant_type=client_credentials");
	});

	test("long idempotency keys are hashed to PayPal's 108 characters, the same key to the same id", async () => {
		fake = new FakePayPal();
		const gw = gatewayFor(fake);
		const req = { ...request(), idempotencyKey: `paypal:${"k".repeat(200)}` };
		const a = await gw.createPayment(req);
		const b = await gw.createPayment(req);
		expect(b.reference).toBe(a.reference);
		const ids = fake.callsTo("POST", /^\/v2\/checkout\/orders$/).map((c) => c.requestId as string);
		expect(ids[0]?.length).toBeLessThanOrEqual(108);
		expect(ids[1]).toBe(ids[0] as string);
	});
});

describe("PayPal secrets are never exposed", () => {
	test("wrong credentials: a clear 502 naming PayPal's error, without the secret, in errors or logs", async () => {
		fake = new FakePayPal();
		const secret = "EwrongSecret-0123456789-do-not-print";
		const gw = gatewayFor(fake, { clientSecret: secret });
		const app = new Hono();
		app.onError(onError);
		app.post("/pay", async () => Response.json(await gw.createPayment(request())));

		let caught: unknown;
		const output = await printed(async () => {
			caught = await gw.createPayment(request()).catch((e) => e);
			const res = await app.request("/pay", { method: "POST" });
			expect(res.status).toBe(502);
			const body = await res.text();
			expect(body).toContain("invalid_client");
			expect(body).not.toContain(secret);
			console.error("payment failed", caught);
		});
		expect(caught).toBeInstanceOf(PayPalApiError);
		expect((caught as PayPalApiError).status).toBe(502);
		expect((caught as Error).message).toBe("PayPal refused the access token request: 401 invalid_client.");
		const basic = Buffer.from(`${fake.clientId}:${secret}`).toString("base64");
		for (const text of [output, exposed(caught), Bun.inspect(gw)]) {
			expect(text).not.toContain(secret);
			expect(text).not.toContain(basic);
		}
	});

	test("a failing API call after a token was issued shows neither the token nor the secret", async () => {
		fake = new FakePayPal();
		const gw = gatewayFor(fake);
		await gw.createPayment(request(1));
		const token = fake.issuedTokens[0] as string;
		fake.failEverythingWith = 500;
		let caught: unknown;
		const output = await printed(async () => {
			caught = await gw.createPayment(request(2)).catch((e) => e);
			console.log(caught, gw);
			console.error(Bun.inspect(gw, { depth: 10 }));
		});
		expect(caught).toBeInstanceOf(PayPalApiError);
		expect((caught as Error).message).toContain("500 INTERNAL_SERVER_ERROR / INTERNAL_SERVICE_ERROR (debug_id ");
		for (const text of [output, exposed(caught), Bun.inspect(gw, { depth: 10 }), JSON.stringify(gw)]) {
			expect(text).not.toContain(token);
			expect(text).not.toContain(fake.clientSecret);
		}
	});

	test("PayPal unreachable: a 502 that says so, and nothing secret", async () => {
		fake = new FakePayPal();
		const url = fake.url;
		fake.stop();
		const gw = gatewayFor(fake, { apiUrl: url, timeoutMs: 2_000 });
		const caught = await gw.createPayment(request()).catch((e) => e);
		expect(caught).toBeInstanceOf(PayPalUnavailableError);
		expect(caught.status).toBe(502);
		expect(exposed(caught)).not.toContain(fake.clientSecret);
	});

	test("an answer that is not PayPal's shape is an error, not a guess", async () => {
		fake = new FakePayPal();
		const { reference } = await gatewayFor(fake).createPayment(request());
		const client = new PayPalClient({ apiUrl: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret });
		const read = <T extends z.ZodType>(schema: T) =>
			client.request({
				operation: "reading an order",
				method: "GET",
				path: `/v2/checkout/orders/${reference}`,
				schema,
			});
		expect((await read(Order)).id).toBe(reference);
		const caught = await read(VerifyAnswer).catch((e: Error) => e);
		expect(caught).toBeInstanceOf(PayPalApiError);
		expect(caught.message).toBe("PayPal refused reading an order: 200 UNEXPECTED_ANSWER.");
	});
});
