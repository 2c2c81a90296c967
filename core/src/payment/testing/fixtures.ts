import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { BusRelay, openLibsqlBus } from "../../bus";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { openPayments, type PaymentModule, type PaymentModuleOptions } from "../module";
import {
	paymentAdminRoutes,
	paymentPublicRoutes,
	paymentRoutes,
	SANDBOX_FORM_TOKEN_HEADER,
	sandboxPageRoutes,
} from "../routes";
import { SANDBOX_WEBHOOK_GROUP, subscribeSandboxWebhooks } from "../sandbox/webhooks";

// Payment tests on real parts: a temporary libSQL file, the routes mounted as app.ts will mount
// them (public ones before the signature check), and a real HTTP server on an ephemeral port, so
// the sandbox's webhooks and the browser's form posts travel over real HTTP.

export const SERVICE: Caller = { user: "checkout", roles: ["service"] };
/** The customer every order of these tests belongs to (unless a test says otherwise). */
export const SHOPPER: Caller = { user: "usr_01SHOPPER0000000000000000", roles: ["customer"] };
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
	/** The sandbox's page as the edge fetches it for `caller` (default SHOPPER), with a form token. */
	openPage(redirectUrl: string, caller?: Caller): Promise<{ res: Response; html: string }>;
	/** A decision on the sandbox's page as the edge forwards it for `caller` (default SHOPPER). */
	decide(redirectUrl: string, decision: "approve" | "decline", caller?: Caller): Promise<Response>;
	/** Resolves once every queued sandbox webhook has been sent and answered (the bus is idle). */
	webhooksSent(): Promise<void>;
	close(): Promise<void>;
}

export async function paymentHarness(
	options: {
		now?: () => number;
		/** What the sandbox's webhook sender POSTs with (tests make it fail). */
		fetch?: (url: string, init: RequestInit) => Promise<Response>;
		/** Further gateways (Stripe, PayPal) pointed at local fake servers. */
		gateways?: PaymentModuleOptions["gateways"];
		/** Who owns an order (the order module's answer in the composed core); default: SHOPPER. */
		ownerOf?: (orderId: string) => Promise<string | null>;
	} = {},
): Promise<PaymentHarness> {
	const dir = tempDir("bazaar-payment-");
	const url = `file:${join(dir, "payment.db")}`;
	const app = new Hono<AppEnv>();
	const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => app.fetch(req) });
	const base = `http://127.0.0.1:${server.port}`;
	const webhookUrl = `${base}/payment/webhooks/sandbox`;
	const sandbox: PaymentModuleOptions["sandbox"] = {
		webhookSecret: WEBHOOK_SECRET,
		pageBaseUrl: `${base}/payment/sandbox/pay`,
		webhookUrl,
		ownerOf: options.ownerOf ?? (async () => SHOPPER.user),
	};
	const payments = await openPayments({ url, sandbox, now: options.now, gateways: options.gateways });
	// The sandbox's webhooks ride the bus, as in the composed core: a bus, the payment database's
	// relay and the sender.
	const bus = await openLibsqlBus({ url: `file:${join(dir, "bus.db")}` });
	const relay = new BusRelay({ database: payments.context.database, bus, pollMs: 50 });
	subscribeSandboxWebhooks(
		bus,
		{ secret: WEBHOOK_SECRET, webhookUrl, fetch: options.fetch, now: options.now },
		{ pollMs: 20, backoffMs: 20, maxBackoffMs: 200 },
	);
	relay.start();
	await bus.start();
	app.route("/payment", paymentPublicRoutes(payments));
	app.use("*", requireSignature(SECRET));
	app.route("/payment", sandboxPageRoutes(payments));
	app.route("/payment/admin", paymentAdminRoutes(payments));
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
		async openPage(redirectUrl, caller = SHOPPER) {
			const path = new URL(redirectUrl).pathname;
			const res = await fetch(
				`${base}${path}`,
				await signedInit("GET", path, { headers: { [SANDBOX_FORM_TOKEN_HEADER]: FORM_TOKEN } }, caller),
			);
			return { res, html: await res.text() };
		},
		async decide(redirectUrl, decision, caller = SHOPPER) {
			const path = `${new URL(redirectUrl).pathname}/${decision}`;
			return fetch(`${base}${path}`, await signedInit("POST", path, {}, caller));
		},
		async webhooksSent() {
			const until = Date.now() + 10_000;
			for (;;) {
				const { pending, lag } = await bus.pending(SANDBOX_WEBHOOK_GROUP);
				if ((await relay.unsent()) === 0 && pending === 0 && !lag) return;
				if (Date.now() > until) throw new Error("sandbox webhooks still queued after 10 s");
				await Bun.sleep(10);
			}
		},
		async close() {
			await relay.stop();
			await bus.stop();
			await payments.stop();
			server.stop(true);
		},
	};
}

/** What the edge would pass as the shopper's form token (their session's CSRF token). */
export const FORM_TOKEN = "edge-session-csrf-token";

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
