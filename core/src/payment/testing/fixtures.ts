import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { openPayments, type PaymentModule, type PaymentModuleOptions } from "../module";
import { paymentPublicRoutes, paymentRoutes } from "../routes";

// Payment tests on real parts: a temporary libSQL file, the routes mounted as app.ts will mount
// them (public ones before the signature check), and a real HTTP server on an ephemeral port, so
// the sandbox's webhooks and the browser's form posts travel over real HTTP.

export const SERVICE: Caller = { user: "checkout", roles: ["service"] };
export const WEBHOOK_SECRET = "whsec_test_0123456789abcdef";

export interface PaymentHarness {
	dir: string;
	url: string;
	base: string;
	payments: PaymentModule;
	server: ReturnType<typeof Bun.serve>;
	/** Signed call (as another core module). */
	call(method: string, path: string, init?: { body?: unknown; caller?: Caller }): Promise<Response>;
	/** Plain HTTP from "outside" (a browser, a gateway). */
	http(path: string, init?: RequestInit): Promise<Response>;
	close(): Promise<void>;
}

export async function paymentHarness(
	options: {
		now?: () => number;
		settleWaitMs?: number;
		fetch?: typeof fetch;
		/** Further gateways (Stripe, PayPal) pointed at local fake servers. */
		gateways?: PaymentModuleOptions["gateways"];
	} = {},
): Promise<PaymentHarness> {
	const dir = tempDir("bazaar-payment-");
	const url = `file:${join(dir, "payment.db")}`;
	const app = new Hono<AppEnv>();
	const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => app.fetch(req) });
	const base = `http://127.0.0.1:${server.port}`;
	const sandbox: PaymentModuleOptions["sandbox"] = {
		webhookSecret: WEBHOOK_SECRET,
		pageBaseUrl: `${base}/payment/sandbox/pay`,
		webhookUrl: `${base}/payment/webhooks/sandbox`,
		deliveryPollMs: 50,
		settleWaitMs: options.settleWaitMs,
		fetch: options.fetch,
	};
	const payments = await openPayments({ url, sandbox, now: options.now, gateways: options.gateways });
	app.route("/payment", paymentPublicRoutes(payments));
	app.use("*", requireSignature(SECRET));
	app.route("/payment", paymentRoutes(payments));
	app.notFound(notFound);
	app.onError(onError);
	return {
		dir,
		url,
		base,
		payments,
		server,
		async call(method, path, init = {}) {
			return fetch(`${base}${path}`, await signedInit(method, path, init, SERVICE));
		},
		http: (path, init) => fetch(path.startsWith("http") ? path : `${base}${path}`, { redirect: "manual", ...init }),
		async close() {
			await payments.stop();
			server.stop(true);
		},
	};
}

let seq = 0;
export function paymentRequest(orderId = `ord_TEST${Date.now()}${++seq}`, amount = 4449) {
	return {
		orderId,
		amount: { amount, currency: "USD" },
		returnUrl: `http://shop.test/checkout/return?order=${orderId}`,
		cancelUrl: "http://shop.test/checkout/cancelled",
		idempotencyKey: `pay-${orderId}-1`,
	};
}
